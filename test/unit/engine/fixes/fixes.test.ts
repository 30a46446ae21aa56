// engine/fixes: candidates are offered only when the rewritten document passes; the per-file plan; the
// allow-registry policy edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer, PolicyStore } from '../../../../server/src/engine/analysis';
import {
  allowPatternFor, allowRegistryFix, applyEdits, checkedCandidates, FixCache, imageSites, overlappingEdits, planFixes, preferredFix,
} from '../../../../server/src/engine/fixes';
import { PolicySet, evaluateParsedDocument } from '../../../../server/src/engine/policy';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';

const POLICY_FILE = '/ws/policies/registries.yaml';

function policy(pattern: string, extra = ''): string {
  return `apiVersion: kyverno.io/v1
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
              kinds:
                - Pod
      validate:
        message: "Unknown Image registry."
        pattern:
          spec:
            containers:
              - image: ${pattern}
${extra}`;
}

const EKS_POLICY = policy('"public.ecr.aws/*"');

const NGINX_POD = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
    - image: nginx
      name: nginx
`;

function setup(policyText: string = EKS_POLICY) {
  const store = new PolicyStore();
  store.setFile(POLICY_FILE, policyText);
  assert.equal(store.errors.length, 0, JSON.stringify(store.errors));
  return { store, analyzer: new Analyzer(store) };
}

function sitesOf(analyzer: Analyzer, file: string, text: string) {
  const yaml = parseYamlFile(text);
  const analysis = analyzer.analyze(file, yaml);
  return { yaml, analysis, ...imageSites(yaml, analysis.findings) };
}

test('the seed nginx Pod: the Docker Official Image mirror is preferred, NGINX\'s own repository is an alternative', () => {
  const { analyzer } = setup();
  const { yaml, sites } = sitesOf(analyzer, '/ws/pod.yaml', NGINX_POD);
  assert.equal(sites.length, 1);
  const checked = checkedCandidates(analyzer, '/ws/pod.yaml', yaml, sites[0]);
  assert.deepEqual(checked.candidates.map((c) => [c.image, c.preferred]), [
    ['public.ecr.aws/docker/library/nginx', true],
    ['public.ecr.aws/nginx/nginx', false],
  ]);
  assert.deepEqual(checked.rejected, []);
  const start = NGINX_POD.indexOf('image: nginx') + 'image: '.length;
  assert.deepEqual(checked.candidates[0].edit, { start, end: start + 'nginx'.length, newText: 'public.ecr.aws/docker/library/nginx' });
});

test('a candidate that would still fail is not offered: only public.ecr.aws/nginx/* allowed ⇒ nginx/nginx alone, preferred', () => {
  const { analyzer } = setup(policy('"public.ecr.aws/nginx/*"'));
  const { yaml, sites } = sitesOf(analyzer, '/ws/pod.yaml', NGINX_POD);
  const checked = checkedCandidates(analyzer, '/ws/pod.yaml', yaml, sites[0]);
  assert.deepEqual(checked.candidates.map((c) => [c.image, c.preferred]), [['public.ecr.aws/nginx/nginx', true]]);
  assert.deepEqual(checked.rejected.map((r) => r.candidate.image), ['public.ecr.aws/docker/library/nginx']);
  assert.match(checked.rejected[0].reason, /would still fail restrict-image-registries\/validate-registries \(Enforce\)/);
});

test('every active policy counts: a second policy that forbids untagged images rejects both targets', () => {
  const { store, analyzer } = setup();
  store.setFile('/ws/policies/tags.yaml', `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-tag
spec:
  validationFailureAction: Audit
  rules:
    - name: tag
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "A tag is required."
        pattern:
          spec:
            containers:
              - image: "*:*"
