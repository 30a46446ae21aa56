// Policy-file validation: what Kyverno would reject or warn about when a policy is applied (§6: CRD
// schema, then its programmatic checks, with its own wording), plus registry-specific lints with fixes,
// and one clear diagnosis for a policy whose indentation was lost. Pure: no editor or LSP imports.
import type { ParsedDocument, YamlFile } from '../yaml/model';
import type { LintContext, PolicyProblem } from './types';
import { classifyDocument } from './classify';
import { validateAgainstSchema } from './schema';
import { kyvernoChecks } from './kyvernoChecks';
import { registryLints } from './registryLint';
import { deprecationLints } from './deprecations';
import { autogenLints } from './autogenLint';
import { detectLostIndentation } from './lostIndentation';
import { rangeForPath } from './tree';
import { reindentPolicy } from './reindent';
import { parseYamlFile } from '../yaml/model';

export type { PolicyProblem, PolicyFix, TextEdit, LintContext } from './types';
export { isPolicyLike } from './classify';

// ParsedDocuments are immutable and shared between versions of a file, so results are kept per document
// (and per set of workspace kinds, the only context that changes them).
const cache = new WeakMap<ParsedDocument, { key: string; problems: PolicyProblem[] }>();

export function lintPolicyDocument(doc: ParsedDocument, context?: LintContext): PolicyProblem[] {
  const key = context?.workloadKinds ? [...context.workloadKinds].sort().join(',') : '';
  const hit = cache.get(doc);
  if (hit !== undefined && hit.key === key) return hit.problems.map((p) => ({ ...p }));
  const problems = lintUncached(doc, context);
  cache.set(doc, { key, problems });
  return problems.map((p) => ({ ...p }));
}

function lintUncached(doc: ParsedDocument, context?: LintContext): PolicyProblem[] {
  const lost = detectLostIndentation(doc);
  if (lost !== undefined) {
    const fix = reindentFix(doc);
    return [fix ? { ...lost, fix } : lost];
  }
  const info = classifyDocument(doc);
  if (info === undefined) return [];
  if (info.kind === 'unknown-version') {
    const at = rangeForPath(doc.contents, ['apiVersion']);
    return [{
      severity: 'error', code: 'schema-unknown-version', start: at.start, end: at.end,
      message: `no matches for kind "${info.kindName}" in version "${info.apiVersion}"${info.knownVersions.length > 0 ? ` (served versions: ${info.knownVersions.map((v) => `${info.group}/${v}`).join(', ')})` : ''}`,
    }];
  }
  const schemaProblems = validateAgainstSchema(doc.contents, info.root);
  const problems: PolicyProblem[] = [...schemaProblems];
  if (info.root.group === 'kyverno.io') {
    // Kyverno runs its programmatic checks only on policies that passed the schema; here they run anyway
    // (the editor shows everything at once) but not on a rule that already has a schema error, where they
    // would only repeat it in other words (a misspelt `validate` is not also "No operation defined").
    const brokenRules = new Set<number>();
    const brokenSpec = schemaProblems.some((p) => p.message.startsWith('spec: ') || p.message.startsWith('spec.rules:'));
    for (const p of schemaProblems) {
      const m = /^spec\.rules\[(\d+)\]/.exec(p.message);
      if (m) brokenRules.add(Number(m[1]));
    }
    const skip = { rules: brokenRules, spec: brokenSpec };
    problems.push(...kyvernoChecks(doc, info, skip));
    problems.push(...deprecationLints(doc, info));
    problems.push(...autogenLints(doc, info, context));
    problems.push(...registryLints(doc, info));
  }
  return dedupe(problems);
}

export function lintPolicyFile(yaml: YamlFile, context?: LintContext): { documentIndex: number; problems: PolicyProblem[] }[] {
  return yaml.documents.map((d) => ({ documentIndex: d.index, problems: lintPolicyDocument(d.parsed, context) }));
}

/**
 * The schema-guided re-indentation as a fix, offered only when the result is one YAML document that
 * passes every policy check without an error (then it is at least a valid policy; whether it is the one
 * that was copied is for the author to review, hence not preferred).
 */
function reindentFix(doc: ParsedDocument): PolicyProblem['fix'] {
  const apiVersion = /^[ \t]*apiVersion[ \t]*:[ \t]*["']?([^\s"'#]+)/m.exec(doc.text)?.[1];
  const kind = /^[ \t]*kind[ \t]*:[ \t]*["']?([^\s"'#]+)/m.exec(doc.text)?.[1];
  if (apiVersion === undefined || kind === undefined) return undefined;
  const rebuilt = reindentPolicy(doc.text, apiVersion, kind);
  if (rebuilt === undefined || rebuilt === doc.text) return undefined;
  const file = parseYamlFile(rebuilt);
  if (file.documents.length !== 1) return undefined;
  const parsed = file.documents[0].parsed;
  if (parsed.errors.length > 0 || detectLostIndentation(parsed) !== undefined) return undefined;
  if (lintPolicyDocument(parsed).some((p) => p.severity === 'error')) return undefined;
  return { title: 'Restore the indentation from the Kyverno schema (review the result)', edits: [{ start: 0, end: doc.text.length, newText: rebuilt }], preferred: false };
}

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\u0000${p.start}\u0000${p.end}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
