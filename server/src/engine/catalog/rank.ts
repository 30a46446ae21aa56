// Candidates are checked against the policies by the caller; this keeps the ones that pass and decides
// which one, if any, is the obvious choice.
import type { RewriteCandidate } from './model';

/**
 * Keeps the candidates whose image `passes` and returns copies. A single survivor is preferred (it is
 * the only fix that works). With several survivors the catalog's own preference stands if its candidate
 * survived (it is still the one right answer); otherwise none is preferred.
 */
export function rankCandidates(candidates: readonly RewriteCandidate[], passes: (image: string) => boolean): RewriteCandidate[] {
  const kept = candidates.filter((candidate) => passes(candidate.image)).map((candidate) => ({ ...candidate }));
  if (kept.length === 1) {
    kept[0].preferred = true;
    return kept;
  }
  const preferred = kept.filter((candidate) => candidate.preferred);
  if (preferred.length !== 1) for (const candidate of kept) candidate.preferred = false;
  return kept;
}
