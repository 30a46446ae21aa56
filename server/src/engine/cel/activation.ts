// The variables a CEL expression sees for one resource (Kyverno's vpol compiler and the Kubernetes
// admission CEL: object, oldObject, request, namespaceObject, params, variables, exceptions, and the
// Kyverno data libraries). Values the editor cannot know (the Namespace object, cluster lookups,
// the authorizer) raise OfflineDataError only when an expression actually reads them.

import type { ResourceView } from '../policy/resource';
import { isClusterScopedKind } from '../policy/kinds';
import { evaluateCel, type CelProgram } from './interpreter';
import { GlobalContextLibrary, HttpLibrary, ImageDataLibrary, OfflineDataError, ResourceLibrary, resourceOfKind } from './library';
import type { NamedProgram } from './model';
import { toCel, type CelInput } from './values';

export interface CelEvaluateOptions {
  /** Labels of namespaces, for matchConstraints.namespaceSelector. */
  namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Namespace objects by name (e.g. a `kyverno test` values file), for `namespaceObject`. */
  namespaceObjects?: Readonly<Record<string, Record<string, unknown>>>;
  /** Cluster objects known locally (e.g. a `kyverno test` context file), for `resource.Get/List` and params. */
  clusterResources?: readonly Record<string, unknown>[];
  /** Admission operation; the editor judges CREATE. */
  operation?: 'CREATE' | 'UPDATE';
}

export function operationOf(options: CelEvaluateOptions): 'CREATE' | 'UPDATE' {
  return options.operation === 'UPDATE' ? 'UPDATE' : 'CREATE';
}

function defineLazy(target: Record<string, unknown>, name: string, get: () => unknown): void {
  Object.defineProperty(target, name, { enumerable: true, configurable: true, get });
}

/** The admission request as CEL's `request` variable shows it. */
function requestOf(res: ResourceView, operation: string): Record<string, unknown> {
  const resource = resourceOfKind(res.kind);
  return {
    kind: { group: res.gvk.group, version: res.gvk.version, kind: res.kind },
    resource: { group: res.gvk.group, version: res.gvk.version, resource },
    requestKind: { group: res.gvk.group, version: res.gvk.version, kind: res.kind },
    requestResource: { group: res.gvk.group, version: res.gvk.version, resource },
    subResource: '',
    name: res.name,
    namespace: res.namespace,
    operation,
    userInfo: { username: '', groups: [] },
    dryRun: false,
  };
}

/** Everything but `variables`, `params` and `exceptions`, which depend on the policy. */
export function baseActivation(res: ResourceView, input: CelInput, options: CelEvaluateOptions): Record<string, unknown> {
  const operation = operationOf(options);
  const activation: Record<string, unknown> = {
    object: input.value,
    oldObject: operation === 'UPDATE' ? input.value : null,
    request: toCel(requestOf(res, operation)),
    params: null,
    exceptions: { allowedImages: [], allowedValues: [] },
    resource: new ResourceLibrary(options.clusterResources !== undefined ? { resources: options.clusterResources } : undefined),
    image: new ImageDataLibrary(),
    http: new HttpLibrary(),
    globalContext: new GlobalContextLibrary(),
  };
  const namespace = res.kind === 'Namespace' || isClusterScopedKind(res.kind) ? '' : res.namespace;
  if (namespace === '') {
    activation.namespaceObject = null;
  } else {
    const known = options.namespaceObjects?.[namespace];
    let converted: unknown;
    defineLazy(activation, 'namespaceObject', () => {
      if (known === undefined) throw new OfflineDataError(`namespaceObject needs the Namespace "${namespace}" from the cluster`);
      converted ??= toCel(known);
      return converted;
    });
  }
  defineLazy(activation, 'authorizer', () => {
    throw new OfflineDataError('authorizer needs the cluster\'s authorization');
  });
  return activation;
}

/**
 * `variables`, evaluated lazily and at most once each, like Kyverno's lazy.MapValue: a variable no
 * expression reads is never evaluated, and an error surfaces only where the variable is used.
 */
export function lazyVariables(defs: readonly NamedProgram[], activation: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const def of defs) {
    let state: 'pending' | 'running' | 'done' = 'pending';
    let outcome: ReturnType<typeof evaluateCel> | undefined;
    defineLazy(variables, def.name, () => {
      if (state === 'running') throw new Error(`variable ${def.name} refers to itself`);
      if (state === 'pending') {
        state = 'running';
        outcome = evaluateCel(def.program, activation);
        state = 'done';
      }
      if (outcome === undefined) throw new Error(`variable ${def.name} has no value`);
      if ('value' in outcome) return outcome.value;
      throw outcome.cause;
    });
  }
  return variables;
}

/** The compiled `variables.<name>` definition, for the culprit search. */
export function variableLookup(defs: readonly NamedProgram[]): (name: string) => CelProgram | undefined {
  return (name) => defs.find((d) => d.name === name)?.program;
}
