// Section 7 (run in its own process by run.mjs): inputs built to find super-linear behaviour. Each case runs at
// doubling sizes; linear code shows doubling ratios near 2, quadratic code near 4.
//
//   node --expose-gc bench/adversarial.mjs [--smoke]     prints one JSON object on stdout
//
// The machine is shared: other processes steal CPU at random moments. So the sizes of a case are measured
// round-robin (every size sees the same conditions), and each size reports its fastest sample, the one least
// disturbed by others; a super-linear algorithm cannot hide in a minimum.
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

/** Calls per sample so that a sample of a fast call takes ≥ 5 ms (out of the timer's resolution). */
function calibrate(fn) {
  const first = performance.now();
  fn();
  let batch = 1;
  if (performance.now() - first >= 5) return batch;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - t >= 5 || batch >= 1 << 20) return batch;
    batch *= 2;
  }
}

function sample(fn, batch) {
  gc();
  const t = performance.now();
  for (let i = 0; i < batch; i++) fn();
  return (performance.now() - t) / batch;
}

/**
 * `prepare(size)` builds the input outside the timer and returns the call to time. Sizes are sampled round-robin,
 * `rounds` times (fewer for slow calls: a round stops adding samples once `budgetMs` is spent).
 */
function doubling(label, sizes, prepare, { rounds = smoke ? 2 : 7, budgetMs = smoke ? 200 : 6_000 } = {}) {
  const calls = sizes.map((size) => prepare(size));
  const batches = calls.map((fn) => calibrate(fn));
  const best = sizes.map(() => Infinity);
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sizes.length; i++) best[i] = Math.min(best[i], sample(calls[i], batches[i]));
    if (round >= 2 && performance.now() - started > budgetMs) break;
  }
  const points = sizes.map((size, i) => ({ size, ms: best[i] }));
  const ratios = points.slice(1).map((p, i) => p.ms / points[i].ms);
  return { label, points, ratios };
}

const PATTERN = '*a*a*a*a*a*a*a*a*b';

function wildcardCase() {
  const sizes = smoke ? [1_000, 2_000, 4_000] : [10_000, 20_000, 40_000, 80_000];
  return doubling(`wildcardMatch('${PATTERN}', 'a'×n) (no match)`, sizes, (n) => {
    const value = 'a'.repeat(n);
    if (wildcardMatch(PATTERN, value)) throw new Error('the adversarial pattern must not match');
    return () => wildcardMatch(PATTERN, value);
  });
}

function evaluatePatternCase() {
  const sizes = smoke ? [1_000, 2_000, 4_000] : [10_000, 20_000, 40_000, 80_000];
  const pattern = { spec: { containers: [{ image: PATTERN }] } };
  return doubling('evaluatePattern(Pod with 3 containers, images of n chars, pattern above)', sizes, (n) => {
    const image = `registry.example.com/${'a'.repeat(n)}`;
    const resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image }, { name: 'b', image }, { name: 'c', image }] } };
    const status = evaluatePattern(resource, pattern, { collectAll: true }).status;
    if (status !== 'fail') throw new Error(`expected fail, got ${status}`);
    return () => evaluatePattern(resource, pattern, { collectAll: true });
  });
}

function policyWithRules(n) {
  let text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: many-rules\nspec:\n  validationFailureAction: Audit\n  background: true\n  rules:\n';
  for (let i = 0; i < n; i++) {
    text += `    - name: registry-${i}\n      match:\n        any:\n          - resources:\n              kinds:\n                - Pod\n      validate:\n        message: "rule ${i}"\n        pattern:\n          spec:\n            containers:\n              - image: "registry-${i}.example.com/* | public.ecr.aws/*"\n`;
  }
  return text;
}

function loadPolicy(text) {
  const set = PolicySet.fromDocuments([{ file: 'many.yaml', yaml: parseYamlFile(text) }]);
  if (set.errors.length > 0) throw new Error(set.errors[0].message);
  if (set.policies.length !== 1) throw new Error('the many-rules policy did not load');
  return set;
}

function manyRulesCase() {
  const sizes = smoke ? [20, 40, 80] : [500, 1_000, 2_000, 4_000];
  const manifests = parseYamlFile(generateDocumentCount({ count: smoke ? 6 : 40 }));
  const workloads = manifests.documents.filter((d) => /^kind: (Deployment|Pod|CronJob)$/m.test(d.parsed.text));
  const load = doubling('load a ClusterPolicy of n rules (parse + PolicySet)', sizes, (n) => {
    const text = policyWithRules(n);
    return () => loadPolicy(text);
  });
  const evaluate = doubling(`evaluate ${workloads.length} workloads against n rules`, sizes, (n) => {
    const set = loadPolicy(policyWithRules(n));
    const run = () => {
      let results = 0;
      for (const d of workloads) results += evaluateParsedDocument(set, d.parsed).length;
      return results;
    };
    if (run() < n) throw new Error(`expected at least ${n} rule results`);
    return run;
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
  const texts = new Map(sizes.map((n) => [n, tinyPods(n)]));
  const slow = { rounds: 3, budgetMs: 0 };
  const parse = doubling('parseYamlFile of n tiny Pods', sizes, (n) => () => parseYamlFile(texts.get(n)), slow);
  const analyze = doubling('parse + analyze n tiny Pods (allow-list policy)', sizes, (n) => {
    const run = () => new Analyzer(store).analyze('many.yaml', parseYamlFile(texts.get(n)));
    if (run().findings.length === 0) throw new Error('expected findings');
    return run;
  }, slow);
  const edit = doubling('one-image edit in the middle (updateYamlFile + cached analyze)', sizes, (n) => {
    const text = texts.get(n);
    const yaml = parseYamlFile(text);
    const analyzer = new Analyzer(store);
    analyzer.analyze('many.yaml', yaml);
    const span = imageSpans(text)[n >> 1];
    let flip = false;
    return () => {
      flip = !flip;
      analyzer.analyze('many.yaml', updateYamlFile(yaml, { start: span.start, end: span.end, text: flip ? 'quay.io/x/y:1' : 'ghcr.io/x/y:2' }));
    };
  });
  return [parse, analyze, edit];
}

const cases = [wildcardCase(), evaluatePatternCase(), ...manyRulesCase(), ...manyDocumentsCase()];
process.stdout.write(`${JSON.stringify({ cases })}\n`);
