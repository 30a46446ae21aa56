// Splits a YAML stream into document chunks with a line scan, before any parsing, so that each document
// is parsed on its own: a syntax error in one document never reaches the others, and an edit re-parses
// only the documents it touches.
//
// YAML 1.2 forbids `---` and `...` at column 0 followed by white space / a line break / the end anywhere
// inside a document (c-forbidden), even inside block or quoted scalars, so these lines are document
// markers wherever they appear. The chunks tile the text: chunk k is [boundaries[k], boundaries[k+1]).
//
//  - `---` starts a new chunk, unless the current chunk holds nothing yet but comments, blank lines and
//    directives (so leading comments and `%YAML` lines stay with the `---` they precede).
//  - `...` ends the current chunk after its line.
//  - a group of `%` directive lines (with comments/blank lines between them) that is followed by `---`
//    belongs to that following document, so it starts a new chunk when the current one has a body.
//    A `%` line not followed by `---` is ordinary text (and the parser reports it if it is misplaced).
//
// The state at every boundary is the same (empty chunk) and no rule depends on the absolute position,
// so splitting from any boundary gives the same chunks as splitting the whole text: updateYamlFile relies on this to re-split only around an edit.

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const DOT = 46;
const PERCENT = 37;
const BOM = 0xfeff;

const enum Line { Blank, Comment, Content, DocStart, DocEnd, Percent }

/**
 * Finds line starts with native indexOf. Lone CRs are rare, so the next CR is looked up only when the
 * scan passes the previous one: all lookups together read the text once.
 */
class LineScanner {
  private nextCR = -2;   // -2: not looked up yet; -1: none after the last lookup

  constructor(private readonly text: string) {}

  /** Offset just past the line break that ends the line containing `pos` (or text.length). */
  next(pos: number): number {
    const text = this.text;
    if (this.nextCR !== -1 && this.nextCR < pos) this.nextCR = text.indexOf('\r', pos);
    const lf = text.indexOf('\n', pos);
    const cr = this.nextCR;
    if (cr !== -1 && (lf === -1 || cr < lf)) return cr + 1 === lf ? lf + 1 : cr + 1;
    return lf === -1 ? text.length : lf + 1;
  }
}

function isMarker(text: string, pos: number, ch: number): boolean {
  if (text.charCodeAt(pos + 1) !== ch || text.charCodeAt(pos + 2) !== ch) return false;
  if (pos + 3 >= text.length) return true;
  const after = text.charCodeAt(pos + 3);
  return after === SPACE || after === TAB || after === LF || after === CR;
}

function classify(text: string, lineStart: number): Line {
  // A byte order mark may open any document of a stream, so it is skipped wherever a line starts:
  // that keeps the split independent of where a chunk sits in the file.
  let pos = lineStart;
  if (text.charCodeAt(pos) === BOM) pos++;
  const c = text.charCodeAt(pos);
  if (c === DASH) return isMarker(text, pos, DASH) ? Line.DocStart : Line.Content;
  if (c === DOT) return isMarker(text, pos, DOT) ? Line.DocEnd : Line.Content;
  if (c === PERCENT) return Line.Percent;
  // Only indented lines need a look past the indentation to tell blank/comment from content.
  let i = pos;
  const n = text.length;
  while (i < n) {
    const d = text.charCodeAt(i);
    if (d !== SPACE && d !== TAB) break;
    i++;
  }
  if (i >= n) return Line.Blank;
  const d = text.charCodeAt(i);
  if (d === LF || d === CR) return Line.Blank;
  if (d === HASH) return Line.Comment;
  return Line.Content;
}

/**
 * Splits text from `from` (which must be a chunk boundary) and returns the boundaries, starting with
 * `from` and ending with the end of the last chunk produced. `stopAt(b)` is asked at every boundary
 * after `from`; returning true ends the split there (the caller reuses what follows).
 */
export function splitDocuments(text: string, from = 0, stopAt?: (boundary: number) => boolean): number[] {
  const n = text.length;
  const boundaries = [from];
  if (from >= n) return boundaries;
  let hasBody = false;        // the current chunk holds content or a `---`
  // Memo of the last directive-group look-ahead: every `%` line before `groupLimit` has the same answer.
  let groupLimit = -1;
  let groupAnswer = false;

  const cut = (at: number): boolean => {
    if (at === boundaries[boundaries.length - 1]) return false;
    boundaries.push(at);
    return stopAt !== undefined && stopAt(at);
  };

  const lines = new LineScanner(text);
  let pos = from;
  while (pos < n) {
    const next = lines.next(pos);
    let c = text.charCodeAt(pos);
    if (c === BOM) c = text.charCodeAt(pos + 1);
    // Once a chunk has a body only marker lines can matter, and those start with one of three characters.
    if (hasBody && c !== DASH && c !== DOT && c !== PERCENT) { pos = next; continue; }
    switch (classify(text, pos)) {
      case Line.DocStart:
        if (hasBody && cut(pos)) return boundaries;
        hasBody = true;
        break;
      case Line.DocEnd:
        if (cut(next)) return boundaries;
        hasBody = false;
        break;
      case Line.Percent: {
        if (pos >= groupLimit) {
          const r = lookAheadDirectiveGroup(text, pos);
          groupLimit = r.limit;
          groupAnswer = r.isGroup;
        }
        if (groupAnswer) {
          if (hasBody && cut(pos)) return boundaries;
          hasBody = false;
        } else {
          hasBody = true;
        }
        break;
      }
      case Line.Content:
        hasBody = true;
        break;
      default:
        break;
    }
    pos = next;
  }
  if (boundaries[boundaries.length - 1] !== n) boundaries.push(n);
  return boundaries;
}

/** From a `%` line: is it (with the `%`/comment/blank lines after it) followed by a `---` line? */
function lookAheadDirectiveGroup(text: string, pos: number): { isGroup: boolean; limit: number } {
  const n = text.length;
  const lines = new LineScanner(text);
  let p = pos;
  while (p < n) {
    const kind = classify(text, p);
    if (kind === Line.DocStart) return { isGroup: true, limit: p };
    if (kind !== Line.Percent && kind !== Line.Comment && kind !== Line.Blank) return { isGroup: false, limit: p };
    p = lines.next(p);
  }
  return { isGroup: false, limit: n };
}
