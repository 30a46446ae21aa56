import type { CheckReport } from '../check';

const TOOL_URI = 'https://github.com/registry-guard/registry-guard';

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one reporting rule per policy/rule, one result per
 * failing image, with `%SRCROOT%`-relative locations. Passing and skipped rules are not results.
 */
export function formatSarif(report: CheckReport, version: string): string {
  const ruleIds: string[] = [];
  const ruleIndex = new Map<string, number>();
  const results: unknown[] = [];
  for (const r of report.results) {
    if (r.result !== 'fail' && r.result !== 'warn' && r.result !== 'error') continue;
    const id = `${r.policy}/${r.rule}`;
    if (!ruleIndex.has(id)) {
      ruleIndex.set(id, ruleIds.length);
      ruleIds.push(id);
    }
    const level = r.result === 'error' || (r.result === 'fail' && r.action === 'Enforce') ? 'error' : 'warning';
    const locations = r.violations.length > 0
      ? r.violations.map((v) => location(v.file, v.line, v.column, v.endLine, v.endColumn))
      : [location(r.resource.file, r.resource.line, 1, r.resource.line, 1)];
    for (const [i, loc] of locations.entries()) {
      const v = r.violations[i];
      results.push({
        ruleId: id,
        ruleIndex: ruleIndex.get(id),
        level,
        message: { text: `${r.message}${v?.image !== undefined ? ` (image ${v.image})` : ''} [${r.action}; ${r.resource.kind}/${r.resource.name}]` },
        locations: [loc],
        partialFingerprints: { registryGuard: `${id}|${r.resource.namespace}/${r.resource.kind}/${r.resource.name}|${v?.path ?? ''}` },
      });
    }
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Registry Guard',
          informationUri: TOOL_URI,
          semanticVersion: version,
          rules: ruleIds.map((id) => ({
            id,
            name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()),
            shortDescription: { text: `Kyverno rule ${id}` },
            helpUri: TOOL_URI,
          })),
        },
      },
      columnKind: 'utf16CodeUnits',
      originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The folder registry-guard ran in.' } } },
      results,
      invocations: [{
        executionSuccessful: report.errors.length === 0,
        toolExecutionNotifications: report.errors.map((e) => ({
          level: 'error',
          message: { text: e.message },
          locations: [location(e.file, Math.max(e.line, 1), Math.max(e.column, 1), Math.max(e.line, 1), Math.max(e.column, 1))],
        })),
      }],
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function location(file: string, line: number, column: number, endLine: number, endColumn: number): unknown {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
      region: { startLine: line, startColumn: column, endLine, endColumn },
    },
  };
}
