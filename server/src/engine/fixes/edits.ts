// Absolute text edits of one file: ordering, the no-overlap rule and applying them.
import type { TextEdit } from '../catalog';

/** Edits sorted by position (stable for equal starts). */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits.map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index)
    .map((e) => e.edit);
}

/**
 * The first pair of edits that touch the same text, if any. Two insertions at one offset also count: their
 * order would be up to whoever applies them.
 */
export function overlappingEdits(edits: readonly TextEdit[]): [TextEdit, TextEdit] | undefined {
  const sorted = sortEdits(edits);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (current.start < previous.end || (current.start === previous.start)) return [previous, current];
  }
  return undefined;
}

/** The text after the edits (offsets into `text`), or an error when they overlap or leave the text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string | { error: string } {
  const overlap = overlappingEdits(edits);
  if (overlap !== undefined) return { error: `edits ${overlap[0].start}-${overlap[0].end} and ${overlap[1].start}-${overlap[1].end} overlap` };
  let out = '';
  let at = 0;
  for (const edit of sortEdits(edits)) {
    if (edit.start < at || edit.end > text.length || edit.start > edit.end) return { error: `edit ${edit.start}-${edit.end} is outside the text` };
    out += text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return out + text.slice(at);
}
