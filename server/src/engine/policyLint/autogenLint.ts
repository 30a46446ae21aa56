// Auto-generation for Pod controllers (§4): the autogen-controllers annotation narrowed or set to `none`
// while the workspace has workloads of the excluded kinds (their Pods are then checked only when the
// controller creates them, so `kubectl apply` of a Deployment succeeds and its Pods fail later), and
// list entries Kyverno silently ignores (the value is split on `,` without trimming; kinds are
// case-sensitive).
import type { ParsedDocument } from '../yaml/model';
import type { LintContext, PolicyProblem } from './types';
import type { PolicyDocumentInfo } from './classify';
import { arr, obj, str, type JsonObject } from './js';
import { asMap, asScalar, at, entries, isVerbatim, rangeForPath } from './tree';
import { deleteEntryEdit, replaceScalarEdit } from './edits';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
export const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];

export function autogenLints(doc: ParsedDocument, info: PolicyDocumentInfo, context?: LintContext): PolicyProblem[] {
  if (!info.isRulePolicy) return [];
  const policy = obj(doc.toJS());
  const value = str(obj(obj(policy?.metadata)?.annotations)?.[AUTOGEN_ANNOTATION]);
  if (policy === undefined || value === undefined || value === 'all') return [];
  const out: PolicyProblem[] = [];
  const path = ['metadata', 'annotations', AUTOGEN_ANNOTATION];
  const range = rangeForPath(doc.contents, path);
  const scalar = asScalar(at(doc.contents, path));

  let effective: string[] = [];
  if (value !== 'none') {
    const items = value.split(',');
    const known = items.filter((k) => POD_CONTROLLERS.includes(k));
    const unknown = items.filter((k) => !POD_CONTROLLERS.includes(k));
    const normalised = items.map((k) => POD_CONTROLLERS.find((c) => c.toLowerCase() === k.trim().toLowerCase()));
    // Kyverno drops unknown entries only when some entry is known; a list of only unknown kinds is kept.
    effective = known.length > 0 ? known : [];
    if (unknown.length > 0 && normalised.some((k) => k !== undefined)) {
      const fixed = normalised.every((k) => k !== undefined) ? [...new Set(normalised as string[])].join(',') : undefined;
      const edit = fixed !== undefined && scalar !== null && isVerbatim(doc, scalar) ? replaceScalarEdit(doc, scalar, fixed) : undefined;
      out.push({
        severity: 'warning', code: 'autogen-unknown-controller', ...range,
        message: `Kyverno ignores ${unknown.map((u) => `\`${JSON.stringify(u).slice(1, -1)}\``).join(', ')} in ${AUTOGEN_ANNOTATION}: the value is split on \`,\` without trimming spaces and kinds are case-sensitive (${POD_CONTROLLERS.join(', ')}).`,
        ...(edit ? { fix: { title: `Change to ${fixed}`, edits: [edit], preferred: true } } : {}),
      });
    }
  }

  const workloads = context?.workloadKinds;
  if (workloads === undefined || !matchesPods(policy)) return out;
  const excluded = POD_CONTROLLERS.filter((k) => workloads.has(k) && !effective.includes(k));
  if (excluded.length === 0) return out;
  const list = excluded.map((k) => `\`${k}\``).join(', ');
  let fix: PolicyProblem['fix'];
  if (value === 'none') {
    const annotations = asMap(at(doc.contents, ['metadata', 'annotations']));
    const e = annotations === null ? undefined : entries(annotations).find((x) => x.key === AUTOGEN_ANNOTATION);
    const edit = annotations !== null && e !== undefined ? deleteEntryEdit(doc, annotations, e) : undefined;
    if (edit) fix = { title: 'Remove the annotation (generate rules for all Pod controllers)', edits: [edit], preferred: true };
  } else if (scalar !== null && isVerbatim(doc, scalar) && effective.length > 0) {
    const widened = [...effective, ...excluded].join(',');
    const edit = replaceScalarEdit(doc, scalar, widened);
    if (edit) fix = { title: `Also generate rules for ${excluded.join(', ')}`, edits: [edit], preferred: true };
  }
  out.push({
    severity: 'warning', code: 'autogen-excludes-workloads', ...range,
    message: `${value === 'none' ? 'Auto-generation is disabled (`none`)' : `Auto-generation is limited to ${effective.length > 0 ? effective.join(', ') : 'no known controller'}`}, but this workspace has ${list} workloads: `
      + `Kyverno then checks their Pods only when the controller creates them, so applying the ${excluded[0]} succeeds and its Pods are rejected later, where nobody sees the error.`,
    ...(fix ? { fix } : {}),
  });
  return out;
}

/** Some rule matches Pods (so autogen would apply to it). */
function matchesPods(policy: JsonObject): boolean {
  return arr(obj(policy.spec)?.rules).some((rule) => {
    const match = obj(obj(rule)?.match);
    if (match === undefined) return false;
    const filters = [match, ...arr(match.any), ...arr(match.all)];
    return filters.some((f) => arr(obj(obj(f)?.resources)?.kinds).some((k) => typeof k === 'string' && /(^|\/)Pod$/.test(k)));
  });
}
