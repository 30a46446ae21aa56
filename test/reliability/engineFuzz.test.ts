/**
 * Fuzzing the engine the way the CLI and the server drive it: parseYamlFile → Analyzer.analyze, and incremental
 * updateYamlFile edit sequences through one long-lived Analyzer (whose per-document cache must never show a stale
 * result). Every input must give a well-formed analysis, no exception, and the same output every time.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../server/src/engine/analysis';
import { parseYamlFile, updateYamlFile } from '../../server/src/engine/yaml';
import { edit, fuzzOptions, manifestFile, mutated, placeEdit, policyFile, reportFuzz, yamlText } from './support/generators';
import { checkAnalysis, checkYamlFile, freshAnalysis, libraryPolicyTexts, storeWith } from './support/engine';

const policies = libraryPolicyTexts();
const HANG_GUARD = { timeout: 300_000 };

test('any YAML text: parse and analysis never throw, stay well-formed and are deterministic', HANG_GUARD, () => {
  const store = storeWith(policies);
  assert.deepEqual(store.errors, [], 'the library policies load');
  assert.ok(store.set.policies.length >= 6);
  const analyzer = new Analyzer(store);
  let inputs = 0;
  const kinds = new Map<string, number>();
  fc.assert(fc.property(yamlText, fc.constantFrom('fuzz.yaml', 'chart/templates/x.yaml', 'untitled:Untitled-1'), (text, file) => {
    inputs++;
    const yaml = parseYamlFile(text);
    checkYamlFile(yaml);
    const analysis = analyzer.analyze(file, yaml);
    checkAnalysis(analysis, text);
    kinds.set(analysis.kind, (kinds.get(analysis.kind) ?? 0) + 1);
    // Same input, fresh analyzer: same output; every 25th input also with a freshly compiled policy set.
    assert.deepEqual(freshAnalysis(inputs % 25 === 0 ? policies : store, file, text), analysis);
    // Same input, same engine (cached documents): same output.
    assert.deepEqual(analyzer.analyze(file, parseYamlFile(text)), analysis);
  }), fuzzOptions(1500, 0));
  reportFuzz('engine: YAML text through parse + Analyzer', inputs);
  // The generator reaches every file kind, so the property covers each path.
  for (const kind of ['manifest', 'other', 'policy', 'helm-template']) assert.ok((kinds.get(kind) ?? 0) > 0, `some input was classified ${kind}: ${JSON.stringify([...kinds])}`);
});

test('edit sequences: the incrementally updated file and the cached Analyzer agree with a fresh parse and analysis after every edit', HANG_GUARD, () => {
  const store = storeWith(policies);
  const analyzer = new Analyzer(store);
  let inputs = 0;
  let edits = 0;
  const start = fc.oneof({ weight: 3, arbitrary: manifestFile }, { weight: 2, arbitrary: mutated(manifestFile, 2) }, { weight: 1, arbitrary: policyFile });
  fc.assert(fc.property(start, fc.array(edit, { minLength: 1, maxLength: 12 }), (initial, sequence) => {
    inputs++;
    let yaml = parseYamlFile(initial);
    analyzer.analyze('doc.yaml', yaml);
    for (const raw of sequence) {
      edits++;
      const e = placeEdit(yaml.text, raw);
      yaml = updateYamlFile(yaml, e);
      const lo = Math.min(Math.min(e.start, e.end), yaml.text.length);
      const fresh = parseYamlFile(yaml.text);
      assert.equal(yaml.documents.length, fresh.documents.length, `documents after an edit at ${lo}`);
      checkYamlFile(yaml);
      const incremental = analyzer.analyze('doc.yaml', yaml);
      checkAnalysis(incremental, yaml.text);
      assert.deepEqual(incremental, freshAnalysis(store, 'doc.yaml', yaml.text));
    }
  }), fuzzOptions(250, 1));
  reportFuzz(`engine: edit sequences through updateYamlFile + cached Analyzer, ${edits} edits`, inputs);
});
