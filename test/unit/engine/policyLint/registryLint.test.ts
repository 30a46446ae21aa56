// Registry-specific lints: each one fires on the case it is about, stays quiet on the corrected policy,
// and its fix yields valid YAML whose Kyverno semantics are the intended ones (checked with the pattern
// engine, not by reading the text).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluatePattern, validateValue } from '../../../../server/src/engine/pattern';
import { applyFix, docOf, lintText, only, spanOf, withCode, WORKSHOP_POLICY } from './lintHelpers';

const pod = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

function patternOf(text: string, rule = 0): unknown {
  const js = docOf(text).toJS() as { spec: { rules: { validate: { pattern: unknown } }[] } };
  return js.spec.rules[rule].validate.pattern;
}

test('containers without initContainers / ephemeralContainers: the EKS workshop policy', () => {
  const problems = lintText(WORKSHOP_POLICY);
  const p = only(problems, 'registry-containers-only');
  assert.equal(p.severity, 'warning');
  assert.equal(spanOf(WORKSHOP_POLICY, p), 'containers');
  assert.match(p.message, /`initContainers` or `ephemeralContainers`/);

  // Before the fix an init container from Docker Hub passes; after it, it fails at the init container's image.
  const badInit = pod({ initContainers: [{ name: 'i', image: 'busybox' }], containers: [{ name: 'c', image: 'public.ecr.aws/nginx/nginx' }] });
  const badEphemeral = pod({ ephemeralContainers: [{ name: 'e', image: 'ghcr.io/x/debug' }], containers: [{ name: 'c', image: 'public.ecr.aws/nginx/nginx' }] });
  const good = pod({ initContainers: [{ name: 'i', image: 'public.ecr.aws/docker/library/busybox' }], containers: [{ name: 'c', image: 'public.ecr.aws/nginx/nginx' }] });
  assert.equal(evaluatePattern(badInit, patternOf(WORKSHOP_POLICY)).status, 'pass');

  const fixed = applyFix(WORKSHOP_POLICY, p);
  assert.deepEqual(withCode(lintText(fixed), 'registry-containers-only'), []);
  assert.ok(fixed.includes(`            =(initContainers):
              - image: "public.ecr.aws/*"
            =(ephemeralContainers):
              - image: "public.ecr.aws/*"
`), fixed);
  const pattern = patternOf(fixed) as { spec: Record<string, unknown> };
  assert.deepEqual(pattern.spec['=(initContainers)'], [{ image: 'public.ecr.aws/*' }]);
  assert.deepEqual(pattern.spec['=(ephemeralContainers)'], [{ image: 'public.ecr.aws/*' }]);
  assert.equal(evaluatePattern(badInit, pattern).status, 'fail');
  assert.equal(evaluatePattern(badInit, pattern).path, '/spec/initContainers/0/image/');
  assert.equal(evaluatePattern(badEphemeral, pattern).status, 'fail');
  assert.equal(evaluatePattern(good, pattern).status, 'pass');
  // Pods without init or ephemeral containers are unaffected (equality anchors are optional).
  assert.equal(evaluatePattern(pod({ containers: [{ name: 'c', image: 'public.ecr.aws/nginx/nginx' }] }), pattern).status, 'pass');
});

test('containers fix: compact list style, anchored image key, CRLF and a file without a final newline', () => {
  const text = [
    'apiVersion: kyverno.io/v1', 'kind: ClusterPolicy', 'metadata:', '  name: p', 'spec:', '  rules:', '  - name: r',
    '    match:', '      any:', '      - resources:', '          kinds: [Pod]', '    validate:', '      failureAction: Enforce',
    '      pattern:', '        spec:', '          containers:', "          - =(image): 'registry.example.com/*'",
  ].join('\r\n');
  const p = only(lintText(text), 'registry-containers-only');
  const fixed = applyFix(text, p);
  assert.ok(fixed.endsWith("\r\n          =(initContainers):\r\n          - =(image): 'registry.example.com/*'\r\n          =(ephemeralContainers):\r\n          - =(image): 'registry.example.com/*'"), JSON.stringify(fixed));
  assert.deepEqual(withCode(lintText(fixed), 'registry-containers-only'), []);
});

