/**
 * A unified diff of two texts, as `diff -u` prints it. Line ends are kept as they are, so a CRLF file's
 * diff shows CRLF lines; a missing final newline is marked the way diff marks it.
 */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineDiff(a, b);
  const out: string[] = [`--- ${oldName}`, `+++ ${newName}`];
  // Group the edit script into hunks with `context` unchanged lines around each change.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end].kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) { end = next; continue; }
      end = Math.min(ops.length, end + context);
      break;
    }
    const hunk = ops.slice(start, end);
    const oldStart = hunk[0].oldLine;
    const newStart = hunk[0].newLine;
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) {
      out.push(`${o.kind}${o.text.replace(/\r?\n$/, '')}${o.text.endsWith('\r\n') ? '\r' : ''}`);
      if (!o.text.endsWith('\n')) out.push('\\ No newline at end of file');
    }
    i = end;
  }
  return out.join('\n') + '\n';
}

function range(start: number, count: number): string {
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

interface Op { kind: ' ' | '-' | '+'; text: string; oldLine: number; newLine: number }

/**
 * Line edit script. Rewrites change lines in place, so both sides usually have the same lines in the
 * same order; a common prefix/suffix trim plus an LCS over the (small) middle keeps this linear in practice.
 */
function lineDiff(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const ops: Op[] = [];
  for (let k = 0; k < prefix; k++) ops.push({ kind: ' ', text: a[k], oldLine: k + 1, newLine: k + 1 });
  let oi = prefix;
  let ni = prefix;
  const push = (kind: Op['kind'], text: string): void => {
    ops.push({ kind, text, oldLine: oi + 1, newLine: ni + 1 });
    if (kind !== '+') oi++;
    if (kind !== '-') ni++;
  };
  if (midA.length === midB.length) {
    // Same shape: pair line by line (the common case for image rewrites).
    for (let k = 0; k < midA.length; k++) {
      if (midA[k] === midB[k]) push(' ', midA[k]);
      else { push('-', midA[k]); push('+', midB[k]); }
    }
  } else {
    const lcs = lcsTable(midA, midB);
    let x = 0;
    let y = 0;
    while (x < midA.length || y < midB.length) {
      if (x < midA.length && y < midB.length && midA[x] === midB[y]) { push(' ', midA[x]); x++; y++; }
      else if (y < midB.length && (x >= midA.length || lcs[x][y + 1] >= lcs[x + 1][y])) { push('+', midB[y]); y++; }
      else { push('-', midA[x]); x++; }
    }
  }
  for (let k = a.length - suffix; k < a.length; k++) push(' ', a[k]);
  return regroup(ops);
}

/** diff prints a run of changed lines as all its removals, then all its additions. */
function regroup(ops: Op[]): Op[] {
  const out: Op[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === ' ') { out.push(ops[i++]); continue; }
    const run: Op[] = [];
    while (i < ops.length && ops[i].kind !== ' ') run.push(ops[i++]);
    out.push(...run.filter((o) => o.kind === '-'), ...run.filter((o) => o.kind === '+'));
  }
  return out;
}

function lcsTable(a: string[], b: string[]): number[][] {
  const t: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let x = a.length - 1; x >= 0; x--) {
    for (let y = b.length - 1; y >= 0; y--) t[x][y] = a[x] === b[y] ? t[x + 1][y + 1] + 1 : Math.max(t[x + 1][y], t[x][y + 1]);
  }
  return t;
}
