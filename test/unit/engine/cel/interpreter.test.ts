// The CEL language as policies use it: macros, optional types, Kubernetes string and list functions,
// RE2 `matches`, has(), the image library, error positions, and compile-once caching.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compileCel, evaluateCel, type CelProgram } from '../../../../server/src/engine/cel/interpreter';
import { OfflineDataError, ImageDataLibrary } from '../../../../server/src/engine/cel/library';
import { toCel } from '../../../../server/src/engine/cel/values';

const pod = toCel({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' } },
  spec: {
    replicas: 3,
    containers: [{ name: 'a', image: 'nginx:1.25' }, { name: 'b', image: 'ghcr.io/org/b:latest' }],
    initContainers: [{ name: 'i', image: 'busybox' }],
  },
});

function program(expr: string): CelProgram {
  const c = compileCel(expr);
  if ('error' in c) throw new Error(`${expr}: ${c.error.message}`);
  return c.program;
}

function run(expr: string, extra: Record<string, unknown> = {}): unknown {
  const r = evaluateCel(program(expr), { object: pod, image: new ImageDataLibrary(), ...extra });
  if ('error' in r) throw new Error(`${expr}: ${r.error}`);
  return r.value;
}

function runError(expr: string, extra: Record<string, unknown> = {}): string {
  const r = evaluateCel(program(expr), { object: pod, image: new ImageDataLibrary(), ...extra });
  assert.ok('error' in r, `${expr} should fail`);
  return r.error;
}

test('macros: all, exists, exists_one, map, filter', () => {
  assert.equal(run("object.spec.containers.all(c, c.image.contains(':'))"), true);
  assert.equal(run("object.spec.containers.all(c, c.image.startsWith('ghcr.io/'))"), false);
  assert.equal(run("object.spec.containers.exists(c, c.image.startsWith('ghcr.io/'))"), true);
  assert.equal(run("object.spec.containers.exists_one(c, c.name == 'a')"), true);
  assert.equal(run('object.spec.containers.exists_one(c, true)'), false);
  assert.deepEqual(run('object.spec.containers.map(c, c.name)'), ['a', 'b']);
  assert.deepEqual(run("object.spec.containers.filter(c, c.name != 'a').map(c, c.image)"), ['ghcr.io/org/b:latest']);
});

test('optional types: .?, [?], orValue, hasValue, optional.of/none', () => {
  assert.equal(run('(object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([])).size()'), 3n);
  assert.equal(run('object.spec.?ephemeralContainers.hasValue()'), false);
  assert.equal(run("object.metadata.?labels[?'app'].orValue('none')"), 'web');
  assert.equal(run("object.metadata.?annotations[?'x'].orValue('none')"), 'none');
  assert.equal(run('optional.of(1).orValue(2)'), 1n);
  assert.equal(run('optional.none().hasValue()'), false);
});

test('string functions of the Kubernetes CEL environment', () => {
  assert.equal(run("'registry.k8s.io/pause'.startsWith('registry.k8s.io/')"), true);
  assert.equal(run("'nginx:latest'.endsWith(':latest')"), true);
  assert.deepEqual(run("'a, b,c'.split(',')"), ['a', ' b', 'c']);
  assert.equal(run("'ECR.AWS'.lowerAscii()"), 'ecr.aws');
  assert.equal(run("'docker.io/library/nginx'.replace('docker.io/', 'public.ecr.aws/docker/')"), 'public.ecr.aws/docker/library/nginx');
  assert.equal(run("'aaa'.replace('a', 'b', 2)"), 'bba');
  assert.equal(run("'nginx:1.25'.substring(6)"), '1.25');
  assert.equal(run("'nginx:1.25'.indexOf(':')"), 5n);
  assert.equal(run("['a', 'b'].join('/')"), 'a/b');
  assert.equal(run("'  x '.trim()"), 'x');
  assert.equal(run("'abc'.charAt(1)"), 'b');
});

test('lists: size, in, and the Kubernetes list library', () => {
  assert.equal(run('size(object.spec.containers)'), 2n);
  assert.equal(run("'a' in object.spec.containers.map(c, c.name)"), true);
  assert.equal(run('[3, 1, 2].sum()'), 6n);
  assert.equal(run('[3, 1, 2].min()'), 1n);
  assert.equal(run('[3, 1, 2].max()'), 3n);
  assert.equal(run("['x', 'y'].indexOf('y')"), 1n);
  assert.equal(run('[1, 2, 2].isSorted()'), true);
});

test('YAML integers are CEL ints', () => {
  assert.equal(run('object.spec.replicas + 1'), 4n);
  assert.equal(run('object.spec.replicas == 3'), true);
});

