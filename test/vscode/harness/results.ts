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
  const summary = /^(\d+) passed, (\d+) failed$/m.exec(results);
  const body = results.replace(/^\d+ passed, \d+ failed\n?$/m, '');
  if (body) process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
  const passed = summary ? Number(summary[1]) : 0;
  let failed = summary ? Number(summary[2]) : 0;
  if (end.problem) {
    console.log(`not ok - ${end.problem}`);
    failed++;
  } else if (!summary) {
    console.log('not ok - the suite wrote no results');
    failed++;
  } else if (end.exitCode !== 0 && failed === 0) {
    console.log(`not ok - the extension host exited with ${String(end.exitCode)} although no test failed`);
    failed++;
  }
  if (passed === 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}