`);
  const { yaml, sites } = sitesOf(analyzer, '/ws/pod.yaml', NGINX_POD);
  assert.equal(sites[0].findings.length, 2, 'both policies fail the image');
  const checked = checkedCandidates(analyzer, '/ws/pod.yaml', yaml, sites[0]);
  assert.deepEqual(checked.candidates, []);
  assert.equal(checked.rejected.length, 2);
  for (const r of checked.rejected) assert.match(r.reason, /require-tag\/tag \(Audit\)/);
  const choice = preferredFix(checked);
  assert.ok('skip' in choice);
});

test('a digest is kept by the mirror; the publisher repository is refused with the reason, not offered', () => {
  const { analyzer } = setup();
  const digest = `sha256:${'a'.repeat(64)}`;
  const text = NGINX_POD.replace('image: nginx', `image: "nginx@${digest}"`);
  const { yaml, sites } = sitesOf(analyzer, '/ws/pod.yaml', text);
  const checked = checkedCandidates(analyzer, '/ws/pod.yaml', yaml, sites[0]);
  assert.deepEqual(checked.candidates.map((c) => [c.image, c.preferred]), [[`public.ecr.aws/docker/library/nginx@${digest}`, true]]);
  const refused = checked.notes.find((n) => n.target === 'public.ecr.aws/nginx/nginx');
  assert.ok(refused, JSON.stringify(checked.notes));
  assert.match(refused.reason, /digest/);
});

test('user mappings come first and are checked like every other target', () => {
  const { analyzer } = setup(policy('"public.ecr.aws/* | 123456789012.dkr.ecr.us-east-1.amazonaws.com/*"'));
  const text = NGINX_POD.replace('image: nginx', 'image: quay.io/org/app:1.0');
  const { yaml, sites } = sitesOf(analyzer, '/ws/pod.yaml', text);
  const catalog = { mappings: [{ from: 'quay.io/org/*', to: '123456789012.dkr.ecr.us-east-1.amazonaws.com/org/*' }, { from: 'quay.io/org/app', to: 'ghcr.io/org/app' }] };
  const checked = checkedCandidates(analyzer, '/ws/pod.yaml', yaml, sites[0], catalog);
  assert.deepEqual(checked.candidates.map((c) => [c.image, c.preferred]), [['123456789012.dkr.ecr.us-east-1.amazonaws.com/org/app:1.0', true]]);
  assert.deepEqual(checked.rejected.map((r) => r.candidate.image), ['ghcr.io/org/app:1.0']);
});

test('plan: CRLF, quotes, flow style and comments stay; only the image text changes', () => {
  const { analyzer } = setup();
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: web}  # flow mapping',
    'spec:',
    '  containers: [{name: a, image: \'nginx:1.27\'}, {name: b, image: "redis:7"}]   # two images',
    '  initContainers:',
    '    - name: init',
    '      image: busybox   # plain',
    '',
  ].join('\r\n');
  const yaml = parseYamlFile(text);
  const plan = planFixes(analyzer, '/ws/web.yaml', yaml);
  assert.deepEqual(plan.skipped, []);
  assert.equal(overlappingEdits(plan.edits), undefined);
  const fixed = applyEdits(text, plan.edits);
  assert.equal(fixed, [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: web}  # flow mapping',
    'spec:',
    '  containers: [{name: a, image: \'public.ecr.aws/docker/library/nginx:1.27\'}, {name: b, image: "public.ecr.aws/docker/library/redis:7"}]   # two images',
    '  initContainers:',
    '    - name: init',
    '      image: busybox   # plain',
    '',
  ].join('\r\n'), 'busybox in initContainers passes this policy (it only checks containers)');
  assert.deepEqual(analyzer.analyze('/ws/web.yaml', parseYamlFile(fixed as string)).findings, []);
});

test('plan: images without a passing target, aliases and ambiguous choices are skipped with a reason', () => {
  const { analyzer } = setup(policy('"public.ecr.aws/* | quay.io/*"'));
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: &img ghcr.io/org/a:1
    - name: b
      image: *img
    - name: c
      image: nginx
`;
  const yaml = parseYamlFile(text);
  const plan = planFixes(analyzer, '/ws/p.yaml', yaml, { catalog: { mappings: [{ from: 'nginx', to: 'quay.io/mirror/nginx', keepDigest: true }] } });
  const reasons = plan.skipped.map((s) => [s.image, s.reason]);
  assert.equal(reasons.length, 2, JSON.stringify(reasons));
  assert.match(String(reasons[0][1]), /no known mirror/);
  assert.match(String(reasons[1][1]), /alias \*img/);
  // The user's mapping is preferred over the catalog (both pass).
  assert.deepEqual(plan.fixes.map((f) => f.candidate.image), ['quay.io/mirror/nginx']);
});

