import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseImageReference, referenceErrors } from '../../../../server/src/engine/image';

const SHA = 'dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f';

function parsed(raw: string): { domain: string; path: string; tag?: string; digest?: string } {
  const r = parseImageReference(raw);
  if ('error' in r) throw new Error(`unexpected error for ${raw.slice(0, 80)}: ${r.error}`);
  const { domain, path, tag, digest } = r;
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

function errorOf(raw: string): string {
  const r = parseImageReference(raw);
  assert.ok('error' in r, `expected an error for ${JSON.stringify(raw)}, got ${JSON.stringify(r)}`);
  return r.error;
}

test('reference.Parse (not ParseNormalizedNamed): no docker.io, no library/, any host-shaped first component is the domain', () => {
  assert.deepEqual(parsed('nginx'), { domain: '', path: 'nginx' });
  // This is why Kyverno prefixes the default registry before parsing.
  assert.deepEqual(parsed('bitnami/redis:7'), { domain: 'bitnami', path: 'redis', tag: '7' });
  assert.deepEqual(parsed('a/b/c'), { domain: 'a', path: 'b/c' });
});

test('the first component is the domain when it is a valid host, with or without a port', () => {
  assert.deepEqual(parsed('docker.io/library/nginx:1.25'), { domain: 'docker.io', path: 'library/nginx', tag: '1.25' });
  assert.deepEqual(parsed('localhost:5000/x'), { domain: 'localhost:5000', path: 'x' });
  assert.deepEqual(parsed('[::1]:5000/app:v1'), { domain: '[::1]:5000', path: 'app', tag: 'v1' });
  // A domain may contain upper case (only the path must be lower case).
  assert.deepEqual(parsed('Registry.Example.com/app'), { domain: 'Registry.Example.com', path: 'app' });
  // A single component is never a domain: `localhost:5000` is the name `localhost` with tag `5000`.
  assert.deepEqual(parsed('localhost:5000'), { domain: '', path: 'localhost', tag: '5000' });
});

test('a first component that is not a valid host becomes part of the path', () => {
  assert.deepEqual(parsed('aws_account_id.dkr.ecr.us-west-2.amazonaws.com/my-repository:v1'), {
    domain: '',
    path: 'aws_account_id.dkr.ecr.us-west-2.amazonaws.com/my-repository',
    tag: 'v1',
  });
});

test('tags and digests', () => {
  assert.deepEqual(parsed(`ghcr.io/a/b@sha256:${SHA}`), { domain: 'ghcr.io', path: 'a/b', digest: `sha256:${SHA}` });
  assert.deepEqual(parsed(`ghcr.io/a/b:1.0@sha256:${SHA}`), { domain: 'ghcr.io', path: 'a/b', tag: '1.0', digest: `sha256:${SHA}` });
  assert.deepEqual(parsed('a:_Under.score-1'), { domain: '', path: 'a', tag: '_Under.score-1' });
  assert.deepEqual(parsed(`a:${'x'.repeat(128)}`).tag, 'x'.repeat(128));
});

test('path component separators: ".", "_", "__" and runs of "-"', () => {
  for (const ok of ['a.b', 'a_b', 'a__b', 'a---b', 'a1.b2_c3__d4-e5']) assert.equal(parsed(ok).path, ok, ok);
  for (const bad of ['a..b', 'a___b', 'a-', '-a', 'a.', '_a', 'a/-b', 'a//b', 'a/']) {
    assert.equal(errorOf(bad), referenceErrors.invalidFormat, bad);
  }
});

test('error kinds follow distribution/reference and go-digest', () => {
  assert.equal(errorOf(''), referenceErrors.nameEmpty);
  assert.equal(errorOf('Nginx'), referenceErrors.uppercase);
  assert.equal(errorOf('docker.io/Library/nginx'), referenceErrors.uppercase);
  assert.equal(errorOf('++'), referenceErrors.invalidFormat);
  assert.equal(errorOf('nginx:'), referenceErrors.invalidFormat);
  assert.equal(errorOf(`a:${'x'.repeat(129)}`), referenceErrors.invalidFormat);
  assert.equal(errorOf('a:-tag'), referenceErrors.invalidFormat);
  assert.equal(errorOf(`${'a'.repeat(256)}`), referenceErrors.nameTooLong);
  assert.equal(errorOf(`nginx@sha256:${'a'.repeat(32)}`), referenceErrors.digestLength);
  assert.equal(errorOf(`nginx@sha256:${SHA.toUpperCase()}`), referenceErrors.digestFormat);
  assert.equal(errorOf(`nginx@md5:${'a'.repeat(32)}`), referenceErrors.digestUnsupported);
  assert.equal(errorOf(`nginx@SHA256:${SHA}`), referenceErrors.digestFormat);
  assert.equal(errorOf(`nginx@sha256:${'a'.repeat(31)}`), referenceErrors.invalidFormat);
  assert.equal(errorOf('nginx@'), referenceErrors.invalidFormat);
  assert.equal(errorOf('foo:bar/x'), referenceErrors.invalidFormat);
});

test('the name limit counts the domain too', () => {
  const name = `r.io/${'a'.repeat(250)}`;
  assert.equal(parsed(name).path.length, 250);
  assert.equal(errorOf(`r.io/${'a'.repeat(251)}`), referenceErrors.nameTooLong);
});

test('10,000-character inputs are answered (the scan is linear)', () => {
  assert.equal(errorOf('a'.repeat(10_000)), referenceErrors.nameTooLong);
  assert.equal(errorOf(`${'a-'.repeat(5_000)}`), referenceErrors.invalidFormat);
  assert.equal(errorOf(`${'a/'.repeat(5_000)}`), referenceErrors.invalidFormat);
  assert.equal(errorOf(`a@sha256:${'f'.repeat(10_000)}`), referenceErrors.digestLength);
  assert.equal(errorOf(`x:${'_'.repeat(10_000)}`), referenceErrors.invalidFormat);
  assert.equal(errorOf(`${'A'.repeat(10_000)}`), referenceErrors.uppercase);
  assert.equal(errorOf(`[${':'.repeat(10_000)}]/a`), referenceErrors.nameTooLong);
  assert.equal(parsed(`[${':'.repeat(200)}]/a`).domain.length, 202);
  assert.equal(errorOf(`[${':'.repeat(10_000)}/a`), referenceErrors.invalidFormat);
});

test('never throws, and a parsed reference re-assembles to its input', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (raw) => {
      const r = parseImageReference(raw);
      if ('error' in r) return typeof r.error === 'string';
      const rebuilt = `${r.domain ? `${r.domain}/` : ''}${r.path}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
      return rebuilt === raw;
    }),
    { numRuns: 2000 },
  );
  const alphabet = fc.constantFrom('a', 'b', '0', '.', '_', '-', '/', ':', '@', 'A', '[', ']');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join('')), (raw) => {
      const r = parseImageReference(raw);
      if ('error' in r) return true;
      const rebuilt = `${r.domain ? `${r.domain}/` : ''}${r.path}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
      return rebuilt === raw;
    }),
    { numRuns: 3000 },
  );
});
