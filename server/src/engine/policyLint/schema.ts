// Validation against Kyverno's CRD schemas (layer 1 of §6): types, enums, required fields, lengths,
// bounds, `not: {required}` / `oneOf: [{required}]`, and unknown fields with a "did you mean".
// x-kubernetes-preserve-unknown-fields is honoured, so patterns, conditions and other free-form values are
// never judged. Problems point at the key that introduces the offending value.
//
// Null values are treated as absent, as the API server prunes nulls of non-nullable fields before
// validating: `exclude:` with nothing after it is fine, `match:` with nothing after it is "Required value".
import { SCHEMA_NODES, SCHEMA_ROOTS } from './crds/schemas.generated';
import type { SchemaNode, SchemaRoot } from './schemaTypes';
import type { YNode } from '../yaml/model';
import type { PolicyProblem } from './types';
import { deref, entries, formatPath, isNullish, itemRange, type Path, type Range } from './tree';
import { closestName } from './didYouMean';

export function schemaNode(index: number): SchemaNode {
  return SCHEMA_NODES[index];
}

/** The CRD version schema for an apiVersion + kind, if Kyverno publishes one. */
export function findSchemaRoot(apiVersion: string, kind: string): SchemaRoot | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return undefined;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return SCHEMA_ROOTS.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** Kinds that have a CRD in a group (to tell "wrong version" from "not a Kyverno kind"). */
export function versionsOf(group: string, kind: string): string[] {
  return SCHEMA_ROOTS.filter((r) => r.group === group && r.kind === kind).map((r) => r.version);
}

/** The schema node for a path (mapping keys and sequence indexes), following properties / items / additionalProperties. */
export function schemaAtPath(root: number, path: Path): SchemaNode | undefined {
  let node: SchemaNode | undefined = schemaNode(root);
  for (const step of path) {
    if (node === undefined) return undefined;
    if (typeof step === 'number') node = node.i !== undefined ? schemaNode(node.i) : undefined;
    else if (node.p !== undefined && step in node.p) node = schemaNode(node.p[step]);
    else if (typeof node.ap === 'number') node = schemaNode(node.ap);
    else node = undefined;
  }
  return node;
}

// ObjectMeta is `type: object` in the CRDs (the API server validates it itself); these are its fields.
const OBJECT_META_FIELDS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];

export function validateAgainstSchema(contents: YNode | null, root: SchemaRoot): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const top = deref(contents);
  if (top === null) return out;
  const anchor: Range = top.kind === 'map' && top.items.length > 0 ? itemRange(top) : { start: top.start, end: top.start };
  check(top, root.root, [], anchor, out, 0);
  return out;
}

function problem(out: PolicyProblem[], at: Range, code: string, message: string, fix?: PolicyProblem['fix']): void {
  out.push({ severity: 'error', code, message, start: at.start, end: at.end, ...(fix ? { fix } : {}) });
}