test('plan: several passing targets with none preferred are left for the user', () => {
  const { analyzer } = setup();
  const text = NGINX_POD.replace('image: nginx', 'image: quay.io/org/app:1');
  const plan = planFixes(analyzer, '/ws/p.yaml', parseYamlFile(text), {
    catalog: { mappings: [{ from: 'quay.io/org/*', to: 'public.ecr.aws/org-a/*' }, { from: 'quay.io/org/app', to: 'public.ecr.aws/org-b/app' }] },
  });
  assert.deepEqual(plan.edits, []);
  assert.match(plan.skipped[0].reason, /several rewrites pass and none is clearly right/);
});

test('FixCache: the same answer from the cache, shifted when an earlier document grows; a new generation starts over', () => {
  const { analyzer } = setup();
  const first = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n${NGINX_POD}`;
  const cache = new FixCache('g1');
  const a = sitesOf(analyzer, '/ws/f.yaml', first);
  const fresh = cache.checked(analyzer, '/ws/f.yaml', a.yaml, a.sites[0], undefined);
  const again = cache.checked(analyzer, '/ws/f.yaml', a.yaml, a.sites[0], undefined);
  assert.deepEqual(again, fresh);
  const second = first.replace('name: c', 'name: a-longer-name');
  const b = sitesOf(analyzer, '/ws/f.yaml', second);
  assert.equal(b.yaml.documents[1].parsed, b.yaml.documents[1].parsed);
  const shifted = cache.checked(analyzer, '/ws/f.yaml', b.yaml, b.sites[0], undefined);
  assert.deepEqual(shifted.candidates.map((c) => c.edit), checkedCandidates(analyzer, '/ws/f.yaml', b.yaml, b.sites[0]).candidates.map((c) => c.edit));
});

test('edits: overlaps are detected and refused; applyEdits applies in order', () => {
  assert.equal(applyEdits('abcdef', [{ start: 4, end: 5, newText: 'E' }, { start: 0, end: 1, newText: 'AA' }]), 'AAbcdEf');
  assert.ok(overlappingEdits([{ start: 0, end: 3, newText: '' }, { start: 2, end: 4, newText: '' }]));
  assert.ok(overlappingEdits([{ start: 2, end: 2, newText: 'x' }, { start: 2, end: 2, newText: 'y' }]));
  assert.equal(overlappingEdits([{ start: 0, end: 2, newText: '' }, { start: 2, end: 4, newText: '' }]), undefined);
  assert.ok(typeof applyEdits('abc', [{ start: 0, end: 2, newText: '' }, { start: 1, end: 3, newText: '' }]) === 'object');
});

// ---------------------------------------------------------------------------------------------------
// Allow <registry>/* in <policy>

function allowFor(policyText: string, podText: string) {
  const { analyzer } = setup(policyText);
  const { yaml, sites } = sitesOf(analyzer, '/ws/pod.yaml', podText);
  assert.ok(sites.length > 0, 'the pod fails');
  const policyYaml = parseYamlFile(policyText);
  return { fix: allowRegistryFix({ file: POLICY_FILE, yaml: policyYaml }, sites[0].findings[0], yaml.documents[sites[0].documentIndex].parsed), yaml, sites };
}

test('allow: the failing pattern gets " | ghcr.io/*" inside its quotes, and the edited policy admits the image', () => {
  const pod = NGINX_POD.replace('image: nginx', 'image: ghcr.io/example/app:2');
  const { fix, yaml } = allowFor(EKS_POLICY, pod);
  assert.ok(!('reason' in fix), JSON.stringify(fix));
  assert.equal(fix.title, 'Allow ghcr.io/* in restrict-image-registries');
  const edited = applyEdits(EKS_POLICY, fix.edits) as string;
  assert.match(edited, /- image: "public\.ecr\.aws\/\* \| ghcr\.io\/\*"\n/);
  const set = PolicySet.fromDocuments([{ file: POLICY_FILE, yaml: parseYamlFile(edited) }]);
  const results = evaluateParsedDocument(set, yaml.documents[0].parsed);
  assert.deepEqual(results.map((r) => r.status), ['pass']);
});

test('allow: plain and single-quoted patterns keep their style; a Docker Hub image written without a registry is allowed as written', () => {
  const plain = policy('public.ecr.aws/*');
  const { fix } = allowFor(plain, NGINX_POD.replace('image: nginx', 'image: nginx:1.27'));
  assert.ok(!('reason' in fix), JSON.stringify(fix));
  assert.equal(fix.pattern, 'nginx:*');
  assert.match(applyEdits(plain, fix.edits) as string, /- image: public\.ecr\.aws\/\* \| nginx:\*\n/);
  const single = policy('\'public.ecr.aws/*\'');
  const other = allowFor(single, NGINX_POD.replace('image: nginx', 'image: localhost:5000/app'));
  assert.ok(!('reason' in other.fix));
  assert.match(applyEdits(single, other.fix.edits) as string, /- image: 'public\.ecr\.aws\/\* \| localhost:5000\/\*'\n/);
});

test('allow: only the pattern of the failing container list is widened', () => {
  const text = policy('"public.ecr.aws/*"').replace('            containers:\n', '            =(initContainers):\n              - image: "quay.io/*"\n            containers:\n');
  const pod = NGINX_POD.replace('  containers:\n', '  initContainers:\n    - name: init\n      image: ghcr.io/x/init:1\n  containers:\n').replace('image: nginx', 'image: public.ecr.aws/ok/app');
  const { fix } = allowFor(text, pod);
  assert.ok(!('reason' in fix), JSON.stringify(fix));
  const edited = applyEdits(text, fix.edits) as string;
  assert.match(edited, /- image: "quay\.io\/\* \| ghcr\.io\/\*"/);
  assert.match(edited, /- image: "public\.ecr\.aws\/\*"\n/, 'the containers pattern is unchanged');
});

test('allow: a pattern that is not a registry list (a tag rule) is not widened', () => {
  const { fix } = allowFor(policy('"!*:latest"'), NGINX_POD.replace('image: nginx', 'image: ghcr.io/a/b:latest'));
  assert.ok('reason' in fix);
  assert.match(fix.reason, /not a list of allowed registries/);
});

test('allowPatternFor: registries with hosts and ports, Docker Hub shorthand by tag, digest or bare name', () => {
  assert.deepEqual(allowPatternFor('ghcr.io/a/b:1'), { pattern: 'ghcr.io/*', description: 'every image from ghcr.io' });
  assert.equal((allowPatternFor('localhost:5000/app') as { pattern: string }).pattern, 'localhost:5000/*');
  assert.equal((allowPatternFor('docker.io/library/nginx') as { pattern: string }).pattern, 'docker.io/*');
  assert.equal((allowPatternFor('nginx') as { pattern: string }).pattern, 'nginx');
  assert.equal((allowPatternFor('bitnami/redis:7') as { pattern: string }).pattern, 'bitnami/redis:*');
  assert.equal((allowPatternFor(`nginx@sha256:${'b'.repeat(64)}`) as { pattern: string }).pattern, 'nginx@*');
  assert.ok('error' in allowPatternFor('Not An Image'));
});
