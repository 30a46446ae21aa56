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
import { formatPath, rangeForPath } from './tree';

export type { PolicyProblem, PolicyFix, TextEdit, LintContext } from './types';
export { isPolicyLike } from './classify';

export function lintPolicyDocument(doc: ParsedDocument, context?: LintContext): PolicyProblem[] {
  const lost = detectLostIndentation(doc);
  if (lost !== undefined) return [lost];
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

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\u0000${p.start}\u0000${p.end}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Re-exported for the authoring help and tests.
export { formatPath };