function describe(node: YNode): string {
  const n = deref(node);
  if (n === null) return 'null';
  if (n.kind === 'map') return 'object';
  if (n.kind === 'seq') return 'array';
  if (n.value === null) return 'null';
  if (typeof n.value === 'number') return Number.isInteger(n.value) ? 'integer' : 'number';
  return typeof n.value;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function check(node: YNode | null, schemaIndex: number, path: Path, at: Range, out: PolicyProblem[], depth: number): void {
  if (depth > 100 || isNullish(node)) return;
  const n = deref(node);
  if (n === null) return;
  const s = schemaNode(schemaIndex);
  const type = s.t ?? (s.p !== undefined ? 'object' : undefined);
  const where = formatPath(path);
  if (type === undefined) return; // free-form (preserve-unknown-fields without a type)

  const typeError = (): void =>
    problem(out, at, 'schema-type', `${where}: Invalid value: "${describe(n)}": ${where} in body must be of type ${type}: ${n.kind === 'scalar' ? quote(n.value) : `"${describe(n)}"`}`);

  switch (type) {
    case 'object': {
      if (n.kind !== 'map') return typeError();
      checkObject(n, s, path, at, out, depth);
      return;
    }
    case 'array': {
      if (n.kind !== 'seq') return typeError();
      if (s.i === undefined) return;
      const items = s.i;
      n.items.forEach((item, i) => check(item, items, [...path, i], itemRange(item), out, depth + 1));
      return;
    }
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean': {
      if (n.kind !== 'scalar') return typeError();
      const v = kubernetesScalar(n);
      const ok = type === 'string' ? typeof v === 'string'
        : type === 'boolean' ? typeof v === 'boolean'
          : type === 'integer' ? typeof v === 'number' && Number.isInteger(v)
            : typeof v === 'number';
      if (!ok) return typeError();
      if (s.e !== undefined && !s.e.includes(v)) {
        // On a tie the capitalised value wins: `enforcee` → `Enforce`, not the deprecated `enforce`.
        const candidates = s.e.filter((x): x is string => typeof x === 'string').sort((a, b) => Number(isLowerInitial(a)) - Number(isLowerInitial(b)));
        const suggestion = typeof v === 'string' ? closestName(v, candidates) : undefined;
        problem(out, at, 'schema-enum', `${where}: Unsupported value: ${quote(v)}: supported values: ${s.e.map(quote).join(', ')}`,
          suggestion !== undefined && n.style !== 'literal' && n.style !== 'folded'
            ? { title: `Change to "${suggestion}"`, edits: [{ start: n.valueStart, end: n.valueEnd, newText: suggestion }], preferred: true }
            : undefined);
        return;
      }
      if (typeof v === 'string') {
        const length = utf8Length(v);
        if (s.ml !== undefined && length > s.ml) problem(out, at, 'schema-too-long', `${where}: Too long: may not be more than ${s.ml} bytes`);
        if (s.mnl !== undefined && length < s.mnl) problem(out, at, 'schema-too-short', `${where}: Invalid value: ${quote(v)}: ${where} in body should be at least ${s.mnl} chars long`);
      }
      if (typeof v === 'number') {
        if (s.min !== undefined && v < s.min) problem(out, at, 'schema-minimum', `${where}: Invalid value: ${v}: ${where} in body should be greater than or equal to ${s.min}`);
        if (s.max !== undefined && v > s.max) problem(out, at, 'schema-maximum', `${where}: Invalid value: ${v}: ${where} in body should be less than or equal to ${s.max}`);
      }
      return;
    }
  }
}

function checkObject(n: Extract<YNode, { kind: 'map' }>, s: SchemaNode, path: Path, at: Range, out: PolicyProblem[], depth: number): void {
  const list = entries(n);
  const isMetadata = path.length === 1 && path[0] === 'metadata';
  for (const e of list) {
    const childPath = [...path, e.key];
    const keyRange: Range = e.merged ? at : { start: e.keyNode.start, end: e.keyNode.end };
    if (s.p !== undefined && Object.prototype.hasOwnProperty.call(s.p, e.key)) {
      const field = schemaNode(s.p[e.key]);
      const deprecation = deprecationNote(field.d);
      // spec.validationFailureAction has its own lint with a fix (deprecations.ts).
      if (deprecation !== undefined && !e.merged && !isNullish(e.value) && formatPath(childPath) !== 'spec.validationFailureAction') {
        out.push({ severity: 'hint', code: 'schema-deprecated-field', message: `${formatPath(childPath)}: ${deprecation}`, start: keyRange.start, end: keyRange.end });
      }
      check(e.value, s.p[e.key], childPath, keyRange, out, depth + 1);
    } else if (typeof s.ap === 'number') {
      check(e.value, s.ap, childPath, keyRange, out, depth + 1);
    } else if (isMetadata) {
      checkObjectMeta(e, childPath, keyRange, out);
    } else if (s.ap === true || s.u === true || s.p === undefined) {
      // free-form mapping
    } else if (!e.merged) {
      unknownField(e.key, Object.keys(s.p), childPath, keyRange, out);
    }
  }
  const present = (name: string): boolean => list.some((e) => e.key === name && !isNullish(e.value));
  for (const name of s.r ?? []) {
    if (!present(name)) problem(out, at, 'schema-required', `${formatPath([...path, name])}: Required value`);
  }
  if (s.not !== undefined && s.not.length > 0 && s.not.every(present)) {
    problem(out, at, 'schema-not', `${formatPath(path)}: ${notMessage(s.not)}`);
  }
  if (s.one !== undefined) {
    const satisfied = s.one.filter((required) => required.every(present)).length;
    if (satisfied !== 1) {
      const names = s.one.map((r) => r.join(' and '));
      const forContext = names.includes('configMap') && names.includes('apiCall') ? ' for context entries' : '';
      problem(out, at, 'schema-one-of', `${formatPath(path)}: exactly one of ${names.join(' or ')} is required${forContext}`);
    }
  }
}

