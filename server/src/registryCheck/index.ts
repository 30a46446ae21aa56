// Optional check that a rewrite target exists in its registry (network I/O, so outside the pure engine).
export { RegistryChecker, MANIFEST_MEDIA_TYPES, type RegistryCheckResult, type RegistryCheckerOptions, type RegistryCredentials } from './checker';
export { manifestTarget, type ManifestTarget } from './target';
export { parseChallenges, type Challenge } from './challenge';
