import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestTarget } from '../../../server/src/registryCheck/target';

const digest = `sha256:${'a'.repeat(64)}`;

test('Docker Hub spellings all become registry-1.docker.io/library/<name>', () => {
  for (const image of ['nginx', 'nginx:latest', 'library/nginx', 'docker.io/nginx', 'docker.io/library/nginx:latest', 'index.docker.io/library/nginx', 'registry-1.docker.io/library/nginx']) {
    assert.deepEqual(manifestTarget(image), { host: 'registry-1.docker.io', repository: 'library/nginx', reference: 'latest', byDigest: false, key: 'registry-1.docker.io/library/nginx:latest' }, image);
  }
});

test('Docker Hub namespaces other than library keep their path', () => {
  assert.deepEqual(manifestTarget('grafana/grafana:11.0.0'), { host: 'registry-1.docker.io', repository: 'grafana/grafana', reference: '11.0.0', byDigest: false, key: 'registry-1.docker.io/grafana/grafana:11.0.0' });
});

test('other registries keep host, port and path; a digest is the reference even with a tag', () => {
  assert.deepEqual(manifestTarget('public.ecr.aws/docker/library/nginx:1.27'), { host: 'public.ecr.aws', repository: 'docker/library/nginx', reference: '1.27', byDigest: false, key: 'public.ecr.aws/docker/library/nginx:1.27' });
  assert.deepEqual(manifestTarget(`127.0.0.1:5000/team/app:1.0@${digest}`), { host: '127.0.0.1:5000', repository: 'team/app', reference: digest, byDigest: true, key: `127.0.0.1:5000/team/app@${digest}` });
  assert.deepEqual(manifestTarget('Registry.Example.com/team/app'), { host: 'registry.example.com', repository: 'team/app', reference: 'latest', byDigest: false, key: 'registry.example.com/team/app:latest' });
});

test('an invalid reference is an error, not a target', () => {
  assert.ok('error' in manifestTarget('Nginx'));
  assert.ok('error' in manifestTarget(''));
  assert.ok('error' in manifestTarget('nginx@sha256:123'));
});