test('containers lint: only the missing list is added; policies that cover all three are quiet', () => {
  const partial = WORKSHOP_POLICY.replace('            containers:\n', '            =(initContainers):\n              - image: "public.ecr.aws/*"\n            containers:\n');
  const p = only(lintText(partial), 'registry-containers-only');
  assert.match(p.message, /but not of `ephemeralContainers`/);
  const fixed = applyFix(partial, p);
  assert.equal((fixed.match(/=\(initContainers\)/g) ?? []).length, 1);
  assert.equal((fixed.match(/=\(ephemeralContainers\)/g) ?? []).length, 1);
  assert.deepEqual(withCode(lintText(fixed), 'registry-containers-only'), []);
});

test('foreach over containers only: the fix iterates over all three lists', () => {
  const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tags
spec:
  rules:
    - name: require-tag
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        failureAction: Audit
        foreach:
          - list: "request.object.spec.containers"
            pattern:
              image: "*:*"
`;
  const p = only(lintText(text), 'registry-containers-only');
  assert.equal(spanOf(text, p), '"request.object.spec.containers"');
  const fixed = applyFix(text, p);
  assert.ok(fixed.includes('list: "request.object.spec.[ephemeralContainers, initContainers, containers][]"'));
  assert.deepEqual(withCode(lintText(fixed), 'registry-containers-only'), []);
});

test('look-alike hosts: `public.ecr.aws*` also admits public.ecr.aws.evil.example; the fix adds the /', () => {
  const text = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws* | ghcr.io/acme/*"');
  const p = only(lintText(text), 'registry-lookalike-host');
  assert.equal(spanOf(text, p), 'public.ecr.aws*');
  assert.match(p.message, /public\.ecr\.aws\.evil\.example\/x/);
  assert.ok(validateValue('public.ecr.aws.evil.example/x', 'public.ecr.aws* | ghcr.io/acme/*'));
  const fixed = applyFix(text, p);
  assert.ok(fixed.includes('- image: "public.ecr.aws/* | ghcr.io/acme/*"'));
  assert.deepEqual(withCode(lintText(fixed), 'registry-lookalike-host'), []);
  const pattern = 'public.ecr.aws/* | ghcr.io/acme/*';
  assert.equal(validateValue('public.ecr.aws.evil.example/x', pattern), false);
  assert.equal(validateValue('public.ecr.aws/nginx/nginx:1.25', pattern), true);
  assert.equal(validateValue('ghcr.io/acme/app', pattern), true);
});

test('look-alike hosts: a * inside the host can span a / (no fix, a concrete example)', () => {
  const text = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"*.dkr.ecr.us-east-1.amazonaws.com/*"');
  const p = only(lintText(text), 'registry-lookalike-host');
  assert.equal(p.fix, undefined);
  const example = /e\.g\. `([^`]+)`/.exec(p.message)?.[1];
  assert.ok(example !== undefined && example.startsWith('evil.example/'), p.message);
  assert.ok(validateValue(example, '*.dkr.ecr.us-east-1.amazonaws.com/*'));
});

test('look-alike lint stays quiet on tag and digest patterns', () => {
  for (const pattern of ['*:*', '!*:latest', '*@*', '*:latest | !*:*', 'public.ecr.aws/*', 'localhost:5000/*']) {
    const text = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', JSON.stringify(pattern));
    assert.deepEqual(withCode(lintText(text), 'registry-lookalike-host'), [], pattern);
  }
});

test('docker.io/... never matches Docker Hub short names; the fix adds the exact short form', () => {
  const text = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"docker.io/bitnami/*"');
  const p = only(lintText(text), 'registry-docker-hub-prefix');
  assert.equal(validateValue('bitnami/redis', 'docker.io/bitnami/*'), false);
  const fixed = applyFix(text, p);
  assert.ok(fixed.includes('- image: "docker.io/bitnami/* | bitnami/*"'));
  assert.equal(validateValue('bitnami/redis:7', 'docker.io/bitnami/* | bitnami/*'), true);
  assert.equal(validateValue('docker.io/bitnami/redis', 'docker.io/bitnami/* | bitnami/*'), true);
  // The short form never admits another registry: its first component has no dot or port.
  assert.equal(validateValue('bitnami.evil.example/redis', 'docker.io/bitnami/* | bitnami/*'), false);
  assert.deepEqual(withCode(lintText(fixed), 'registry-docker-hub-prefix'), []);
});

test('docker.io/*: warned without a fix (no wildcard short form is safe), and !docker.io/* does not block nginx', () => {
  const all = only(lintText(WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"docker.io/*"')), 'registry-docker-hub-prefix');
  assert.equal(all.fix, undefined);
  assert.match(all.message, /`nginx`/);
  const negated = only(lintText(WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"!docker.io/*"')), 'registry-docker-hub-prefix');
  assert.match(negated.message, /does not reject/);
  assert.equal(validateValue('nginx', '!docker.io/*'), true);
  const library = only(lintText(WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"docker.io/library/nginx:1.25"')), 'registry-docker-hub-prefix');
  assert.ok(library.fix);
  assert.equal(library.fix.edits[0].newText, 'docker.io/library/nginx:1.25 | library/nginx:1.25 | nginx:1.25');
});

test('an alternative already covered by another is redundant; the fix removes it and keeps the language', () => {
  const original = 'public.ecr.aws/* | public.ecr.aws/nginx/*';
  const text = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', JSON.stringify(original));
  const p = only(lintText(text), 'registry-redundant-alternative');
  assert.equal(p.severity, 'hint');
  assert.equal(spanOf(text, p), 'public.ecr.aws/nginx/*');
  const fixed = applyFix(text, p);
  assert.ok(fixed.includes('- image: "public.ecr.aws/*"\n'), fixed);
  for (const image of ['public.ecr.aws/nginx/nginx', 'public.ecr.aws/x', 'nginx', 'ghcr.io/a/b']) {
    assert.equal(validateValue(image, 'public.ecr.aws/*'), validateValue(image, original), image);
  }
  // The first alternative can be the redundant one too; duplicates keep their first copy.
  const first = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"ghcr.io/acme/app | ghcr.io/acme/*"');
  const q = only(lintText(first), 'registry-redundant-alternative');
  assert.ok(applyFix(first, q).includes('- image: "ghcr.io/acme/*"'));
  const dup = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"a.io/* | b.io/* | a.io/*"');
  const d = only(lintText(dup), 'registry-redundant-alternative');
  assert.ok(applyFix(dup, d).includes('- image: "a.io/* | b.io/*"'));
});

test('patterns that can never match: comma lists and contradictory conjunctions', () => {
  const comma = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws/*, ghcr.io/acme/*"');
  const p = withCode(lintText(comma), 'registry-never-matches');
  assert.equal(p.length, 1);
  assert.equal(validateValue('public.ecr.aws/nginx', 'public.ecr.aws/*, ghcr.io/acme/*'), false);
  const fixed = applyFix(comma, p[0]);
  assert.ok(fixed.includes('- image: "public.ecr.aws/* | ghcr.io/acme/*"'));
  assert.deepEqual(withCode(lintText(fixed), 'registry-never-matches'), []);

  const conj = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws/* & ghcr.io/*"');
  const c = only(lintText(conj), 'registry-never-matches');
  assert.match(c.message, /can never match/);
  const satisfiable = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws/* & *:1.*"');
  assert.deepEqual(withCode(lintText(satisfiable), 'registry-never-matches'), []);
});

test('registry lints also read anyPattern alternatives', () => {
  const text = WORKSHOP_POLICY.replace('        pattern:\n          spec:\n            containers:\n              - image: "public.ecr.aws/*"\n',
    '        anyPattern:\n          - spec:\n              containers:\n                - image: "public.ecr.aws*"\n');
  const problems = lintText(text);
  assert.equal(withCode(problems, 'registry-lookalike-host').length, 1);
  assert.equal(withCode(problems, 'registry-containers-only').length, 1);
});
