// Kyverno's CEL image library parses with go-containerregistry `name.ParseReference` (weak validation).
// The name lists and component expectations below are the facts of go-containerregistry's own tests
// (pkg/name/{tag,digest,repository,registry}_test.go), restated; the method semantics are those of
// kyverno/sdk extensions/cel/libs/image/impl.go.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  imageContainsDigest, imageDigest, imageIdentifier, imageRegistry, imageRepository, imageTag, parseContainerImageReference,
  type ContainerImageReference,
} from '../../../../server/src/engine/cel/imageReference';
import { getImageInfo } from '../../../../server/src/engine/image';

const validDigest = 'sha256:deadb33fdeadb33fdeadb33fdeadb33fdeadb33fdeadb33fdeadb33fdeadb33f';

function parse(s: string): ContainerImageReference {
  const r = parseContainerImageReference(s);
  if ('error' in r) throw new Error(`${s}: ${r.error}`);
  return r.ref;
}

function parts(s: string): Record<string, unknown> {
  const r = parse(s);
  return {
    kind: r.kind, registry: imageRegistry(r), repository: imageRepository(r), tag: imageTag(r), digest: imageDigest(r),
    identifier: imageIdentifier(r), containsDigest: imageContainsDigest(r),
  };
}

test('tag names go-containerregistry accepts parse as tag references', () => {
  const names = [
    'gcr.io/g-convoy/hello-world:latest', 'gcr.io/google.com/g-convoy/hello-world:latest', 'gcr.io/project-id/with-nums:v2',
    'us.gcr.io/project-id/image:with.period.in.tag', 'gcr.io/project-id/image:w1th-alpha_num3ric.PLUScaps', 'domain.with.port:9001/image:latest',
    'namespace/pathcomponent/image', 'library/ubuntu', 'gcr.io/project-id/implicit-latest', 'www.example.test:12345/repo/path',
  ];
  for (const n of names) assert.equal(parse(n).kind, 'tag', n);
});

test('digest names, with or without a tag, parse as digest references', () => {
  const names = [
    `gcr.io/g-convoy/hello-world@${validDigest}`, `gcr.io/google.com/project-id/hello-world@${validDigest}`, `us.gcr.io/project-id/sub-repo@${validDigest}`,
    `example.text/foo/bar@${validDigest}`, `namespace/pathcomponent/image@${validDigest}`, `library/ubuntu@${validDigest}`,
    `example.text/foo/bar:latest@${validDigest}`, `example.text:8443/foo/bar:latest@${validDigest}`, `example.text/foo/bar:v1.0.0-alpine@${validDigest}`,
    `nginx:latest@${validDigest}`, `library/nginx:latest@${validDigest}`,
  ];
  for (const n of names) assert.equal(parse(n).kind, 'digest', n);
});

test('names go-containerregistry rejects are not images', () => {
  const bad = [
    "gcr.io/project-id/bad_chars:c@n'tuse",
    'gcr.io/project-id/wrong-length:white space',
    'gcr.io/project-id/too-many-chars:thisisthetagthatneverendsitgoesonandonmyfriendsomepeoplestartedtaggingitnotknowingwhatitwasandtheyllcontinuetaggingitforeverjustbecausethisisthetagthatneverends',
    'gcr.io/project-id/unknown-alg@unknown:abc123',
    'gcr.io/project-id/wrong-length@sha256:d34db33fd34db33f',
    'gcr.io/project-id/missing-digest@',
    'white space', 'b@char/image', '',
    'Nginx', // repositories are lower case
    'ex ample.com/foo', // a registry must be an RFC 3986 authority
    'example.com:port/foo',
    'https://example.com/foo', // no URL scheme
  ];
  for (const b of bad) assert.ok('error' in parseContainerImageReference(b), JSON.stringify(b));
  assert.deepEqual(parseContainerImageReference('white space'), { error: 'could not parse reference: white space' });
});

