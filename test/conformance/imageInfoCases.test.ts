// Kyverno's own GetImageInfo / addDefaultRegistry unit-test table (pkg/utils/image/infos_test.go),
// replayed against our implementation: all 28 cases must agree.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kyvernoDataDir } from '../support/paths';
import { addDefaultRegistry, getImageInfo, type ImageConfig } from '../../server/src/engine/image';

interface ImageInfoCase {
  test: string;
  line: number;
  function?: string;
  input: string;
  defaultRegistry: string;
  enableDefaultRegistryMutation: boolean;
  expected: Record<string, unknown>;
}

const data = JSON.parse(fs.readFileSync(path.join(kyvernoDataDir, 'image-info-cases.json'), 'utf8')) as { total: number; cases: ImageInfoCase[] };

/** Returns the list of mismatches for one case ([] when it agrees with Kyverno). */
function check(c: ImageInfoCase): string[] {
  const config: ImageConfig = { defaultRegistry: c.defaultRegistry, enableDefaultRegistryMutation: c.enableDefaultRegistryMutation };
  const problems: string[] = [];
  const expect = (field: string, actual: unknown, wanted: unknown): void => {
    if (actual !== wanted) problems.push(`${field}: got ${JSON.stringify(actual)}, want ${JSON.stringify(wanted)}`);
  };
  if (c.function === 'addDefaultRegistry') {
    expect('fullImageName', addDefaultRegistry(c.input, config), c.expected.fullImageName);
    return problems;
  }
  const info = getImageInfo(c.input, config);
  if (c.expected.error === true) {
    if (!('error' in info)) problems.push(`expected a parse error, got ${JSON.stringify(info)}`);
    return problems;
  }
  if ('error' in info) return [`unexpected error: ${info.error}`];
  // Go struct fields are "" when empty; our ImageInfo omits them (omitempty), so compare with ''.
  const actual: Record<string, unknown> = {
    name: info.name,
    path: info.path,
    registry: info.registry ?? '',
    tag: info.tag ?? '',
    digest: info.digest ?? '',
    string: info.reference,
    reference: info.reference,
    referenceWithTag: info.referenceWithTag,
  };
  for (const [field, wanted] of Object.entries(c.expected)) expect(field, actual[field], wanted);
  return problems;
}

test('image-info conformance: every Kyverno GetImageInfo case agrees', () => {
  assert.equal(data.cases.length, data.total);
  const failures: string[] = [];
  let passed = 0;
  for (const c of data.cases) {
    const problems = check(c);
    if (problems.length === 0) passed++;
    else failures.push(`${c.test} (line ${c.line}) ${JSON.stringify(c.input)}: ${problems.join('; ')}`);
  }
  console.log(`image-info conformance: ${passed}/${data.cases.length}`);
  assert.deepEqual(failures, []);
});
