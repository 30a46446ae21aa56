/**
 * Fuzzing policies: random patterns (every anchor, operators, wildcards, ranges), anyPattern, deny conditions,
 * foreach shapes, preconditions, context variables, match/exclude blocks, PolicyExceptions and CEL policies,
 * rendered in random YAML styles and then mutated. Loading never throws, every load error points into its file,
 * and evaluating manifests against whatever loaded never throws, never reports an internal error, and gives the
 * same answer on a freshly compiled set.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer, PolicyStore } from '../../server/src/engine/analysis';
import { parseYamlFile } from '../../server/src/engine/yaml';
import { fuzzOptions, manifestFile, mutated, policyFile, reportFuzz, workload, render } from './support/generators';
import { checkAnalysis } from './support/engine';
import { pod } from './support/hostileInputs';

const HANG_GUARD = { timeout: 300_000 };

/** Manifests every policy set is tried on: the shapes image rules care about. */
const FIXED_MANIFESTS = [
  pod('web', 'nginx'),
  pod('ok', 'public.ecr.aws/nginx/nginx:1.25'),
  render({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'prod', labels: { app: 'web' } }, spec: { template: { spec: { initContainers: [{ name: 'i', image: 'busybox' }], containers: [{ name: 'a', image: 'ghcr.io/x/y:latest' }, { name: 'b', image: 'nginx@sha256:' + '0'.repeat(64) }] } } } }, { flowLevel: -1, indent: 2, quoting: '"', forceQuotes: false, lineBreak: '\n', bom: false, comments: false, json: false }),
  render({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx:latest' }] } } } } } }, { flowLevel: 2, indent: 2, quoting: "'", forceQuotes: true, lineBreak: '\r\n', bom: false, comments: true, json: false }),
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: listed}\n  spec: {containers: [{name: a, image: nginx}]}\n',
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\nspec: {}\n',
];

function loadAll(texts: readonly string[]): PolicyStore {
  const store = new PolicyStore();
  texts.forEach((text, i) => store.setFile(`policies/p${i}.yaml`, text));
  return store;
}

test('random policies: loading never throws and every load error points into its file', HANG_GUARD, () => {
  let inputs = 0;
  let loaded = 0;
  let errors = 0;
  fc.assert(fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: policyFile }, { weight: 2, arbitrary: mutated(policyFile, 3) }), { minLength: 1, maxLength: 3 }), (texts) => {
    inputs++;
    const store = loadAll(texts);
    const set = store.set;
    loaded += set.policies.length;
    errors += set.errors.length;
    for (const e of set.errors) {
      const i = Number(/p(\d+)\.yaml$/.exec(e.file)?.[1]);
      assert.ok(Number.isInteger(i), `error names a loaded file: ${e.file}`);
      assert.ok(e.offset >= 0 && e.offset <= texts[i].length, `error offset ${e.offset} inside ${texts[i].length}: ${e.message}`);
      assert.ok(e.message.length > 0);
      assert.doesNotMatch(e.message, /internal error|Maximum call stack|TypeError|is not a function|Cannot read prop/, e.message);
    }
  }), fuzzOptions(1500, 10));
  reportFuzz(`policies: random ClusterPolicy/Policy/PolicyException/ValidatingPolicy files, ${loaded} policies loaded, ${errors} load errors`, inputs);
  assert.ok(loaded > inputs / 3, `many generated policies load (the generator is not just noise): ${loaded} policies from ${inputs} inputs`);
});

test('random policies × manifests: evaluation never throws, no internal errors, same answer from a fresh set', HANG_GUARD, () => {
  let inputs = 0;
  let findings = 0;
  const statuses = new Map<string, number>();
  const manifests = fc.array(fc.oneof({ weight: 3, arbitrary: manifestFile }, { weight: 1, arbitrary: mutated(manifestFile, 2) }, { weight: 2, arbitrary: fc.tuple(workload).map(([w]) => JSON.stringify(w)) }), { maxLength: 3 });
  fc.assert(fc.property(fc.array(policyFile, { minLength: 1, maxLength: 3 }), manifests, (policyTexts, generated) => {
    inputs++;
    const analyzer = new Analyzer(loadAll(policyTexts));
    const freshStore = loadAll(policyTexts);
    for (const text of [...FIXED_MANIFESTS, ...generated]) {
      const analysis = analyzer.analyze('manifests/m.yaml', parseYamlFile(text));
      checkAnalysis(analysis, text);
      findings += analysis.findings.length;
      for (const r of analysis.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      assert.deepEqual(new Analyzer(freshStore).analyze('manifests/m.yaml', parseYamlFile(text)), analysis);
    }
  }), fuzzOptions(1000, 11));
  reportFuzz(`policies × manifests: ${findings} findings, results ${JSON.stringify(Object.fromEntries(statuses))}`, inputs);
  // The generator reaches every verdict, so the property is not vacuous.
  for (const status of ['pass', 'fail', 'skip', 'error']) assert.ok((statuses.get(status) ?? 0) > 0, `some rule ended ${status}`);
});
