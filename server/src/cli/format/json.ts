import type { CheckReport } from '../check';

/** The machine contract: every evaluated rule (passes included), read errors, and the summary. */
export function formatJson(report: CheckReport): string {
  return JSON.stringify({ results: report.results, errors: report.errors, summary: report.summary }, null, 2) + '\n';
}
