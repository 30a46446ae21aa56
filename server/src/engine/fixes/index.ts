// engine/fixes: which rewrites of a failing image actually pass the policies in effect (checked by
// evaluating the rewritten document again), the preferred fix of every image of a file as non-overlapping
// edits, and the policy edit that allows an image's registry. Shared by the language server and the CLI.
export { checkedCandidates, type CheckedCandidate, type CheckedImage, type FileAnalyzer, type RejectedCandidate } from './check';
export { FixCache, planFixes, preferredFix, type FixOptions, type FixPlan, type PlannedFix } from './plan';
export { imageSites, nodeWithValueRange, type ImageSite, type SkippedImage } from './sites';
export { allowPatternFor, allowRegistryFix, type AllowPattern, type AllowRegistryFix } from './allow';
export { applyEdits, overlappingEdits, sortEdits } from './edits';
