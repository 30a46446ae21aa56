import type { CheckReport, ReportResult } from '../check';

/** Reads like `kyverno apply`, with a file:line:col for each violation so terminals and editors can jump there. */
export function formatText(report: CheckReport, auditWarn: boolean): string {
  const out: string[] = [];
  const exceptions = report.exceptionCount > 0 ? ` with ${report.exceptionCount} exception(s)` : '';
  out.push(`Applying ${report.ruleCount} policy rule(s) to ${report.resourceCount} resource(s)${exceptions}...`);

  const failing = report.results.filter((r) => r.result === 'fail' || r.result === 'warn' || r.result === 'error');
  const groups = new Map<string, ReportResult[]>();
  for (const r of failing) {
    const key = `${r.policy}\u0000${r.resource.file}\u0000${r.resource.namespace}/${r.resource.kind}/${r.resource.name}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  for (const list of groups.values()) {
    const first = list[0];
    const verb = first.result === 'warn' && auditWarn ? 'failed as audit warning' : first.result === 'error' ? 'had errors' : 'failed';
    out.push('');
    out.push(`policy ${first.policy} -> resource ${first.resource.namespace}/${first.resource.kind}/${first.resource.name} ${verb}:`);
    list.forEach((r, i) => {
      out.push(`${i + 1} - ${r.rule} ${r.message || 'validation failed'}`);
      if (r.violations.length === 0) out.push(`    ${r.resource.file}:${r.resource.line}:1`);
      for (const v of r.violations) out.push(`    ${v.file}:${v.line}:${v.column}: ${v.image ?? v.path}`);
    });
  }
  if (report.errors.length > 0) {
    out.push('');
    out.push('Errors:');
    for (const e of report.errors) out.push(`  ${e.file}${e.line > 0 ? `:${e.line}:${e.column}` : ''}: ${e.message}`);
  }
  const s = report.summary;
  out.push('');
  out.push(`pass: ${s.pass}, fail: ${s.fail}, warn: ${s.warn}, error: ${s.error}, skip: ${s.skip}`);
  return out.join('\n') + '\n';
}
