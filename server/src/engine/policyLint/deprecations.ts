// Deprecations: lower-case failure actions (Kyverno's own warning), the spec-level
// validationFailureAction (moved into each rule by the fix), deprecated API versions, and the legacy
// kyverno.io policy kinds themselves (deprecated in Kyverno 1.18, §5.1).
import type { ParsedDocument } from '../yaml/model';
import type { PolicyProblem, TextEdit } from './types';
import type { PolicyDocumentInfo } from './classify';
import { SCHEMA_ROOTS } from './crds/schemas.generated';
import { asMap, asScalar, asSeq, at, entries, eol, rangeForPath } from './tree';
import { deleteEntryEdit, insertEntriesEdit, replaceScalarEdit } from './edits';

export const MIGRATION_GUIDE_URL = 'https://kyverno.io/docs/guides/migration-to-cel/';
const REPLACEMENTS: Record<string, string> = {
  ClusterPolicy: 'ValidatingPolicy, MutatingPolicy, GeneratingPolicy or ImageValidatingPolicy',
  Policy: 'NamespacedValidatingPolicy, NamespacedMutatingPolicy, NamespacedGeneratingPolicy or NamespacedImageValidatingPolicy',
  PolicyException: 'PolicyException',
};
const LOWER_CASE_ACTION = 'Validation failure actions enforce/audit are deprecated, use Enforce/Audit instead.';

export function deprecationLints(doc: ParsedDocument, info: PolicyDocumentInfo): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const root = doc.contents;
  if (info.root.deprecated) {
    const preferred = SCHEMA_ROOTS.find((r) => r.group === info.root.group && r.kind === info.kindName && !r.deprecated && r.served);
    const scalar = asScalar(at(root, ['apiVersion']));
    const a = rangeForPath(root, ['apiVersion']);
    const edit = preferred && scalar ? replaceScalarEdit(doc, scalar, `${preferred.group}/${preferred.version}`) : undefined;
    out.push({
      severity: 'warning', code: 'deprecated-api-version', start: a.start, end: a.end,
      message: `${info.apiVersion} ${info.kindName} is deprecated${preferred ? `; use ${preferred.group}/${preferred.version} ${info.kindName}` : ''}`,
      ...(edit ? { fix: { title: `Use ${preferred!.group}/${preferred!.version}`, edits: [edit], preferred: true } } : {}),
    });
  }
  if (info.root.group === 'kyverno.io' && REPLACEMENTS[info.kindName] !== undefined) {
    const k = rangeForPath(root, ['kind']);
    out.push({
      severity: 'hint', code: 'deprecated-policy-kind', start: k.start, end: k.end,
      message: `${info.kindName} (kyverno.io) is deprecated and will be removed in a future release; migrate to ${REPLACEMENTS[info.kindName]} (policies.kyverno.io), see ${MIGRATION_GUIDE_URL}`,
    });
  }
  if (!info.isRulePolicy) return out;
  lowerCaseActions(doc, out);
  specLevelAction(doc, out);
  return out;
}

function capitalised(action: string): string {
  return action === 'enforce' ? 'Enforce' : action === 'audit' ? 'Audit' : action;
}

function lowerCaseActions(doc: ParsedDocument, out: PolicyProblem[]): void {
  const root = doc.contents;
  const check = (path: (string | number)[]): void => {
    const scalar = asScalar(at(root, path));
    if (scalar === null || (scalar.value !== 'enforce' && scalar.value !== 'audit')) return;
    const r = rangeForPath(root, path);
    const edit = replaceScalarEdit(doc, scalar, capitalised(scalar.value));
    out.push({
      severity: 'warning', code: 'kyverno-lowercase-action', start: r.start, end: r.end, message: LOWER_CASE_ACTION,
      ...(edit ? { fix: { title: `Change to ${capitalised(scalar.value as string)}`, edits: [edit], preferred: true } } : {}),
    });
  };
  check(['spec', 'validationFailureAction']);
  asSeq(at(root, ['spec', 'validationFailureActionOverrides']))?.items.forEach((_, i) => check(['spec', 'validationFailureActionOverrides', i, 'action']));
  asSeq(at(root, ['spec', 'rules']))?.items.forEach((_, i) => {
    asSeq(at(root, ['spec', 'rules', i, 'validate', 'failureActionOverrides']))?.items.forEach((__, j) => check(['spec', 'rules', i, 'validate', 'failureActionOverrides', j, 'action']));
  });
}

/**
 * spec.validationFailureAction is deprecated in favour of validate.failureAction. Moving it is exact:
 * a rule's own failureAction already wins over the spec-level one, and with no spec-level overrides
 * nothing sits between the two in Kyverno's resolution order (§5.2).
 */
function specLevelAction(doc: ParsedDocument, out: PolicyProblem[]): void {
  const root = doc.contents;
  const spec = asMap(at(root, ['spec']));
  const actionScalar = asScalar(at(root, ['spec', 'validationFailureAction']));
  if (spec === null || actionScalar === null || typeof actionScalar.value !== 'string') return;
  const action = capitalised(actionScalar.value);
  const r = rangeForPath(root, ['spec', 'validationFailureAction']);
  const problem: PolicyProblem = {
    severity: 'info', code: 'deprecated-spec-failure-action', start: r.start, end: r.end,
    message: `spec.validationFailureAction is deprecated: set failureAction under each rule's validate instead (here: failureAction: ${action}).`,
  };
  out.push(problem);
  if (action !== 'Enforce' && action !== 'Audit') return;
  if ((asSeq(at(root, ['spec', 'validationFailureActionOverrides']))?.items.length ?? 0) > 0) return;
  const e = entries(spec).find((x) => x.key === 'validationFailureAction');
  const remove = e ? deleteEntryEdit(doc, spec, e) : undefined;
  if (remove === undefined) return;
  const edits: TextEdit[] = [remove];
  const rules = asSeq(at(root, ['spec', 'rules']))?.items ?? [];
  let validateRules = 0;
  for (let i = 0; i < rules.length; i++) {
    const validate = asMap(at(root, ['spec', 'rules', i, 'validate']));
    if (validate === null) continue;
    validateRules++;
    if (entries(validate).some((x) => x.key === 'failureAction')) continue;
    const insert = insertEntriesEdit(doc, validate, [`failureAction: ${action}`], eol(doc.text));
    if (insert === undefined) return;
    edits.push(insert);
  }
  if (validateRules === 0) return;
  problem.fix = { title: `Move validationFailureAction: ${action} into each rule (validate.failureAction)`, edits: edits.sort((a, b) => a.start - b.start), preferred: true };
}
