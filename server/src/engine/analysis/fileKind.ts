import type { ParsedDocument, YamlFile } from '../yaml/model';
import { stringHeader } from '../yaml/header';

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
