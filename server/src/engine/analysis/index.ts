export { Analyzer, type AnalyzerOptions, type FileAnalysis, type Finding, type Notice } from './analyzer';
export { PolicyStore, mightContainPolicy, containsPolicy } from './policyStore';
export { classifyFile, looksLikeHelmTemplate, type FileKind } from './fileKind';
export { ALLOW_LIST_POLICY_NAME, ALLOW_LIST_FILE } from './allowList';
