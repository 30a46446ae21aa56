// A policy pasted from a web page that lost its indentation: every line at column 0, so `name`, `rules`,
// `match`, `validate`, `pattern` ... become top-level keys (and duplicate keys break the YAML). Kyverno
// would reject it with a cascade of unrelated errors; this gives one diagnosis instead.
import type { ParsedDocument } from '../yaml/model';
import type { PolicyProblem } from './types';
import { asMap, entries, isNullish, rangeForPath } from './tree';

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
// Keys that only ever appear nested in a policy; several of them at the top level means the nesting is gone.
const NESTED_ONLY = new Set([
  'name', 'namespace', 'annotations', 'labels', 'rules', 'match', 'exclude', 'any', 'all', 'resources', 'kinds', 'validate',
  'message', 'pattern', 'anyPattern', 'deny', 'foreach', 'containers', 'image', 'validationFailureAction', 'failureAction',
  'background', 'admission', 'preconditions', 'context', 'mutate', 'generate', 'verifyImages', 'exceptions', 'policyName', 'ruleNames',
]);
const POLICY_KIND_LINE = /^[ \t]*kind:[ \t]*["']?(ClusterPolicy|Policy|PolicyException)["']?[ \t]*(?:#.*)?$/m;

export function detectLostIndentation(doc: ParsedDocument): PolicyProblem | undefined {
  const kindLine = POLICY_KIND_LINE.exec(doc.text);
  if (kindLine === null || !/kyverno\.io/.test(doc.text)) return undefined;
  const kind = kindLine[1];
  const lines = doc.text.split(/\r?\n|\r/).filter((l) => l.trim() !== '' && !/^\s*#/.test(l) && !/^(---|\.\.\.)\s*$/.test(l));
  if (lines.length < 6) return undefined;
  const atColumn0 = lines.filter((l) => !/^[ \t]/.test(l)).length / lines.length;
  const misplacedFromText = [...new Set(lines.map((l) => /^(?:- +)?([A-Za-z][\w.\-/]*)\s*:/.exec(l)?.[1]).filter((k): k is string => k !== undefined && NESTED_ONLY.has(k)))];

  let misplaced: string[] = [];
  const map = asMap(doc.contents);
  if (map !== null) {
    const top = entries(map);
    misplaced = top.map((e) => e.key).filter((k) => !TOP_LEVEL.has(k) && NESTED_ONLY.has(k));
    const spec = top.find((e) => e.key === 'spec');
    const specEmpty = spec === undefined || isNullish(spec.value);
    if (!(misplaced.length >= 3 && specEmpty)) {
      // Parsed into something plausible: only a broken document with everything flush left still counts.
      if (doc.errors.length === 0 || atColumn0 < 0.8 || misplacedFromText.length < 3) return undefined;
      misplaced = misplacedFromText;
    }
  } else if (doc.errors.length === 0 || atColumn0 < 0.8 || misplacedFromText.length < 3) {
    return undefined;
  } else {
    misplaced = misplacedFromText;
  }
  const shown = ['name', 'rules', 'match', 'validate', 'pattern'].filter((k) => misplaced.includes(k));
  const names = (shown.length >= 3 ? shown : misplaced.slice(0, 5)).map((k) => `\`${k}\``);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
  const where = map !== null && map.items.length > 0 ? rangeForPath(map, ['spec']) : { start: kindLine.index + kindLine[0].indexOf('kind'), end: kindLine.index + kindLine[0].length };
  return {
    severity: 'error', code: 'policy-indentation-lost', start: where.start, end: where.end,
    message: `This looks like a Kyverno ${kind} whose indentation was lost (for example when it was copied from a web page): ${list} are all at the top level, so \`spec\` has no rules and Kyverno would reject the policy. `
      + 'Restore the nesting: metadata → name; spec → rules → - name / match / validate → pattern (copy it again as plain text, or re-indent it).',
  };
}
