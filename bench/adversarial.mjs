// Section 7 (run in its own process by run.mjs): inputs built to find super-linear behaviour. Each case runs at
// doubling sizes; linear code shows doubling ratios near 2 (≤ ~2.6 allows for GC and cache effects).
//
//   node --expose-gc bench/adversarial.mjs [--smoke]     prints one JSON object on stdout
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { generateDocumentCount, imageSpans } from './generate.mjs';

const require = createRequire(import.meta.url);
const engine = (p) => require(`../out/server/src/engine/${p}`);
const { wildcardMatch, evaluatePattern } = engine('pattern/index.js');
const { parseYamlFile, updateYamlFile } = engine('yaml/index.js');
const { PolicySet, evaluateParsedDocument } = engine('policy/index.js');
const { Analyzer, PolicyStore } = engine('analysis/index.js');

const smoke = process.argv.includes('--smoke');
const gc = () => globalThis.gc?.();

/**
 * Median time of one call of `fn`. Fast calls are timed in batches of `batch` calls (calibrated so a batch takes
 * ≥ 5 ms, out of the timer's noise); samples are taken until `minMs` is spent, at least `min` and at most `max`.
 */
function time(fn, { minMs = smoke ? 5 : 300, min = 5, max = 200 } = {}) {
  const first = performance.now();
  fn();
  let batch = 1;
  if (performance.now() - first < 5) {
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < batch; i++) fn();
      if (performance.now() - t >= 5 || batch >= 1 << 20) break;
      batch *= 2;
    }
  }
  const runs = [];
  let spent = 0;
  while ((runs.length < min || spent < minMs) && runs.length < max) {
    gc();
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t;
    runs.push(dt / batch);
    spent += dt;
  }
  runs.sort((a, b) => a - b);
  return runs[runs.length >> 1];
}

function doubling(label, sizes, measure) {
  const points = sizes.map((size) => ({ size, ms: measure(size) }));
  const ratios = points.slice(1).map((p, i) => p.ms / points[i].ms);
  return { label, points, ratios };
}

const PATTERN = '*a*a*a*a*a*a*a*a*b';

function wildcardCase() {
  const sizes = smoke ? [1_000, 2_000, 4_000] : [10_000, 20_000, 40_000, 80_000];
  return doubling(`wildcardMatch('${PATTERN}', 'a'×n) (no match)`, sizes, (n) => {
    const value = 'a'.repeat(n);
    let result = true;
    const ms = time(() => { result = wildcardMatch(PATTERN, value); });
    if (result) throw new Error('the adversarial pattern must not match');
    return ms;
  });
}

function evaluatePatternCase() {
  const sizes = smoke ? [1_000, 2_000, 4_000] : [10_000, 20_000, 40_000, 80_000];
  const pattern = { spec: { containers: [{ image: PATTERN }] } };
  return doubling('evaluatePattern(Pod with a 3-container image of n chars, pattern above)', sizes, (n) => {
    const image = `registry.example.com/${'a'.repeat(n)}`;
    const resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image }, { name: 'b', image }, { name: 'c', image }] } };
    let status = '';
    const ms = time(() => { status = evaluatePattern(resource, pattern, { collectAll: true }).status; });
    if (status !== 'fail') throw new Error(`expected fail, got ${status}`);
    return ms;
  });
}

function policyWithRules(n) {
  let text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: many-rules\nspec:\n  validationFailureAction: Audit\n  background: true\n  rules:\n';
  for (let i = 0; i < n; i++) {
    text += `    - name: registry-${i}\n      match:\n        any:\n          - resources:\n              kinds:\n                - Pod\n      validate:\n        message: "rule ${i}"\n        pattern:\n          spec:\n            containers:\n              - image: "registry-${i}.example.com/* | public.ecr.aws/*"\n`;
  }
  return text;
}

function manyRulesCase() {
  const sizes = smoke ? [20, 40, 80] : [500, 1_000, 2_000, 4_000];
  const manifests = parseYamlFile(generateDocumentCount({ count: smoke ? 6 : 40 }));
  const workloads = manifests.documents.filter((d) => /^kind: (Deployment|Pod|CronJob)$/m.test(d.parsed.text));
  const load = doubling('load a ClusterPolicy of n rules (parse + PolicySet)', sizes, (n) => {
    const text = policyWithRules(n);
    let policies = 0;
    const ms = time(() => {
      const set = PolicySet.fromDocuments([{ file: 'many.yaml', yaml: parseYamlFile(text) }]);
      policies = set.policies.length;
      if (set.errors.length > 0) throw new Error(set.errors[0].message);
    });
    if (policies !== 1) throw new Error('the many-rules policy did not load');
    return ms;
  });
  const evaluate = doubling(`evaluate ${workloads.length} workloads against n rules`, sizes, (n) => {
    const set = PolicySet.fromDocuments([{ file: 'many.yaml', yaml: parseYamlFile(policyWithRules(n)) }]);
    let results = 0;
    const ms = time(() => {
      results = 0;
      for (const d of workloads) results += evaluateParsedDocument(set, d.parsed).length;
    });
    if (results < n) throw new Error(`expected at least ${n} rule results, got ${results}`);
    return ms;
  });
  return [load, evaluate];
}

function tinyPods(count) {
  const parts = [];
  for (let i = 0; i < count; i++) {
    parts.push(`${i === 0 ? '' : '---\n'}apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: ${i % 3 === 0 ? 'public.ecr.aws/nginx/nginx:1.27' : `docker.io/library/busybox:1.${i % 37}`}\n`);
  }
  return parts.join('');
}

function manyDocumentsCase() {
  const sizes = smoke ? [200, 400, 800] : [12_500, 25_000, 50_000, 100_000];
  const store = new PolicyStore();
  store.setAllowedRegistries(['public.ecr.aws/*']);
  const opts = { minMs: 0, min: 3, max: 3 };
  const texts = new Map(sizes.map((n) => [n, tinyPods(n)]));
  const parse = doubling('parseYamlFile of n tiny Pods', sizes, (n) => time(() => parseYamlFile(texts.get(n)), opts));
  const analyze = doubling('parse + analyze n tiny Pods (allow-list policy)', sizes, (n) => {
    let findings = 0;
    const ms = time(() => { findings = new Analyzer(store).analyze('many.yaml', parseYamlFile(texts.get(n))).findings.length; }, opts);
    if (findings === 0) throw new Error('expected findings');
    return ms;
  });
  const edit = doubling('one-image edit in the middle (updateYamlFile + cached analyze)', sizes, (n) => {
    const text = texts.get(n);
    const yaml = parseYamlFile(text);
    const analyzer = new Analyzer(store);
    analyzer.analyze('many.yaml', yaml);
    const span = imageSpans(text)[n >> 1];
    let flip = false;
    return time(() => {
      flip = !flip;
      const next = updateYamlFile(yaml, { start: span.start, end: span.end, text: flip ? 'quay.io/x/y:1' : 'ghcr.io/x/y:2' });
      analyzer.analyze('many.yaml', next);
    }, { minMs: smoke ? 5 : 100, min: 5, max: 50 });
  });
  return [parse, analyze, edit];
}

const cases = [wildcardCase(), evaluatePatternCase(), ...manyRulesCase(), ...manyDocumentsCase()];
process.stdout.write(`${JSON.stringify({ cases })}\n`);
