// Completion and hover knowledge for Kyverno policy files, as pure functions over the YAML model and an
// offset (relative to the ParsedDocument, like every offset of the model). The language server turns the
// results into LSP items; nothing here knows about editors.
import type { ParsedDocument, YNode, YScalar } from '../yaml/model';
import { cursorAt, type Cursor } from './cursor';
import {
  ANCHORS, AUTOGEN_ANNOTATION, AUTOGEN_DOC, AUTOGEN_VALUES, FAILURE_ACTIONS, KIND_FORMS_DOC, KINDS, OPERATORS, POD_SPEC_KEYS, POLICY_ANNOTATIONS,
} from './knowledge';
import { parseAnchor, ANCHOR_NAMES, fieldName } from '../policyLint/anchors';
import { deprecationNote, findSchemaRoot, schemaNode } from '../policyLint/schema';
import type { SchemaNode } from '../policyLint/schemaTypes';
import { deref, entries } from '../policyLint/tree';
import { describePattern, workspaceMatches } from './patternHover';

export interface CompletionItemData {
  label: string;
  kind: 'anchor' | 'operator' | 'kind' | 'value' | 'key' | 'annotation';
  detail: string;
  /** Markdown with an example. */
  documentation: string;
  insertText?: string;
}

export interface HoverData { markdown: string; start: number; end: number }

export interface WorkspaceImage { image: string; file: string; line: number }

const ACTION_KEYS = new Set(['failureAction', 'validationFailureAction', 'action']);
const PATTERN_KEYS = new Set(['pattern', 'anyPattern']);

/** The cursor is inside a validate pattern (pattern, anyPattern, or a foreach's pattern). */
function patternStart(ancestors: readonly string[]): number {
  for (let i = ancestors.length - 1; i >= 1; i--) {
    if (PATTERN_KEYS.has(ancestors[i]) && (ancestors[i - 1] === 'validate' || ancestors[i - 1] === 'foreach')) return i;
  }
  return -1;
}

