import type { ParsedDocument, YamlFile, YNode } from '../yaml/model';
import { stringHeader } from '../yaml/header';
import { nodeAtPath } from '../yaml/path';

export type FileKind = 'manifest' | 'policy' | 'helm-template' | 'other';

/**
 * Helm templates are Go templates, not YAML: their `{{ }}` actions stand where YAML structure or values
 * go, so evaluating them would raise false diagnostics. Kyverno policies also contain `{{ }}`, but only
 * inside quoted strings, and are recognised before this check runs.
 */
const TEMPLATE_ACTION_LINE = /^[ \t]*\{\{-?[ \t]*(?:if|else|end|range|with|define|include|template|block|\/\*|-)/m;
const UNQUOTED_TEMPLATE_VALUE = /^[ \t]*(?:-[ \t]+)?[\w.\-/"']+:[ \t]+\{\{/m;
const TEMPLATE_AT_LINE_START = /^[ \t]*(?:-[ \t]+)?\{\{/m;

export function looksLikeHelmTemplate(text: string, path?: string): boolean {
  if (!containsTemplateAction(text)) return false;
  if (path !== undefined && /(^|[\\/])templates[\\/][^\\/]+\.(ya?ml|tpl)$/.test(path)) return true;
  return TEMPLATE_ACTION_LINE.test(text) || UNQUOTED_TEMPLATE_VALUE.test(text) || TEMPLATE_AT_LINE_START.test(text);
}

/** A document with a `{{ ... }}` action is not what the cluster will see; only its rendered form can be judged. */
export function containsTemplateAction(text: string): boolean {
  const open = text.indexOf('{{');
  return open >= 0 && text.indexOf('}}', open + 2) > 0;
}

export interface KubernetesObjectHeader { apiVersion: string; kind: string }

export function objectHeader(value: unknown): KubernetesObjectHeader | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { apiVersion, kind } = value as Record<string, unknown>;
  return typeof apiVersion === 'string' && typeof kind === 'string' ? { apiVersion, kind } : undefined;
}

/** Text hints that a document which failed to parse was meant to be a Kubernetes object. */
export function mentionsKubernetesObject(text: string): boolean {
  return /^[ \t]*(apiVersion|kind)[ \t]*:/m.test(text);
}

/**
 * A stand-in for `parsed.toJS()` that has the same `apiVersion` and `kind` strings (all that
 * policy detection and objectHeader look at), read from the syntax tree when it can answer.
 */
export function headerValue(parsed: ParsedDocument): unknown {
  if (parsed.contents === null) return undefined;
  return stringHeader(parsed) ?? parsed.toJS();
}

/** `isPolicy` is asked about headerValue(): decide on `apiVersion` and `kind` only. */
export function classifyFile(yaml: YamlFile, isPolicy: (value: unknown) => boolean, path?: string): FileKind {
  let sawObject = false;
  for (const doc of yaml.documents) {
    const value = headerValue(doc.parsed);
    if (isPolicy(value)) return 'policy';
    if (objectHeader(value)) sawObject = true;
  }
  if (looksLikeHelmTemplate(yaml.text, path)) return 'helm-template';
  return sawObject || mentionsKubernetesObject(yaml.text) ? 'manifest' : 'other';
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/**
 * A workload that does not give every container an image is a fragment: a Kustomize strategic-merge patch (it
 * holds only the fields it changes, e.g. `replicas` or one container's `resources`), or a manifest still being
 * written. The API server does not create a pod without images, so Kyverno never judges such an object as it is;
 * judging it here would report the images a patch leaves out as violations.
 */
export function isPartialWorkload(parsed: ParsedDocument, kind: string): boolean {
  const specPath = POD_SPEC_PATHS[kind];
  if (specPath === undefined || parsed.contents === null) return false;
  const spec = nodeAtPath(parsed.contents, specPath);
  if (spec === undefined || spec.kind !== 'map') return true;
  const containers = nodeAtPath(spec, ['containers']);
  if (containers === undefined || containers.kind !== 'seq' || containers.items.length === 0) return true;
  for (const list of CONTAINER_LISTS) {
    const items = nodeAtPath(spec, [list]);
    if (items === undefined) continue;
    if (items.kind !== 'seq') return true;
    for (let i = 0; i < items.items.length; i++) if (!namesImage(nodeAtPath(items, [i, 'image']))) return true;
  }
  return false;
}

function namesImage(image: YNode | undefined): boolean {
  return image !== undefined && image.kind === 'scalar' && image.value !== null && image.value !== '';
}
