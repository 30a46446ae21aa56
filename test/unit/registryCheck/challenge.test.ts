import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from '../../../server/src/registryCheck/challenge';

test('a Bearer challenge as public.ecr.aws and Docker Hub send it', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"'), [
    { scheme: 'bearer', params: { realm: 'https://public.ecr.aws/token/', service: 'public.ecr.aws', scope: 'aws' } },
  ]);
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
  ]);
});

test('several challenges in one header, unquoted values, spaces around = and escaped quotes', () => {
  assert.deepEqual(parseChallenges('Basic realm="a \\"b\\"", Bearer realm = https://x/t , service=s,error="insufficient_scope"'), [
    { scheme: 'basic', params: { realm: 'a "b"' } },
    { scheme: 'bearer', params: { realm: 'https://x/t', service: 's', error: 'insufficient_scope' } },
  ]);
});

test('malformed headers give what can be read and always terminate', () => {
  assert.deepEqual(parseChallenges(''), []);
  assert.deepEqual(parseChallenges('=,"="'), []);
  assert.deepEqual(parseChallenges('Bearer realm="unterminated'), [{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
  assert.deepEqual(parseChallenges('Basic dXNlcjpwYXNz=='), [{ scheme: 'basic', params: { dxnlcjpwyxnz: '=' } }]);
  const long = 'Bearer '.concat('a=",'.repeat(20_000));
  assert.equal(parseChallenges(long).length, 1);
});
