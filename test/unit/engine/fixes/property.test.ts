// Property: every rewrite Registry Guard offers, and the whole per-file plan, change image scalars and nothing
// else. Generated manifests cover block and flow layouts, every quote style, comments, indentation and CRLF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer, PolicyStore } from '../../../../server/src/engine/analysis';
import { applyEdits, checkedCandidates, imageSites, overlappingEdits, planFixes } from '../../../../server/src/engine/fixes';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
spec:
  validationFailureAction: Enforce
  rules:
    - name: validate-registries
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "Unknown Image registry."
        pattern:
          spec:
            containers:
              - image: "public.ecr.aws/*"
`;

const IMAGES = [
  'nginx', 'nginx:1.27', 'redis:7', 'busybox', 'library/postgres:16', 'docker.io/library/node:20',
  `nginx@sha256:${'c'.repeat(64)}`, `nginx:1.27@sha256:${'d'.repeat(64)}`, 'ghcr.io/org/app:1',
  'quay.io/prometheus/prometheus:v2.1.0', 'public.ecr.aws/docker/library/alpine:3', 'registry.k8s.io/pause:3.9',
];

interface Container { name: string; image: string; quote: 'plain' | 'single' | 'double'; comment: boolean }
interface Workload { kind: 'Pod' | 'Deployment'; name: string; containers: Container[]; flow: boolean }

const container = fc.record({
  name: fc.constantFrom('a', 'b', 'c', 'web', 'side'),
  image: fc.constantFrom(...IMAGES),
  quote: fc.constantFrom<Container['quote']>('plain', 'single', 'double'),
  comment: fc.boolean(),
});
const workload = fc.record({
  kind: fc.constantFrom<Workload['kind']>('Pod', 'Deployment'),
  name: fc.constantFrom('one', 'two', 'three'),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  flow: fc.boolean(),
});
const layout = fc.record({ crlf: fc.boolean(), indent: fc.constantFrom(2, 4), leadingComment: fc.boolean() });

function quoted(c: Container): string {
  return c.quote === 'single' ? `'${c.image}'` : c.quote === 'double' ? `"${c.image}"` : c.image;
}

function render(workloads: Workload[], lay: { crlf: boolean; indent: number; leadingComment: boolean }): string {
  const pad = (n: number) => ' '.repeat(n * lay.indent);
  const docs = workloads.map((w) => {
    const lines: string[] = [];
    if (lay.leadingComment) lines.push('# generated');
    lines.push(w.kind === 'Pod' ? 'apiVersion: v1' : 'apiVersion: apps/v1', `kind: ${w.kind}`, 'metadata:', `${pad(1)}name: ${w.name}`, 'spec:');
    let depth = 1;
    if (w.kind === 'Deployment') {
      lines.push(`${pad(1)}selector: {matchLabels: {app: ${w.name}}}`, `${pad(1)}template:`, `${pad(2)}metadata: {labels: {app: ${w.name}}}`, `${pad(2)}spec:`);
      depth = 3;
    }
    if (w.flow) {
      // Comments cannot sit inside a one-line flow sequence; one goes after it.
      lines.push(`${pad(depth)}containers: [${w.containers.map((c) => `{name: ${c.name}, image: ${quoted(c)}}`).join(', ')}]${w.containers.some((c) => c.comment) ? '  # flow' : ''}`);
    } else {
      lines.push(`${pad(depth)}containers:`);
      for (const c of w.containers) {
        lines.push(`${pad(depth + 1)}- name: ${c.name}`, `${pad(depth + 1)}  image: ${quoted(c)}${c.comment ? '   # pinned?' : ''}`);
      }
    }
    return lines.join('\n') + '\n';
  });
  const text = docs.join('---\n');
  return lay.crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** A finding's Kyverno path (`/spec/containers/0/image/`) as a JSON path. */
function jsonPath(path: string): (string | number)[] {
  return path.split('/').filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function withValue(value: unknown, path: (string | number)[], replacement: string): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[path[path.length - 1]] = replacement;
  return copy;
}

function values(text: string): unknown[] {
  const yaml = parseYamlFile(text);
  for (const d of yaml.documents) assert.deepEqual(d.parsed.errors, [], `parses:\n${text}`);
  return yaml.documents.map((d) => d.parsed.toJS());
}

test('every offered rewrite, and the whole plan, changes only image scalars', () => {
  const store = new PolicyStore();
  store.setFile('/ws/policy.yaml', POLICY);
  const analyzer = new Analyzer(store);
  fc.assert(fc.property(fc.array(workload, { minLength: 1, maxLength: 3 }), layout, (workloads, lay) => {
    const text = render(workloads, lay);
    const yaml = parseYamlFile(text);
    const before = values(text);
    const analysis = analyzer.analyze('/ws/m.yaml', yaml);
    const { sites } = imageSites(yaml, analysis.findings);
    const expectedSites = workloads.flatMap((w) => w.containers).filter((c) => !c.image.startsWith('public.ecr.aws/')).length;
    assert.equal(sites.length, expectedSites, 'one site per failing image');

    for (const site of sites) {
      const checked = checkedCandidates(analyzer, '/ws/m.yaml', yaml, site);
      const path = jsonPath(site.findings[0].path);
      for (const candidate of checked.candidates) {
        const after = applyEdits(text, [candidate.edit]);
        assert.equal(typeof after, 'string');
        const expected = before.map((v, i) => (i === site.documentIndex ? withValue(v, path, candidate.image) : v));
        assert.deepEqual(values(after as string), expected, `${site.image} → ${candidate.image}`);
        assert.equal((after as string).includes('\r\n'), lay.crlf);
        if (lay.crlf) assert.ok(!/[^\r]\n/.test(after as string), 'no bare LF in a CRLF file');
      }
    }

    const plan = planFixes(analyzer, '/ws/m.yaml', yaml);
    assert.equal(overlappingEdits(plan.edits), undefined);
    assert.equal(plan.fixes.length + plan.skipped.length, sites.length);
    const fixed = applyEdits(text, plan.edits) as string;
    let expected = before;
    for (const fix of plan.fixes) {
      expected = expected.map((v, i) => (i === fix.site.documentIndex ? withValue(v, jsonPath(fix.site.findings[0].path), fix.candidate.image) : v));
    }
    assert.deepEqual(values(fixed), expected);
    // What the plan fixed no longer fails; what it skipped still does.
    const remaining = analyzer.analyze('/ws/m.yaml', parseYamlFile(fixed)).findings.map((f) => f.image);
    assert.deepEqual(remaining.sort(), plan.skipped.map((s) => s.image).sort());
  }), { numRuns: 60 });
});
