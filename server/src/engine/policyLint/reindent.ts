// Rebuilding the nesting of a policy that lost its indentation, guided by Kyverno's CRD schema: each key
// goes to the innermost open mapping whose schema knows it (so `match:` after a pattern closes the pattern),
// keys no schema knows go to the innermost free-form mapping (patterns, annotations), and `- ` items to the
// innermost list that accepts them. Free-form parts are ambiguous by nature (a pattern key that is also a
// rule field would be closed too early), so the caller offers the result as a fix to review, and only when
// it parses and passes the policy checks.
import type { SchemaNode } from './schemaTypes';
import { findSchemaRoot, schemaNode } from './schema';
import { fieldName } from './anchors';

interface Frame {
  kind: 'map' | 'seq';
  schema: SchemaNode | undefined;
  indent: number;
  objectMeta?: boolean;
  /** The key that opened it (anchor stripped); for a list item's mapping, the list's key. */
  key: string;
  /** Entries or items written into it so far. */
  children: number;
  /** Keys written into it (a mapping never takes the same key twice). */
  seen: Set<string>;
}

// In free-form patterns, which keys plausibly belong to which parent (Pod and container fields).
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const CONTAINER_FIELDS = new Set(['name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'ports', 'env', 'envFrom', 'resources',
  'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'securityContext', 'stdin', 'tty',
  'terminationMessagePath', 'terminationMessagePolicy', 'restartPolicy', 'resizePolicy', 'targetContainerName']);
const RESOURCE_FIELDS = new Set(['limits', 'requests', 'claims']);

// ObjectMeta is a bare `type: object` in the CRDs; these are the fields a policy's metadata can hold.
const OBJECT_META_FIELDS = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'finalizers', 'ownerReferences']);

interface FlatLine { dashes: number; key?: string; value: string; raw: string; comment: boolean }