export function policyCompletions(doc: ParsedDocument, offset: number): CompletionItemData[] {
  if (!/kyverno\.io\//.test(doc.text)) return [];
  const c = cursorAt(doc.text, Math.max(0, Math.min(offset, doc.text.length)));
  const items = c.position === 'key' ? keyCompletions(doc, c) : valueCompletions(doc, c);
  const typed = c.typed.toLowerCase();
  if (typed === '' || c.position === 'value') return items;
  // Keep what starts with (or, for anchors, wraps) what is typed; never return nothing just for a prefix.
  const filtered = items.filter((i) => i.label.toLowerCase().startsWith(typed) || (i.insertText ?? '').toLowerCase().startsWith(typed)
    || fieldName(i.label).toLowerCase().startsWith(typed.replace(/^[=X^<(]+\(?/, '')));
  return filtered.length > 0 ? filtered : items;
}

function keyCompletions(doc: ParsedDocument, c: Cursor): CompletionItemData[] {
  if (c.listItem && c.key === 'kinds') return kindItems();
  const p = patternStart(c.ancestors);
  if (p >= 0) {
    const out: CompletionItemData[] = [];
    const parent = c.ancestors[c.ancestors.length - 1];
    if (parent !== undefined && fieldName(parent) === 'spec') {
      for (const k of POD_SPEC_KEYS) out.push({ label: k.label, kind: 'key', detail: k.detail, documentation: k.documentation, insertText: k.insertText });
    }
    for (const a of Object.values(ANCHORS)) {
      if (a.insertText === undefined) continue;
      out.push({ label: a.label, kind: 'anchor', detail: a.detail, documentation: a.documentation, insertText: a.insertText });
    }
    return out;
  }
  const last2 = c.ancestors.slice(-2).join('.');
  if (last2 === 'metadata.annotations') {
    return POLICY_ANNOTATIONS.map((a) => ({ label: a.label, kind: 'annotation', detail: a.detail, documentation: a.documentation, insertText: a.insertText }));
  }
  const schema = schemaFor(doc.text, c.ancestors);
  if (schema?.p === undefined) return [];
  return Object.keys(schema.p).filter((k) => k !== 'status').map((k) => {
    const field = schemaNode((schema.p as Record<string, number>)[k]);
    return { label: k, kind: 'key' as const, detail: fieldDetail(field), documentation: fieldDoc(k, field), insertText: `${k}:` };
  });
}

function valueCompletions(doc: ParsedDocument, c: Cursor): CompletionItemData[] {
  const key = c.key ?? '';
  if (key === AUTOGEN_ANNOTATION) return AUTOGEN_VALUES.map((v) => ({ label: v.label, kind: 'value', detail: v.detail, documentation: v.documentation }));
  if (ACTION_KEYS.has(key)) return Object.values(FAILURE_ACTIONS).map((a) => ({ label: a.label, kind: 'value', detail: a.detail, documentation: a.documentation }));
  if (key === 'kinds') return kindItems();
  if (patternStart(c.ancestors) >= 0) {
    return OPERATORS.map((o) => ({ label: o.label, kind: 'operator', detail: o.detail, documentation: o.documentation, insertText: o.insertText }));
  }
  const schema = schemaFor(doc.text, [...c.ancestors, key]);
  if (schema?.e !== undefined) {
    return schema.e.filter((v): v is string => typeof v === 'string').map((v) => ({ label: v, kind: 'value', detail: `${key} value`, documentation: fieldDoc(key, schema) }));
  }
  if (schema?.t === 'boolean') {
    return ['true', 'false'].map((v) => ({ label: v, kind: 'value', detail: `${key} value`, documentation: fieldDoc(key, schema) }));
  }
  return [];
}

function kindItems(): CompletionItemData[] {
  const out: CompletionItemData[] = [];
  for (const k of KINDS) {
    const example = (form: string): string => `${k.description}\n\n${KIND_FORMS_DOC}\n\n\`\`\`yaml\nmatch:\n  any:\n    - resources:\n        kinds:\n          - ${form}\n\`\`\``;
    out.push({ label: k.kind, kind: 'kind', detail: `${k.kind} (any group/version)`, documentation: example(k.kind) });
    out.push({ label: `${k.groupVersion}/${k.kind}`, kind: 'kind', detail: `${k.kind} in ${k.groupVersion} only`, documentation: example(`${k.groupVersion}/${k.kind}`) });
  }
  return out;
}

function schemaFor(text: string, ancestors: readonly string[]): SchemaNode | undefined {
  const apiVersion = /^apiVersion:[ \t]*["']?([^\s"'#]+)/m.exec(text)?.[1];
  const kind = /^kind:[ \t]*["']?([^\s"'#]+)/m.exec(text)?.[1];
  if (apiVersion === undefined || kind === undefined) return undefined;
  const root = findSchemaRoot(apiVersion, kind);
  if (root === undefined) return undefined;
  let node: SchemaNode | undefined = schemaNode(root.root);
  for (const key of ancestors) {
    while (node !== undefined && node.t === 'array' && node.i !== undefined) node = schemaNode(node.i);
    if (node === undefined) return undefined;
    if (node.p !== undefined && Object.prototype.hasOwnProperty.call(node.p, key)) node = schemaNode(node.p[key]);
    else if (typeof node.ap === 'number') node = schemaNode(node.ap);
    else return undefined;
  }
  while (node !== undefined && node.t === 'array' && node.i !== undefined && ancestors.length > 0) {
    // the cursor is inside a list item: complete the item's keys
    const items: SchemaNode = schemaNode(node.i);
    if (items.p === undefined) break;
    node = items;
  }
  return node;
}

function fieldDetail(field: SchemaNode): string {
  const type = field.t ?? (field.u ? 'any' : 'object');
  const deprecated = deprecationNote(field.d) !== undefined ? ' (deprecated)' : '';
  return field.e ? `${type}: ${field.e.join(' | ')}${deprecated}` : `${type}${deprecated}`;
}

function fieldDoc(key: string, field: SchemaNode): string {
  const lines = [`**${key}** (${fieldDetail(field)})`];
  if (field.d) lines.push(field.d);
  if (field.df !== undefined) lines.push(`Default: \`${JSON.stringify(field.df)}\``);
  return lines.join('\n\n');
}

// ---------------------------------------------------------------------------------------------------
// hover

interface Found { scalar: YScalar; isKey: boolean; path: (string | number)[]; key?: string }

/** The scalar (key or value) under the offset, with the mapping-key path leading to it. */
function scalarAt(root: YNode | null, offset: number): Found | undefined {
  const path: (string | number)[] = [];
  let node = deref(root);
  for (let depth = 0; node !== null && depth < 200; depth++) {
    if (node.kind === 'scalar') return offset >= node.start && offset <= node.end ? { scalar: node, isKey: false, path } : undefined;
    if (node.kind === 'seq') {
      const i = node.items.findIndex((item) => offset >= item.start && offset <= item.end);
      if (i < 0) return undefined;
      path.push(i);
      node = deref(node.items[i]);
      continue;
    }
    let next: YNode | null = null;
    for (const e of entries(node)) {
      if (e.merged) continue;
      if (offset >= e.keyNode.start && offset <= e.keyNode.end) return { scalar: e.keyNode, isKey: true, path: [...path, e.key], key: e.key };
      const v = deref(e.value);
      if (v !== null && offset >= v.start && offset <= v.end) {
        path.push(e.key);
        next = v;
        if (v.kind === 'scalar') return offset >= v.start && offset <= v.end ? { scalar: v, isKey: false, path, key: e.key } : undefined;
        break;
      }
    }
    node = next;
  }
  return undefined;
}

/** Something below a validate `pattern` / `anyPattern` (or a foreach's): the path goes past that key. */
function inPattern(path: readonly (string | number)[]): boolean {
  let previousKey: string | undefined;
  for (let k = 0; k < path.length - 1; k++) {
    const step = path[k];
    if (typeof step !== 'string') continue;
    if (PATTERN_KEYS.has(step) && (previousKey === 'validate' || previousKey === 'foreach')) return true;
    previousKey = step;
  }
  return false;
}

export function policyHover(doc: ParsedDocument, offset: number, workspaceImages?: readonly WorkspaceImage[]): HoverData | undefined {
  if (!/kyverno\.io\//.test(doc.text)) return undefined;
  const found = scalarAt(doc.contents, offset);
  if (found === undefined) return undefined;
  const { scalar, isKey, path } = found;
  const range = { start: scalar.start, end: scalar.end };
  const keys = path.filter((p): p is string => typeof p === 'string');
  const patternHere = inPattern(path);

  if (isKey && typeof scalar.value === 'string') {
    const key = scalar.value;
    const anchor = parseAnchor(key);
    if (anchor !== undefined && patternHere) {
      const doc = ANCHORS[`${anchor.modifier}()`];
      return { ...range, markdown: `**${ANCHOR_NAMES[anchor.modifier]} anchor** \`${key}\` on field \`${anchor.name}\`\n\n${doc.documentation}` };
    }
    if (key === AUTOGEN_ANNOTATION) return { ...range, markdown: `**${AUTOGEN_ANNOTATION}**\n\n${AUTOGEN_DOC}` };
    if (!patternHere) {
      const schema = schemaFor(doc.text, keys);
      if (schema !== undefined && (schema.d !== undefined || schema.e !== undefined)) return { ...range, markdown: fieldDoc(key, schema) };
    }
    return undefined;
  }

  const key = found.key ?? (typeof path[path.length - 1] === 'number' ? keys[keys.length - 1] : undefined);
  const value = scalar.value;
  if (typeof value !== 'string') return undefined;
  if (key === AUTOGEN_ANNOTATION) {
    const effect = value === 'none' ? 'No rules are generated for Pod controllers.'
      : value === 'all' ? 'Kyverno rejects `all`: remove the annotation to generate rules for all controllers.'
        : `Rules are generated for: ${value.split(',').map((k) => `\`${k}\``).join(', ')}.`;
    return { ...range, markdown: `**${AUTOGEN_ANNOTATION}: ${value}**\n\n${effect}\n\n${AUTOGEN_DOC}` };
  }
  if (key !== undefined && ACTION_KEYS.has(key)) {
    const action = FAILURE_ACTIONS[value] ?? FAILURE_ACTIONS[value.charAt(0).toUpperCase() + value.slice(1)];
    if (action !== undefined) return { ...range, markdown: `**${action.label}**: ${action.detail}\n\n${action.documentation}` };
  }
  if (key === 'kinds') return { ...range, markdown: describeKind(value) };
  if (patternHere) {
    const parts = [describePattern(value)];
    if (workspaceImages !== undefined && key !== undefined && fieldName(key) === 'image') parts.push(workspaceMatches(value, workspaceImages));
    return { ...range, markdown: parts.join('\n\n') };
  }
  return undefined;
}

function describeKind(value: string): string {
  const parts = value.split('/');
  const kindPart = parts.length >= 3 ? parts[2] : parts.length === 2 ? parts[1] : parts[0];
  const group = parts.length >= 3 ? parts[0] : parts.length === 2 ? '' : '*';
  const version = parts.length >= 3 ? parts[1] : parts.length === 2 ? parts[0] : '*';
  const sub = parts.length >= 4 ? parts[3] : kindPart.includes('.') ? kindPart.split('.').slice(1).join('.') : '';
  const kind = kindPart.split('.')[0];
  const known = KINDS.find((k) => k.kind === kind);
  const rows = [
    `**${value}**: kind \`${kind}\`${group === '*' ? ' in any group and version' : `, group \`${group === '' ? 'core' : group}\`, version \`${version}\``}${sub ? `, subresource \`${sub}\`` : ''}.`,
  ];
  if (known) rows.push(`${known.kind} is served as \`${known.groupVersion}/${known.kind}\`. ${known.description}`);
  rows.push(KIND_FORMS_DOC);
  return rows.join('\n\n');
}