test('components of tag and digest references (TestTagComponents, TestDigestComponents, TestAllDefaults)', () => {
  assert.deepEqual(parts('gcr.io/project-id/image:latest'), {
    kind: 'tag', registry: 'gcr.io', repository: 'project-id/image', tag: 'latest', digest: '', identifier: 'latest', containsDigest: false,
  });
  assert.deepEqual(parts(`gcr.io/project-id/image@${validDigest}`), {
    kind: 'digest', registry: 'gcr.io', repository: 'project-id/image', tag: '', digest: validDigest, identifier: validDigest, containsDigest: true,
  });
  assert.deepEqual(parts('ubuntu'), {
    kind: 'tag', registry: 'index.docker.io', repository: 'library/ubuntu', tag: 'latest', digest: '', identifier: 'latest', containsDigest: false,
  });
});

test('Docker Hub: docker.io and no registry are index.docker.io; single names get library/', () => {
  assert.equal(imageRegistry(parse('docker.io/nginx:1.25')), 'index.docker.io');
  assert.equal(imageRepository(parse('docker.io/nginx:1.25')), 'library/nginx');
  assert.equal(imageRepository(parse('bitnami/redis')), 'bitnami/redis');
  assert.equal(imageRepository(parse('index.docker.io/library/ubuntu')), 'library/ubuntu');
  // Only another registry keeps a single-component name as is.
  assert.equal(imageRepository(parse('ghcr.io/nginx')), 'nginx');
});

test('the first component is a registry only with "." or ":" — bare localhost is a Docker Hub repository', () => {
  assert.deepEqual([imageRegistry(parse('localhost/x')), imageRepository(parse('localhost/x'))], ['index.docker.io', 'localhost/x']);
  assert.deepEqual([imageRegistry(parse('localhost:5000/xy')), imageRepository(parse('localhost:5000/xy'))], ['localhost:5000', 'xy']);
  assert.deepEqual([imageRegistry(parse('public.ecr.aws/nginx/nginx')), imageRepository(parse('public.ecr.aws/nginx/nginx'))], ['public.ecr.aws', 'nginx/nginx']);
  assert.equal(imageRegistry(parse('gcr.io:9001/foo')), 'gcr.io:9001');
});

test('tags: default latest, a port is not a tag, an empty tag means latest', () => {
  assert.equal(imageTag(parse('localhost:5000/xy')), 'latest');
  assert.equal(imageTag(parse('localhost:5000/xy:v1')), 'v1');
  assert.equal(imageTag(parse('nginx:')), 'latest');
});

test('name:tag@digest: a digest reference whose identifier keeps the tag (sdk impl.go)', () => {
  assert.deepEqual(parts(`nginx:1.25@${validDigest}`), {
    kind: 'digest', registry: 'index.docker.io', repository: 'library/nginx', tag: '1.25', digest: validDigest,
    identifier: `1.25@${validDigest}`, containsDigest: true,
  });
  // A registry port before the digest is not a tag.
  assert.equal(imageTag(parse(`registry.example:5000/repo@${validDigest}`)), '');
});

test('a repository has at least two characters (checkElement("repository", ..., 2, 255) in repository.go)', () => {
  // A later go-containerregistry test table lists single-character names ("a", "example.com/a") as valid;
  // the implementation read here still requires two, and that is what this follows.
  assert.ok('error' in parseContainerImageReference('ghcr.io/a'));
  assert.equal(imageRepository(parse('ghcr.io/ab')), 'ab');
  // On Docker Hub the length is checked before `library/` is added.
  assert.ok('error' in parseContainerImageReference('a'));
});

test('the CEL library differs from the `images` variable (distribution/reference, engine/image)', () => {
  const info = getImageInfo('nginx');
  assert.ok(!('error' in info));
  assert.equal(info.registry, 'docker.io');
  assert.equal(info.path, 'nginx');
  assert.equal(imageRegistry(parse('nginx')), 'index.docker.io');
  assert.equal(imageRepository(parse('nginx')), 'library/nginx');
  const local = getImageInfo('localhost/netd:v0.4.4-gke.0');
  assert.ok(!('error' in local));
  assert.equal(local.registry, 'localhost');
  assert.equal(imageRegistry(parse('localhost/netd:v0.4.4-gke.0')), 'index.docker.io');
});
