/**
 * The mocha entry the VS Code extension host loads (extensionTestsPath) once the extension under development is
 * registered. Both runners use it: test/vscode/runInCodeServer.ts and test/vscode/runInElectron.ts. It runs the
 * `*.test.js` files beside it (the seed workspace's tests); a subfolder with its own entry that calls runSuiteIn
 * holds the tests of another fixture workspace (suite/cel/ for test/fixtures/workspace-cel).
 *
 * Writes one `ok - <title>` / `not ok - <title>: <error>` line per test and a closing `N passed, N failed` to the
 * file named by REGISTRY_GUARD_TEST_RESULTS (the extension host inherits the server's environment), because the
 * extension host's stdout does not reach the runner in code-server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../support/paths';

type MochaConstructor = typeof import('mocha');

/**
 * mocha is a devDependency of the repository. Resolve it from the repository root explicitly, not from wherever the
 * extension host happens to load this file, so the entry works from any extensionTestsPath location.
 */
function loadMocha(): MochaConstructor {
  const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));
  return requireFromRoot('mocha') as MochaConstructor;
}

export function run(): Promise<void> {
  return runSuiteIn(__dirname);
}

/** Runs every `*.test.js` file directly in `dir` (not in its subfolders) with mocha. */
export function runSuiteIn(dir: string): Promise<void> {
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(dir, f));

  const resultsFile = process.env.REGISTRY_GUARD_TEST_RESULTS;
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  const write = (): void => {
    if (resultsFile) fs.writeFileSync(resultsFile, `${lines.join('\n')}\n`);
  };

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        lines.push(`${passed} passed, ${failed} failed`);
        write();
        if (failed > 0 || passed === 0) reject(new Error(`${failed} failed, ${passed} passed`));
        else resolve();
      });
      runner.on('pass', (t) => {
        passed++;
        lines.push(`ok - ${t.fullTitle()}`);
      });
      runner.on('fail', (t, err: Error) => {
        failed++;
        lines.push(`not ok - ${t.fullTitle()}: ${String(err?.message ?? err).replace(/\n/g, '\n    ')}`);
      });
    } catch (err) {
      // A suite file that throws while loading fails the run instead of hanging it.
      lines.push(`not ok - loading the suite: ${String(err)}`, `${passed} passed, ${failed + 1} failed`);
      write();
      reject(err);
    }
  });
}
