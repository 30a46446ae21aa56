import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { addDefaultRegistry, getImageInfo, type ImageConfig } from '../../../../server/src/engine/image';

const SHA = 'dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f';
const noMutation: ImageConfig = { defaultRegistry: 'docker.io', enableDefaultRegistryMutation: false };

function info(image: string, config?: ImageConfig): Record<string, unknown> {
  const r = getImageInfo(image, config);
  if ('error' in r) throw new Error(r.error);
  return { ...r };
}

test('the requested examples of the semantics notes (§3.4)', () => {
  assert.deepEqual(info('nginx'), { registry: 'docker.io', name: 'nginx', path: 'nginx', tag: 'latest', reference: 'docker.io/nginx:latest', referenceWithTag: 'docker.io/nginx:latest' });
  assert.deepEqual(info('nginx:1.25'), { registry: 'docker.io', name: 'nginx', path: 'nginx', tag: '1.25', reference: 'docker.io/nginx:1.25', referenceWithTag: 'docker.io/nginx:1.25' });
  assert.deepEqual(info('bitnami/redis'), { registry: 'docker.io', name: 'redis', path: 'bitnami/redis', tag: 'latest', reference: 'docker.io/bitnami/redis:latest', referenceWithTag: 'docker.io/bitnami/redis:latest' });
  assert.deepEqual(info(`ghcr.io/a/b@sha256:${SHA}`), { registry: 'ghcr.io', name: 'b', path: 'a/b', digest: `sha256:${SHA}`, reference: `ghcr.io/a/b@sha256:${SHA}`, referenceWithTag: 'ghcr.io/a/b:' });
  assert.deepEqual(info('localhost:5000/x'), { registry: 'localhost:5000', name: 'x', path: 'x', tag: 'latest', reference: 'localhost:5000/x:latest', referenceWithTag: 'localhost:5000/x:latest' });
});

test('a tag and a digest together: both kept, the reference uses the digest', () => {
  assert.deepEqual(info(`nginx:1.25@sha256:${SHA}`), {
    registry: 'docker.io', name: 'nginx', path: 'nginx', tag: '1.25', digest: `sha256:${SHA}`,
    reference: `docker.io/nginx@sha256:${SHA}`, referenceWithTag: 'docker.io/nginx:1.25',
  });
});

test('addDefaultRegistry keeps registries that look like hosts, localhost and upper-case first components', () => {
  assert.equal(addDefaultRegistry('localhost/netd:v0.4.4-gke.0'), 'localhost/netd:v0.4.4-gke.0');
  assert.equal(addDefaultRegistry('Org/app'), 'Org/app');
  assert.equal(addDefaultRegistry('org/app'), 'docker.io/org/app');
  assert.equal(addDefaultRegistry('localhostx/app'), 'docker.io/localhostx/app');
  assert.equal(addDefaultRegistry('app'), 'docker.io/app');
});

test('an upper-case first component is kept as a domain', () => {
  assert.deepEqual(info('Org/app'), { registry: 'Org', name: 'app', path: 'app', tag: 'latest', reference: 'Org/app:latest', referenceWithTag: 'Org/app:latest' });
});

test('with mutation disabled an added registry is dropped (registry omitted)', () => {
  assert.deepEqual(info('test/nginx', noMutation), { name: 'nginx', path: 'test/nginx', tag: 'latest', reference: 'test/nginx:latest', referenceWithTag: 'test/nginx:latest' });
  // A registry written in the image is kept.
  assert.equal(info('ghcr.io/x/y', noMutation).registry, 'ghcr.io');
});

test('the `_` heuristic: a registry the grammar cannot take as a domain is split off the path', () => {
  const ecr = 'aws_account_id.dkr.ecr.us-west-2.amazonaws.com/my-repository:v1';
  assert.deepEqual(info(ecr), {
    registry: 'aws_account_id.dkr.ecr.us-west-2.amazonaws.com', name: 'my-repository', path: 'my-repository', tag: 'v1',
    reference: 'aws_account_id.dkr.ecr.us-west-2.amazonaws.com/my-repository:v1',
    referenceWithTag: 'aws_account_id.dkr.ecr.us-west-2.amazonaws.com/my-repository:v1',
  });
  // With mutation off, an added default registry is dropped and the first component, if it has `_`, takes its place.
  assert.deepEqual(info('my_org/app:1', noMutation), { registry: 'my_org', name: 'app', path: 'app', tag: '1', reference: 'my_org/app:1', referenceWithTag: 'my_org/app:1' });
  // Not applied when a registry is known.
  assert.equal(info('my_org/app:1').registry, 'docker.io');
});

test('a defaultRegistry with a path', () => {
  const config: ImageConfig = { defaultRegistry: '123456789012.dkr.ecr.eu-west-3.amazonaws.com/docker', enableDefaultRegistryMutation: true };
  assert.deepEqual(info('test/nginx:v10.3', config), {
    registry: '123456789012.dkr.ecr.eu-west-3.amazonaws.com', name: 'nginx', path: 'docker/test/nginx', tag: 'v10.3',
    reference: '123456789012.dkr.ecr.eu-west-3.amazonaws.com/docker/test/nginx:v10.3',
    referenceWithTag: '123456789012.dkr.ecr.eu-west-3.amazonaws.com/docker/test/nginx:v10.3',
  });
});

test('errors carry Kyverno\'s "bad image" text', () => {
  assert.deepEqual(getImageInfo('++'), { error: 'bad image: docker.io/++, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format' });
  assert.deepEqual(getImageInfo('Nginx'), { error: 'bad image: docker.io/Nginx, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: repository name must be lowercase' });
  assert.deepEqual(getImageInfo(''), { error: 'bad image: docker.io/, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format' });
});
