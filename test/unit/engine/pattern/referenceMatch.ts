/**
 * An independent reference for go-wildcard: a dynamic-programming glob over code points (a lone surrogate
 * counts as one), with `*` any run and `?` exactly one.
 */
export function referenceMatch(pattern: string, value: string): boolean {
  const p = [...pattern];
  const s = [...value];
  let row = new Array<boolean>(s.length + 1).fill(false);
  row[0] = true;
  for (const pc of p) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    if (pc === '*') {
      next[0] = row[0];
      for (let j = 1; j <= s.length; j++) next[j] = row[j] || next[j - 1];
    } else {
      for (let j = 1; j <= s.length; j++) next[j] = row[j - 1] && (pc === '?' || pc === s[j - 1]);
    }
    row = next;
  }
  return row[s.length];
}
