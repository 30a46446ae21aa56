// A YAML file as a list of independently parsed documents, and its incremental update.

import type { ParsedDocument, TextChange, YamlDocument, YamlFile } from './model';
import { splitDocuments } from './split';
import { parseDocument } from './build';

export function parseYamlFile(text: string): YamlFile {
  const source = typeof text === 'string' ? text : '';
  const boundaries = splitDocuments(source, 0);
  const documents: YamlDocument[] = [];
  for (let k = 0; k + 1 < boundaries.length; k++) {
    const start = boundaries[k];
    const end = boundaries[k + 1];
    documents.push({ index: k, start, end, parsed: parseDocument(detachedSlice(source, start, end)) });
  }
  return { text: source, documents };
}

/**
 * The file after replacing prev.text[change.start, change.end) with change.text. Gives the same result as
 * parseYamlFile(newText), but re-splits only from the document before the edit up to the first document
 * boundary after it that existed before the edit, and re-parses only documents whose text changed.
 * Every other ParsedDocument is reused (same object), with its start/end shifted.
 */
export function updateYamlFile(prev: YamlFile, change: TextChange): YamlFile {
  const oldText = prev.text;
  // Like LSP text documents: a reversed range is read with its ends swapped.
  const a = clamp(change.start, 0, oldText.length);
  const b = clamp(change.end, 0, oldText.length);
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  const inserted = typeof change.text === 'string' ? change.text : '';
  const text = oldText.slice(0, from) + inserted + oldText.slice(to);
  const old = prev.documents;
  if (old.length === 0 || text.length === 0) return parseYamlFile(text);

  const delta = inserted.length - (to - from);
  const changeEndNew = from + inserted.length;
  // The edit can change the first line of the document it starts in, which decides whether the
  // boundary before it exists, so the re-split starts one document earlier.
  const first = Math.max(0, documentAt(old, from) - 1);
  const regionStart = old[first].start;

  // Stop at the first boundary past the edit that was also a boundary before it: the state of the
  // splitter is the same at every boundary and the text after it is unchanged, so the rest of the old
  // split still holds.
  let resume = -1;
  const boundaries = splitDocuments(text, regionStart, (b) => {
    if (b < changeEndNew) return false;
    const k = documentStartingAt(old, b - delta);
    if (k < 0) return false;
    resume = k;
    return true;
  });

  const documents: YamlDocument[] = old.slice(0, first);
  for (let k = 0; k + 1 < boundaries.length; k++) {
    const start = boundaries[k];
    const end = boundaries[k + 1];
    const parsed = reuseOrParse(old, text, start, end, from, changeEndNew, delta);
    const index = documents.length;
    const same = old[index];
    documents.push(same !== undefined && same.parsed === parsed && same.start === start && same.end === end ? same : { index, start, end, parsed });
  }
  if (resume >= 0) {
    for (let k = resume; k < old.length; k++) {
      const d = old[k];
      const index = documents.length;
      documents.push(delta === 0 && d.index === index ? d : { index, start: d.start + delta, end: d.end + delta, parsed: d.parsed });
    }
  }
  return { text, documents };
}

/** An unchanged document keeps its ParsedDocument; anything else is parsed. */
function reuseOrParse(old: YamlDocument[], text: string, start: number, end: number, changeStart: number, changeEndNew: number, delta: number): ParsedDocument {
  let candidate: YamlDocument | undefined;
  if (start >= changeEndNew) {
    const k = documentStartingAt(old, start - delta);
    if (k >= 0 && old[k].end === end - delta) return old[k].parsed;
  } else if (start <= changeStart) {
    const k = documentStartingAt(old, start);
    candidate = k >= 0 ? old[k] : undefined;
    if (candidate !== undefined && end <= changeStart && candidate.end === end) return candidate.parsed;
  }
  const slice = detachedSlice(text, start, end);
  // An edit that leaves a document's text as it was (typing a character and deleting it again).
  if (candidate !== undefined && candidate.parsed.text === slice) return candidate.parsed;
  return parseDocument(slice);
}

/** Index of the document containing `offset` (the last one for offset == text length). */
function documentAt(docs: YamlDocument[], offset: number): number {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (docs[mid].start <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

function documentStartingAt(docs: YamlDocument[], offset: number): number {
  const k = documentAt(docs, offset);
  return docs[k].start === offset ? k : -1;
}

function clamp(n: number, lo: number, hi: number): number {
  if (!Number.isFinite(n)) return n === Infinity ? hi : lo;
  return Math.min(hi, Math.max(lo, Math.trunc(n)));
}

/**
 * A copy of text[start, end) that does not keep `text` alive. V8 represents long slices as views into
 * the parent string; a ParsedDocument reused across many versions of a large file would otherwise
 * retain every version. Concatenating first makes V8 flatten into a fresh string of this size.
 */
function detachedSlice(text: string, start: number, end: number): string {
  if (start === 0 && end === text.length) return text;
  return (' ' + text.slice(start, end)).slice(1);
}
