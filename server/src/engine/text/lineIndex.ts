// Offsets ↔ LSP positions (0-based line, 0-based UTF-16 character), for any text.
//
// Line breaks are \r\n, \n and a lone \r, as in the LSP specification. Positions behave like
// vscode-languageserver-textdocument's TextDocument: offsets are clamped to the text, an offset inside
// a line break maps to the end of that line's content, and a character past the end of a line is
// clamped to the end of the line's content.

const LF = 10;
const CR = 13;

export interface Position { line: number; character: number }

export class LineIndex {
  /** Offset where each line starts; lineStarts[0] is 0. */
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === CR) {
        if (i + 1 < n && text.charCodeAt(i + 1) === LF) i++;
        starts.push(i + 1);
      } else if (c === LF) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = clampOffset(offset, this.text.length);
    const starts = this.lineStarts;
    // The last line whose start is <= offset.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= clamped) lo = mid; else hi = mid - 1;
    }
    const at = this.beforeLineBreak(clamped, starts[lo]);
    return { line: lo, character: at - starts[lo] };
  }

  offsetAt(line: number, character: number): number {
    const starts = this.lineStarts;
    if (!(line >= 0)) return 0;   // also NaN
    if (line >= starts.length) return this.text.length;
    const lineIndex = Math.trunc(line);
    const lineStart = starts[lineIndex];
    if (!(character > 0)) return lineStart;
    const nextLineStart = lineIndex + 1 < starts.length ? starts[lineIndex + 1] : this.text.length;
    const offset = Math.min(lineStart + Math.trunc(character), nextLineStart);
    return this.beforeLineBreak(offset, lineStart);
  }

  /** Offset of the first character of `line` (clamped to the existing lines). */
  lineStart(line: number): number {
    const starts = this.lineStarts;
    return starts[Math.max(0, Math.min(starts.length - 1, Math.trunc(line) || 0))];
  }

  private beforeLineBreak(offset: number, lineStart: number): number {
    let o = offset;
    while (o > lineStart) {
      const c = this.text.charCodeAt(o - 1);
      if (c !== LF && c !== CR) break;
      o--;
    }
    return o;
  }
}

function clampOffset(offset: number, length: number): number {
  if (!(offset > 0)) return 0;   // also NaN
  return offset >= length ? length : Math.trunc(offset);
}