const KEY = /^("[^"]*"|'[^']*'|[^\s#'"\-[{][^#]*?|-[^\s#][^#]*?)[ \t]*:(?:[ \t]+(.*))?$/;
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(#.*)?$/;

function readFlat(line: string): FlatLine {
  const t = line.trim();
  if (t.startsWith('#')) return { dashes: 0, value: t, raw: t, comment: true };
  let rest = t;
  let dashes = 0;
  while (/^-(\s|$)/.test(rest)) { dashes++; rest = rest.slice(1).trimStart(); }
  const m = KEY.exec(rest);
  if (m) return { dashes, key: unquote(m[1]), value: (m[2] ?? '').trim(), raw: rest, comment: false };
  return { dashes, value: rest, raw: rest, comment: false };
}

function unquote(key: string): string {
  const k = key.trim();
  return /^(".*"|'.*')$/.test(k) ? k.slice(1, -1) : k;
}

function isFreeForm(s: SchemaNode | undefined): boolean {
  return s === undefined || (s.p === undefined && s.i === undefined && (s.t === undefined || s.t === 'object'));
}

/** The frame's schema names the key as a property (additionalProperties do not count: they accept anything). */
function knows(frame: Frame, key: string): boolean {
  if (frame.kind !== 'map') return false;
  if (frame.objectMeta) return OBJECT_META_FIELDS.has(key);
  const s = frame.schema;
  return s?.p !== undefined && Object.prototype.hasOwnProperty.call(s.p, key);
}

/** A mapping that takes any key: free-form (patterns, metadata maps) or with additionalProperties. */
function acceptsAny(frame: Frame): boolean {
  return frame.kind === 'map' && !frame.objectMeta && (frame.schema === undefined || frame.schema.ap !== undefined);
}

function childSchema(frame: Frame, key: string): SchemaNode | undefined {
  const s = frame.schema;
  if (s === undefined) return undefined;
  if (s.p !== undefined && Object.prototype.hasOwnProperty.call(s.p, key)) return schemaNode(s.p[key]);
  if (typeof s.ap === 'number') return schemaNode(s.ap);
  return undefined;
}

function itemSchema(frame: Frame): SchemaNode | undefined {
  return frame.schema?.i !== undefined ? schemaNode(frame.schema.i) : undefined;
}

/** The re-indented text, or undefined when the input has a shape this cannot rebuild with confidence. */
export function reindentPolicy(text: string, apiVersion: string, kind: string): string | undefined {
  const root = findSchemaRoot(apiVersion, kind);
  if (root === undefined) return undefined;
  const eolText = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  const stack: Frame[] = [{ kind: 'map', schema: schemaNode(root.root), indent: 0, key: '', children: 0, seen: new Set() }];
  let pendingComments: string[] = [];
  const emit = (indent: number, content: string): void => {
    for (const c of pendingComments) out.push(' '.repeat(indent) + c);
    pendingComments = [];
    out.push(' '.repeat(indent) + content);
  };
  /** Opens the container for `key:` with no value on its line, the kind decided by the schema or the next line. */
  const open = (key: string, schema: SchemaNode | undefined, indent: number, next: FlatLine | undefined, objectMeta = false): void => {
    const kindOf = schema?.t === 'array' ? 'seq' : schema?.t === 'object' || schema?.p !== undefined ? 'map'
      : next !== undefined && next.dashes > 0 ? 'seq' : 'map';
    stack.push({ kind: kindOf, schema: isFreeForm(schema) && schema?.ap === undefined ? undefined : schema, indent, key: fieldName(key), children: 0, seen: new Set(), ...(objectMeta ? { objectMeta } : {}) });
  };
  /** A free-form mapping that a key plausibly belongs to, from what Pod specs look like. */
  const plausible = (frame: Frame, key: string): boolean => {
    const k = fieldName(key);
    if (CONTAINER_LISTS.has(frame.key)) return CONTAINER_FIELDS.has(k);
    if (frame.key === 'resources' && frame.schema === undefined) return RESOURCE_FIELDS.has(k);
    if (RESOURCE_FIELDS.has(frame.key)) return !CONTAINER_FIELDS.has(k) && !RESOURCE_FIELDS.has(k);
    return true;
  };
  const nextContent = (from: number): FlatLine | undefined => {
    for (let k = from; k < lines.length; k++) {
      if (lines[k].trim() === '') continue;
      const f = readFlat(lines[k]);
      if (!f.comment) return f;
    }
    return undefined;
  };

  // After `key: value` (a scalar that may go on over the next lines): where continuation lines go.
  let continuationIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const rawLine = lines[i];
    if (rawLine.trim() === '') { out.push(''); continue; }
    if (/^(---|\.\.\.)(\s|$)/.test(rawLine.trim())) { out.push(rawLine.trim()); continue; }
    const line = readFlat(rawLine);
    if (line.comment) { pendingComments.push(line.raw); continue; }
    if (line.dashes > 1) return undefined;
    if (line.dashes === 0) {
      if (line.key === undefined) {
        // The continuation of a multi-line scalar value on the previous line(s).
        if (continuationIndent === undefined) return undefined;
        out.push(' '.repeat(continuationIndent) + line.raw);
        continue;
      }
      // A mapping opened on the previous line takes it (an empty `pattern:` would be null); else the
      // innermost schema frame that names the key, unless a free-form mapping above it plausibly owns it;
      // else the innermost plausible free-form mapping.
      const top = stack[stack.length - 1];
      let j = -1;
      if (top.kind === 'map' && top.children === 0 && stack.length > 1) j = stack.length - 1;
      // Among the frames naming the key, one that requires it and still lacks it wins (a rule's `name`
      // written after its `match` block is the rule's, not the resource filter's); never a duplicate.
      const key = line.key;
      const candidates = stack.map((_frame, k) => k).filter((k) => knows(stack[k], key) && !stack[k].seen.has(key));
      if (j < 0) j = [...candidates].reverse().find((k) => stack[k].schema?.r?.includes(key)) ?? -1;
      if (j < 0 && candidates.length > 0) j = candidates[candidates.length - 1];
      if (j >= 0 && j < stack.length - 1 && top.children > 0) {
        for (let k = stack.length - 1; k > j; k--) if (acceptsAny(stack[k]) && CONTAINER_LISTS.has(stack[k].key) && CONTAINER_FIELDS.has(line.key)) { j = k; break; }
      }
      if (j < 0) for (let k = stack.length - 1; k >= 0; k--) if (acceptsAny(stack[k]) && plausible(stack[k], line.key) && !stack[k].seen.has(line.key)) { j = k; break; }
      if (j < 0) for (let k = stack.length - 1; k >= 0; k--) if (acceptsAny(stack[k])) { j = k; break; }
      if (j < 0) return undefined;
      stack.length = j + 1;
      const frame = stack[j];
      frame.children++;
      frame.seen.add(line.key);
      emit(frame.indent, line.raw);
      const objectMeta = j === 0 && line.key === 'metadata';
      continuationIndent = line.value !== '' && !/^[[{]/.test(line.value) ? frame.indent + 2 : undefined;
      if (line.value === '') open(line.key, objectMeta ? undefined : childSchema(frame, line.key), frame.indent + 2, nextContent(i + 1), objectMeta);
      else if (BLOCK_SCALAR.test(line.value)) i = copyBlockScalar(lines, i + 1, frame.indent + 2, out) - 1;
      continue;
    }
    // A `- ` item: a list opened on the previous line, else the innermost list whose item schema knows the
    // item's first key, else the innermost list.
    const topFrame = stack[stack.length - 1];
    let j = topFrame.kind === 'seq' && topFrame.children === 0 ? stack.length - 1 : -1;
    if (j < 0 && line.key !== undefined) {
      for (let k = stack.length - 1; k >= 0; k--) {
        const items = stack[k].kind === 'seq' ? itemSchema(stack[k]) : undefined;
        if (items?.p !== undefined && Object.prototype.hasOwnProperty.call(items.p, line.key)) { j = k; break; }
      }
    }
    if (j < 0) for (let k = stack.length - 1; k >= 0; k--) if (stack[k].kind === 'seq') { j = k; break; }
    if (j < 0) return undefined;
    stack.length = j + 1;
    const seq = stack[j];
    seq.children++;
    emit(seq.indent, `- ${line.raw}`);
    continuationIndent = line.key === undefined ? seq.indent + 2 : line.value !== '' && !/^[[{]/.test(line.value) ? seq.indent + 4 : undefined;
    if (line.key !== undefined) {
      const items = itemSchema(seq);
      const item: Frame = { kind: 'map', schema: isFreeForm(items) ? undefined : items, indent: seq.indent + 2, key: seq.key, children: 1, seen: new Set([line.key]) };
      stack.push(item);
      if (line.value === '') open(line.key, childSchema(item, line.key), item.indent + 2, nextContent(i + 1));
      else if (BLOCK_SCALAR.test(line.value)) i = copyBlockScalar(lines, i + 1, item.indent + 2, out) - 1;
    }
  }
  for (const c of pendingComments) out.push(c);
  return out.join(eolText);
}

function isStructural(trimmed: string): boolean {
  return /^[A-Za-z0-9_./"'-]+[ \t]*:(\s|$)/.test(trimmed) || /^-(\s|$)/.test(trimmed) || trimmed.startsWith('#');
}

/** Copies the lines of a block scalar (up to the next line that reads as a `key:` or `- ` item); returns the next line index. */
function copyBlockScalar(lines: string[], from: number, indent: number, out: string[]): number {
  let k = from;
  while (k < lines.length) {
    const t = lines[k].trim();
    if (t === '') {
      let n = k;
      while (n < lines.length && lines[n].trim() === '') n++;
      if (n >= lines.length || isStructural(lines[n].trim())) return k; // trailing blank lines belong to what follows
      for (; k < n; k++) out.push('');
      continue;
    }
    if (isStructural(t)) return k;
    out.push(' '.repeat(indent) + t);
    k++;
  }
  return k;
}
