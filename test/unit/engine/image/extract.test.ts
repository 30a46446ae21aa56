import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildImagesVariable, extractImages } from '../../../../server/src/engine/image';

const SHA_F = 'f'.repeat(64);

test('Pod: one group per container list that has images, keyed by container name', () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'myapp' },
    spec: {
      initContainers: [{ name: 'init', image: 'index.docker.io/busybox:v1.2.3' }],
      containers: [{ name: 'nginx', image: 'nginx:latest' }],
      ephemeralContainers: [{ name: 'ephemeral', image: 'test/nginx:latest' }],
    },
  };
  assert.deepEqual(buildImagesVariable(pod), {
    initContainers: { init: { registry: 'index.docker.io', name: 'busybox', path: 'busybox', tag: 'v1.2.3', reference: 'index.docker.io/busybox:v1.2.3', referenceWithTag: 'index.docker.io/busybox:v1.2.3', jsonPointer: '/spec/initContainers/0/image' } },
    containers: { nginx: { registry: 'docker.io', name: 'nginx', path: 'nginx', tag: 'latest', reference: 'docker.io/nginx:latest', referenceWithTag: 'docker.io/nginx:latest', jsonPointer: '/spec/containers/0/image' } },
    ephemeralContainers: { ephemeral: { registry: 'docker.io', name: 'nginx', path: 'test/nginx', tag: 'latest', reference: 'docker.io/test/nginx:latest', referenceWithTag: 'docker.io/test/nginx:latest', jsonPointer: '/spec/ephemeralContainers/0/image' } },
  });
});

test('Deployment and CronJob use their pod template paths in jsonPointer', () => {
  const deployment = {
    kind: 'Deployment',
    spec: { template: { spec: {
      initContainers: [{ name: 'init', image: `fictional.registry.example:10443/imagename:tag@sha256:${SHA_F}` }],
      containers: [{ name: 'a', image: 'busybox' }, { name: 'myapp', image: 'fictional.registry.example:10443/imagename' }],
    } } },
  };
  const images = buildImagesVariable(deployment);
  assert.deepEqual(Object.keys(images), ['initContainers', 'containers']);
  assert.deepEqual(images.containers.myapp, {
    registry: 'fictional.registry.example:10443', name: 'imagename', path: 'imagename', tag: 'latest',
    reference: 'fictional.registry.example:10443/imagename:latest', referenceWithTag: 'fictional.registry.example:10443/imagename:latest',
    jsonPointer: '/spec/template/spec/containers/1/image',
  });
  assert.equal((images.initContainers.init as { digest: string }).digest, `sha256:${SHA_F}`);
  const cronJob = { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'test.example.com/test/my-app:v2' }] } } } } } };
  assert.deepEqual(buildImagesVariable(cronJob), {
    containers: { hello: { registry: 'test.example.com', name: 'my-app', path: 'test/my-app', tag: 'v2', reference: 'test.example.com/test/my-app:v2', referenceWithTag: 'test.example.com/test/my-app:v2', jsonPointer: '/spec/jobTemplate/spec/template/spec/containers/0/image' } },
  });
  for (const kind of ['DaemonSet', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'Job']) {
    assert.deepEqual(Object.keys(buildImagesVariable({ kind, spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } })), ['containers'], kind);
  }
});

test('empty and missing images are skipped; no images means an empty variable', () => {
  const pod = { kind: 'Pod', spec: { containers: [{ name: 'a', image: '' }, { name: 'b', image: '   ' }, { name: 'c' }, { name: 'd', image: 7 }], initContainers: [] } };
  assert.deepEqual(buildImagesVariable(pod), {});
  assert.deepEqual(buildImagesVariable({ kind: 'Pod', spec: {} }), {});
  assert.deepEqual(buildImagesVariable({ kind: 'Pod' }), {});
});

test('kinds without a built-in extractor and non-objects give nothing', () => {
  assert.deepEqual(buildImagesVariable({ kind: 'ConfigMap', spec: { containers: [{ name: 'a', image: 'x' }] } }), {});
  assert.deepEqual(buildImagesVariable({ kind: 'pod', spec: { containers: [{ name: 'a', image: 'x' }] } }), {});
  assert.deepEqual(buildImagesVariable(null), {});
  assert.deepEqual(buildImagesVariable('Pod'), {});
});

test('duplicate container names: the later container wins', () => {
  const pod = { kind: 'Pod', spec: { containers: [{ name: 'a', image: 'one' }, { name: 'a', image: 'two' }] } };
  const a = buildImagesVariable(pod).containers.a as { name: string; jsonPointer: string };
  assert.equal(a.name, 'two');
  assert.equal(a.jsonPointer, '/spec/containers/1/image');
});

test('extraction errors are Kyverno\'s and fail the whole variable', () => {
  assert.deepEqual(extractImages({ kind: 'Pod', spec: { containers: [{ name: 'a', image: 'ok' }, { name: 'b', image: 'Bad' }] } }), {
    error: "invalid image 'Bad' (bad image: docker.io/Bad, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: repository name must be lowercase)",
  });
  assert.deepEqual(buildImagesVariable({ kind: 'Pod', spec: { containers: [{ name: 'b', image: 'Bad' }] } }), {});
  assert.deepEqual(extractImages({ kind: 'Pod', spec: { containers: [{ image: 'nginx' }] } }), { error: 'invalid key' });
  assert.deepEqual(extractImages({ kind: 'Pod', spec: { containers: 'nginx' } }), { error: 'invalid type' });
  assert.deepEqual(extractImages({ kind: 'Pod', spec: { containers: ['nginx'] } }), { error: 'invalid image config' });
  assert.deepEqual(extractImages({ kind: 'Pod', spec: 'x' }), { error: 'invalid image config' });
});

test('a map in place of a container list is walked by key', () => {
  const pod = { kind: 'Pod', spec: { containers: { first: { name: 'a', image: 'nginx' } } } };
  assert.equal((buildImagesVariable(pod).containers.a as { jsonPointer: string }).jsonPointer, '/spec/containers/first/image');
});

test('the default-registry configuration is honoured', () => {
  const pod = { kind: 'Pod', spec: { containers: [{ name: 'a', image: 'nginx' }] } };
  assert.deepEqual(buildImagesVariable(pod, { defaultRegistry: 'gcr.io', enableDefaultRegistryMutation: false }).containers.a, {
    name: 'nginx', path: 'nginx', tag: 'latest', reference: 'nginx:latest', referenceWithTag: 'nginx:latest', jsonPointer: '/spec/containers/0/image',
  });
});