test('has() on identifier paths and on any expression (cel-go accepts both)', () => {
  assert.equal(run('has(object.spec.initContainers)'), true);
  assert.equal(run('has(object.spec.ephemeralContainers)'), false);
  assert.equal(run('has(object.spec.containers[0].image)'), true);
  assert.equal(run('has(object.spec.containers[1].imagePullPolicy)'), false);
  assert.equal(run('object.spec.containers.all(c, has(c.image))'), true);
  assert.equal(run('has({"a": {"b": 1}}.a.b) && !has({"a": {"c": has(object.spec.x[0].y)}}.a.b)', { object: { spec: { x: [{ y: 1 }] } } }), true);
});

test('matches is RE2: unanchored search, no backreferences or lookaround, linear time', () => {
  assert.equal(run("'registry.k8s.io/pause:3.9'.matches('^registry\\\\.k8s\\\\.io/')"), true);
  assert.equal(run("'nginx'.matches('ngi')"), true);
  assert.equal(run("matches('nginx', '^x')"), false);
  assert.match(runError("'aa'.matches('(a)\\\\1')"), /error parsing regexp/);
  assert.match(runError("'ab'.matches('a(?=b)')"), /error parsing regexp/);
  // Catastrophic for a backtracking engine; RE2 answers directly.
  const long = `${'a'.repeat(5000)}!`;
  assert.equal(run("s.matches('^(a+)+$')", { s: long }), false);
  assert.ok(!program("'x'.matches('y')").text.includes('matches('), 'the call was renamed to the RE2 implementation');
  const typeError = compileCel("'x'.matches(1)");
  assert.ok('error' in typeError);
  assert.equal(typeError.error.message, "found no matching overload for 'string.matches(int)'", 'error texts never show the internal name');
});

test('the image library in CEL', () => {
  assert.equal(run("image('nginx').registry()"), 'index.docker.io');
  assert.equal(run("image('nginx').repository()"), 'library/nginx');
  assert.equal(run("image('ghcr.io/org/b:1.0').tag()"), '1.0');
  assert.equal(run("image('nginx').identifier()"), 'latest');
  assert.equal(run(`image('nginx@sha256:${'a'.repeat(64)}').containsDigest()`), true);
  assert.equal(run(`image('nginx@sha256:${'a'.repeat(64)}').digest()`), `sha256:${'a'.repeat(64)}`);
  assert.equal(run("isImage('nginx') && !isImage('white space')"), true);
  assert.equal(run("parseImageReference('localhost/x').registry()"), 'index.docker.io');
  assert.equal(run("object.spec.containers.all(c, image(c.image).registry() != 'docker.io')"), true);
  assert.match(runError("image('Not Valid').registry()"), /could not parse reference: Not Valid/);
});

test('compile errors carry the offset in the expression', () => {
  const cases: [string, number][] = [
    ['1 +', 3],
    ["object.spec.containers.all(c, c.image.startsWith('x') &&)", 56],
    ["has(f(x).y) && 'a'.matches('b') && 1 +", 38],
    ['[1, 2', 5],
  ];
  for (const [expr, offset] of cases) {
    const c = compileCel(expr);
    assert.ok('error' in c, expr);
    assert.equal(c.error.offset, offset, expr);
  }
  // Type errors are compile errors too.
  assert.ok('error' in compileCel("'x' + 1"));
});

test('runtime errors are data, with cel-go wording where it differs only in form', () => {
  assert.equal(runError('object.spec.nope'), 'no such key: nope');
  assert.match(runError('object.spec.containers.all(c, c.image.startsWith(1))'), /no matching overload/);
});

test('functions of Kyverno libraries not implemented here fail at run time, not at load', () => {
  const c = compileCel('time.now() > timestamp("2020-01-01T00:00:00Z")');
  assert.ok('program' in c, 'not a compile error: Kyverno has it');
  assert.ok('error' in evaluateCel(c.program, {}));
});

test('data only a registry or cluster has is reported as such', () => {
  const r = evaluateCel(program("image.GetMetadata('nginx').config"), { image: new ImageDataLibrary() });
  assert.ok('error' in r && r.offline === true && r.cause instanceof OfflineDataError);
  assert.match(('error' in r && r.error) || '', /image.GetMetadata\("nginx"\) reads the image from its registry, which is not available offline/);
});

test('each expression is compiled once', () => {
  const a = compileCel("object.spec.containers.all(c, c.image.startsWith('x/'))");
  const b = compileCel("object.spec.containers.all(c, c.image.startsWith('x/'))");
  assert.ok('program' in a && 'program' in b);
  assert.equal(a.program, b.program);
});
