import { minimatch, type MinimatchOptions } from 'minimatch';

/**
 * File globs from settings and ignore files, matched with minimatch. minimatch turns a glob into a
 * regular expression, and a segment with many `*` (`*a*a*a*a*b`) backtracks polynomially in the length
 * of a file name that almost matches: a hostile workspace setting could then stall the server. So a
 * glob whose path segment has more than MAX_WILDCARDS_PER_SEGMENT wildcards, or which is longer than
 * MAX_GLOB_LENGTH, is refused with a message instead of being matched.
 */
export const MAX_WILDCARDS_PER_SEGMENT = 3;
export const MAX_GLOB_LENGTH = 512;

export interface GlobSet {
  matches(relativePath: string): boolean;
  readonly patterns: readonly string[];
  /** Globs that were refused, each with the reason; they match nothing. */
  readonly refused: readonly { pattern: string; reason: string }[];
}

export function globProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_GLOB_LENGTH) return `it is longer than ${MAX_GLOB_LENGTH} characters`;
  for (const segment of pattern.split('/')) {
    if (segment === '**') continue;
    const wildcards = (segment.match(/[*?]/g) ?? []).length;
    if (wildcards > MAX_WILDCARDS_PER_SEGMENT) {
      return `its path segment "${segment.length > 40 ? `${segment.slice(0, 40)}…` : segment}" has ${wildcards} wildcards; at most ${MAX_WILDCARDS_PER_SEGMENT} are matched, so that matching stays fast`;
    }
  }
  return undefined;
}

export function compileGlobs(patterns: readonly string[], options: MinimatchOptions = { dot: true }): GlobSet {
  const accepted: string[] = [];
  const refused: { pattern: string; reason: string }[] = [];
  for (const pattern of patterns) {
    const reason = globProblem(pattern);
    if (reason === undefined) accepted.push(pattern);
    else refused.push({ pattern, reason });
  }
  return {
    patterns: accepted,
    refused,
    matches: (relativePath) => accepted.some((g) => minimatch(relativePath, g, options)),
  };
}