// Kyverno's own wording for the two `not: {required: [...]}` constraints its CRDs carry (§6 c).
function notMessage(names: readonly string[]): string {
  const key = [...names].sort().join(',');
  if (key === 'all,any') return "Can't specify any and all together";
  if (key === 'name,names') return 'Both name and names can not be specified together';
  return `${names.join(' and ')} can not be specified together`;
}

function unknownField(key: string, known: string[], path: Path, at: Range, out: PolicyProblem[]): void {
  const suggestion = closestName(key, known);
  const message = `${formatPath(path)}: value provided for unknown field${suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : ''}`;
  problem(out, at, 'schema-unknown-field', message,
    suggestion !== undefined ? { title: `Rename to "${suggestion}"`, edits: [{ start: at.start, end: at.end, newText: suggestion }], preferred: true } : undefined);
}

function checkObjectMeta(e: ReturnType<typeof entries>[number], path: Path, at: Range, out: PolicyProblem[]): void {
  if (!OBJECT_META_FIELDS.includes(e.key)) {
    if (!e.merged) unknownField(e.key, OBJECT_META_FIELDS, path, at, out);
    return;
  }
  const value = deref(e.value);
  if (value === null || isNullish(value)) return;
  const where = formatPath(path);
  if (e.key === 'name' || e.key === 'namespace' || e.key === 'generateName') {
    if (value.kind !== 'scalar' || typeof value.value !== 'string') {
      problem(out, at, 'schema-type', `${where}: Invalid value: "${describe(value)}": ${where} in body must be of type string`);
    }
  } else if (e.key === 'labels' || e.key === 'annotations') {
    if (value.kind !== 'map') {
      problem(out, at, 'schema-type', `${where}: Invalid value: "${describe(value)}": ${where} in body must be of type object`);
      return;
    }
    for (const item of entries(value)) {
      const v = deref(item.value);
      if (v !== null && !(v.kind === 'scalar' && typeof v.value === 'string')) {
        const itemWhere = `${where}[${item.key}]`;
        problem(out, item.merged ? at : { start: item.keyNode.start, end: item.keyNode.end }, 'schema-type',
          `${itemWhere}: Invalid value: "${describe(v)}": ${itemWhere} in body must be of type string`);
      }
    }
  }
}

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

function isLowerInitial(text: string): boolean {
  return text.length > 0 && text[0] !== text[0].toUpperCase();
}

// Kubernetes reads YAML with go-yaml v2 (YAML 1.1), where plain yes/no/on/off and friends are booleans;
// the model follows YAML 1.2. Judging a field by the YAML 1.2 value would call `background: yes` a string.
const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

function kubernetesScalar(n: Extract<YNode, { kind: 'scalar' }>): string | number | boolean | null {
  if (n.style === 'plain' && n.tag === undefined && typeof n.value === 'string') {
    if (YAML11_TRUE.has(n.value)) return true;
    if (YAML11_FALSE.has(n.value)) return false;
  }
  return n.value;
}

/** "Deprecated, use X instead." from a CRD field description, if the field is deprecated. */
export function deprecationNote(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const m = /(?:^|[.:]\s+)(Deprecated\b[^]*)$/.exec(description);
  return m ? m[1].trim() : undefined;
}
