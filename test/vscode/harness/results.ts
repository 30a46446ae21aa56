/**
 * Turns what the extension host left behind (the suite's results file and its exit code) into the tier's output:
 * the suite's own `ok`/`not ok` lines and one closing `N passed, N failed`, and the runner's exit status.
 * A run that ended without a clean exit is a failure even if every test line it wrote passed.
 */
export interface SuiteEnd {
  /** The extension host's exit code; undefined when it never reported one. */
  exitCode: number | undefined;
  /** Why the run ended without an exit code, printed as a failure. */
  problem?: string;
}

export function reportSuite(results: string, end: SuiteEnd): number {
  return reportSuites([{ name: '', results, end }]);
}

/** One suite run: the name of its fixture workspace (for the failure lines), its results file text and its end. */
export interface SuiteRun { name: string; results: string; end: SuiteEnd }

/** Several suite runs (one per fixture workspace) reported as one tier: every run's lines, then one closing summary. */
export function reportSuites(runs: SuiteRun[]): number {
  let passed = 0;
  let failed = 0;
  for (const run of runs) {
    const prefix = run.name ? `${run.name}: ` : '';
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(run.results);
    const body = run.results.replace(/^\d+ passed, \d+ failed\n?$/m, '');
    if (body) process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
    passed += summary ? Number(summary[1]) : 0;
    failed += summary ? Number(summary[2]) : 0;
    if (run.end.problem) {
      console.log(`not ok - ${prefix}${run.end.problem}`);
      failed++;
    } else if (!summary) {
      console.log(`not ok - ${prefix}the suite wrote no results`);
      failed++;
    } else if (run.end.exitCode !== 0 && Number(summary[2]) === 0) {
      console.log(`not ok - ${prefix}the extension host exited with ${String(run.end.exitCode)} although no test failed`);
      failed++;
    }
  }
  if (passed === 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}
