// Building text edits for fixes: deleting a `key: value` line, inserting lines into a block mapping,
// re-keying. Every helper returns undefined when the source is not in the simple block layout it can edit
// safely (flow collections, several keys on a line, multi-line values it would cut in half).
import type { ParsedDocument, YMap, YNode, YScalar } from '../yaml/model';
import type { TextEdit } from './types';
import { contentEnd, deref, entries, lineEnd, lineStart, nextLineStart, type Entry } from './tree';

/** The text between the start of the line and `offset` is only spaces (and `- ` sequence markers). */
export function startsLine(text: string, offset: number, allowDash = false): boolean {
  const before = text.slice(lineStart(text, offset), offset);
  return allowDash ? /^[ \t]*(?:- +)*$/.test(before) : /^[ \t]*$/.test(before);
}

/** Nothing but spaces and an optional comment follows `offset` on its line. */
export function endsLine(text: string, offset: number): boolean {
  return /^[ \t]*(?:#.*)?$/.test(text.slice(offset, lineEnd(text, offset)));
}

/** Deletes the lines holding one entry of a block mapping (key line through the end of its value). */
export function deleteEntryEdit(doc: ParsedDocument, map: YMap, e: Entry): TextEdit | undefined {
  if (map.flow || e.merged) return undefined;
  const text = doc.text;
  if (!startsLine(text, e.keyNode.start)) return undefined;
  const value = deref(e.value);
  const end = value === null ? e.keyNode.end : Math.max(e.keyNode.end, contentEnd(text, e.value as YNode));
  if (!endsLine(text, end)) return undefined;
  return { start: lineStart(text, e.keyNode.start), end: nextLineStart(text, end), newText: '' };
}

/** The indentation (column) of a block mapping's keys, if it is a block mapping written one key per line. */
export function blockIndent(doc: ParsedDocument, map: YMap): number | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const first = deref(map.items[0].key);
  if (first === null) return undefined;
  const text = doc.text;
  if (!startsLine(text, first.start, true)) return undefined;
  return first.start - lineStart(text, first.start);
}

/**
 * Inserts `lines` (without indentation or line breaks) as new entries at the top of a block mapping,
 * indented like its keys. For a mapping that starts a sequence item (`- name: x`) the new lines go after
 * the first entry instead, so the `- ` stays on the first line.
 */
export function insertEntriesEdit(doc: ParsedDocument, map: YMap, lines: string[], eolText: string): TextEdit | undefined {
  const indent = blockIndent(doc, map);
  if (indent === undefined) return undefined;
  const text = doc.text;
  const first = entries(map).find((e) => !e.merged);
  if (first === undefined) return undefined;
  const pad = ' '.repeat(indent);
  const block = lines.map((l) => pad + l + eolText).join('');
  if (startsLine(text, first.keyNode.start)) return { start: lineStart(text, first.keyNode.start), end: lineStart(text, first.keyNode.start), newText: block };
  // `- key: value`: insert after the first entry's last line.
  const end = first.value === null ? first.keyNode.end : contentEnd(text, first.value);
  if (!endsLine(text, end)) return undefined;
  const at = nextLineStart(text, end);
  if (at === text.length && !/[\r\n]$/.test(text)) return { start: at, end: at, newText: eolText + block.slice(0, -eolText.length) };
  return { start: at, end: at, newText: block };
}

/** Replaces a scalar's value text (inside quotes); only for one-line plain or quoted scalars. */
export function replaceScalarEdit(doc: ParsedDocument, scalar: YScalar, newValue: string): TextEdit | undefined {
  if (scalar.style === 'literal' || scalar.style === 'folded') return undefined;
  const raw = doc.text.slice(scalar.valueStart, scalar.valueEnd);
  if (/[\r\n]/.test(raw)) return undefined;
  if (scalar.style === 'double' && /["\\]/.test(newValue)) return undefined;
  if (scalar.style === 'single' && newValue.includes("'")) return undefined;
  return { start: scalar.valueStart, end: scalar.valueEnd, newText: newValue };
}
