// semver_compare: github.com/blang/semver/v4 Parse (strict) and ParseRange, as Kyverno calls them.
// An unparsable version counts as 0.0.0 (Kyverno ignores that error); an unparsable range is an error.

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: (string | bigint)[];
}

const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

export function parseSemver(text: string): Version | undefined {
  let rest = text;
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    const build = rest.slice(plus + 1).split('.');
    if (build.some((b) => !IDENTIFIER.test(b))) return undefined;
    rest = rest.slice(0, plus);
  }
  let pre: (string | bigint)[] = [];
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    const parts = rest.slice(dash + 1).split('.');
    if (parts.some((p) => !IDENTIFIER.test(p))) return undefined;
    if (parts.some((p) => /^[0-9]+$/.test(p) && !NUMERIC.test(p))) return undefined;
    pre = parts.map((p) => (NUMERIC.test(p) ? BigInt(p) : p));
    rest = rest.slice(0, dash);
  }
  const core = rest.split('.');
  if (core.length !== 3 || core.some((c) => !NUMERIC.test(c))) return undefined;
  return { major: BigInt(core[0]), minor: BigInt(core[1]), patch: BigInt(core[2]), pre };
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSemver(a: Version, b: Version): number {
  const core = cmpBig(a.major, b.major) || cmpBig(a.minor, b.minor) || cmpBig(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length === 0 ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      const c = cmpBig(x, y);
      if (c !== 0) return c;
    } else if (typeof x === 'bigint') return -1;
    else if (typeof y === 'bigint') return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

type Comparator = (v: Version) => boolean;

const OPERATORS: readonly string[] = ['>=', '<=', '==', '!=', '>', '<', '=', '!'];

function comparator(op: string, target: Version): Comparator {
  switch (op) {
    case '>':
      return (v) => compareSemver(v, target) > 0;
    case '>=':
      return (v) => compareSemver(v, target) >= 0;
    case '<':
      return (v) => compareSemver(v, target) < 0;
    case '<=':
      return (v) => compareSemver(v, target) <= 0;
    case '!=':
    case '!':
      return (v) => compareSemver(v, target) !== 0;
    default:
      return (v) => compareSemver(v, target) === 0;
  }
}

/** One `op version` term, with blang's wildcard expansion of `x`, `X` and `*` components. */
function term(text: string): Comparator | undefined {
  const op = OPERATORS.find((o) => text.startsWith(o)) ?? '';
  const versionText = text.slice(op.length);
  const parts = versionText.split('.');
  const wildcardAt = parts.findIndex((p) => p === 'x' || p === 'X' || p === '*');
  if (wildcardAt < 0) {
    const version = parseSemver(versionText);
    return version === undefined ? undefined : comparator(op, version);
  }
  if (wildcardAt === 0 || parts.length > 3 || parts.slice(wildcardAt).some((p) => p !== 'x' && p !== 'X' && p !== '*')) return undefined;
  const fixed = parts.slice(0, wildcardAt);
  if (fixed.some((p) => !NUMERIC.test(p))) return undefined;
  const lower = [...fixed.map(BigInt), 0n, 0n].slice(0, 3);
  const upper = [...lower];
  upper[wildcardAt - 1] += 1n;
  for (let i = wildcardAt; i < 3; i++) upper[i] = 0n;
  const low: Version = { major: lower[0], minor: lower[1], patch: lower[2], pre: [] };
  const high: Version = { major: upper[0], minor: upper[1], patch: upper[2], pre: [] };
  switch (op) {
    case '>':
      return comparator('>=', high);
    case '>=':
      return comparator('>=', low);
    case '<':
      return comparator('<', low);
    case '<=':
      return comparator('<', high);
    case '!=':
    case '!':
      return (v) => compareSemver(v, low) < 0 || compareSemver(v, high) >= 0;
    default:
      return (v) => compareSemver(v, low) >= 0 && compareSemver(v, high) < 0;
  }
}

export function parseSemverRange(text: string): Comparator | { error: string } {
  const alternatives: Comparator[] = [];
  for (const alternative of text.split('||')) {
    const terms = alternative.trim().split(/ +/).filter((t) => t !== '');
    if (terms.length === 0) return { error: `Could not parse Range "${text}"` };
    const comparators: Comparator[] = [];
    for (const t of terms) {
      const c = term(t);
      if (c === undefined) return { error: `Could not parse Range "${text}": could not parse version "${t}"` };
      comparators.push(c);
    }
    alternatives.push((v) => comparators.every((c) => c(v)));
  }
  return (v) => alternatives.some((a) => a(v));
}

export function semverSatisfies(version: string, range: string): boolean | { error: string } {
  const parsedRange = parseSemverRange(range);
  if (typeof parsedRange !== 'function') return parsedRange;
  return parsedRange(parseSemver(version) ?? { major: 0n, minor: 0n, patch: 0n, pre: [] });
}
