import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarkupContent } from 'vscode-languageserver-protocol';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { imageAt, imageHover } from '../../../server/src/lsp/hover';
import type { FileAnalysis } from '../../../server/src/engine/analysis';
import type { RuleResult } from '../../../server/src/engine/policy/types';

const TEXT = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - image: "public.ecr.aws/docker/library/busybox:1.36"
      name: init
  containers:
    - image: nginx
      name: web
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: cfg
data:
  image: not-a-container
`;

const nginxAt = TEXT.indexOf('nginx');
const busyboxAt = TEXT.indexOf('public.ecr.aws/docker');

function result(overrides: Partial<RuleResult>): RuleResult {
  return {
    policy: 'restrict-image-registries', rule: 'validate-registries', status: 'pass', action: 'Enforce', message: '',
    resource: { apiVersion: 'v1', kind: 'Pod', namespace: '', name: 'web', documentIndex: 0, kindStart: 21, kindEnd: 24 },
    violations: [], ...overrides,
  };
}

function open(text = TEXT) {
  return new DocumentStore().didOpen('file:///ws/pod.yaml', 'yaml', 1, text);
}

function hoverText(analysis: FileAnalysis, offset: number, locate = () => undefined): string {
  const hover = imageHover(open(), offset, analysis, { locate });
  assert.ok(hover, 'a hover');
  return (hover.contents as MarkupContent).value;
}

test('imageAt finds the image scalar under the cursor (inside quotes) and nothing elsewhere', () => {
  const doc = open();
  const nginx = imageAt(doc, nginxAt + 2)!;
  assert.equal(nginx.image, 'nginx');
  assert.deepEqual([nginx.start, nginx.end], [nginxAt, nginxAt + 5]);
  const busybox = imageAt(doc, busyboxAt)!;
  assert.equal(busybox.image, 'public.ecr.aws/docker/library/busybox:1.36');
  assert.equal(TEXT.slice(busybox.start, busybox.end), busybox.image, 'range excludes the quotes');
  assert.equal(imageAt(doc, TEXT.indexOf('name: web') + 7), undefined);
  assert.equal(imageAt(doc, TEXT.indexOf('image:')), undefined, 'the key is not the image');
});

test('the hover shows how Kyverno reads the reference and every rule that applies, with its verdict', () => {
  const analysis: FileAnalysis = {
    kind: 'manifest', findings: [], notices: [],
    results: [
      result({ status: 'fail', violations: [{ path: '/spec/containers/0/image/', image: 'nginx', start: nginxAt, end: nginxAt + 5 }], ruleSource: { file: '/ws/policy.yaml', start: 10, end: 20 } }),
      result({ policy: 'require-digest', rule: 'check', action: 'Audit', status: 'fail', violations: [{ path: '/spec/initContainers/0/image/', image: 'x', start: busyboxAt, end: busyboxAt + 10 }] }),
      result({ policy: 'other-namespace', rule: 'skip-me', status: 'skip' }),
      result({ policy: 'cfg-policy', rule: 'r', resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: '', name: 'cfg', documentIndex: 1, kindStart: 0, kindEnd: 0 } }),
    ],
  };
  const text = hoverText(analysis, nginxAt + 1, () => ({ uri: 'file:///ws/policy.yaml', range: { start: { line: 16, character: 0 }, end: { line: 16, character: 4 } } }) as never);
  assert.match(text, /\*\*Image\*\* `nginx`/);
  assert.match(text, /\| Registry \| `docker\.io` \(implied\) \|/);
  assert.match(text, /\| Repository \| `nginx` \|/);
  assert.match(text, /\| Tag \| `latest` \(implied\) \|/);
  assert.match(text, /\| As Kyverno sees it \| `docker\.io\/nginx:latest` \|/);
  assert.match(text, /Kyverno rules for Pod web/);
  assert.match(text, /\[`restrict-image-registries` \/ `validate-registries`\]\(file:\/\/\/ws\/policy\.yaml#L17\): \*\*fails\*\* \(Enforce: admission would block it\)/);
  assert.match(text, /`require-digest` \/ `check`: passes for this image; fails for another image of the resource \(Audit\)/);
  assert.match(text, /`other-namespace` \/ `skip-me`: skipped/);
  assert.doesNotMatch(text, /cfg-policy/, 'rules of other resources are not listed');
});

test('the hover range is the image text', () => {
  const hover = imageHover(open(), busyboxAt + 3, { kind: 'manifest', results: [], findings: [], notices: [] }, { locate: () => undefined })!;
  assert.deepEqual(hover.range, { start: { line: 6, character: 14 }, end: { line: 6, character: 56 } });
  assert.match((hover.contents as MarkupContent).value, /No Kyverno policy rule in effect matches this resource/);
  assert.match((hover.contents as MarkupContent).value, /\| Tag \| `1\.36` \|/);
});

test('no hover outside manifests, and an invalid reference says so', () => {
  assert.equal(imageHover(open(), nginxAt, { kind: 'policy', results: [], findings: [], notices: [] }, { locate: () => undefined }), undefined);
  const bad = TEXT.replace('image: nginx', 'image: NGINX');
  const hover = imageHover(open(bad), nginxAt, { kind: 'manifest', results: [], findings: [], notices: [] }, { locate: () => undefined })!;
  assert.match((hover.contents as MarkupContent).value, /Not a valid image reference: repository name must be lowercase/);
});
