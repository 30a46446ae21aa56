/**
 * The mocha entry for the tests of test/fixtures/workspace-cel (the seed scenario with the policy written as a
 * Kyverno CEL ValidatingPolicy). runInCodeServer.ts opens that workspace with this entry as extensionTestsPath.
 */
import { runSuiteIn } from '../index';

export function run(): Promise<void> {
  return runSuiteIn(__dirname);
}
