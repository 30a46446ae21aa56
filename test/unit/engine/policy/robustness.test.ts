import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { PolicySet, evaluateParsedDocument } from '../../../../server/src/engine/policy';
import { kyvernoDataDir } from '../../../support/paths';

const library = path.join(kyvernoDataDir, 'policies-library');
const policyFiles = [
  'best-practices/restrict-image-registries/restrict-image-registries.yaml',
  'best-practices/disallow-latest-tag/disallow-latest-tag.yaml',
  'other/allowed-image-repos/allowed-image-repos.yaml',
  'other/imagepullpolicy-always/imagepullpolicy-always.yaml',
  'other/require-imagepullsecrets/require-imagepullsecrets.yaml',
  'other/restrict-deprecated-registry/restrict-deprecated-registry.yaml',
  'other/check-ingress-nginx-controller-version-and-annotation-policy/check-ingress-nginx-controller-version-and-annotation-policy.yaml',
];
const set = PolicySet.fromDocuments(policyFiles.map((f) => ({ file: f, yaml: parseYamlFile(fs.readFileSync(path.join(library, f), 'utf8')) })));

test('the library policies used here load without errors', () => {
  assert.deepEqual(set.errors, []);
  assert.equal(set.policies.length, policyFiles.length);
});

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('nginx', 'nginx:latest', 'ghcr.io/x@sha256:0', ''));
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('any'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('image', 'name', 'containers', 'spec', 'template', 'x'), tie('any'), { maxKeys: 3 })),
})).any;
const container = fc.record({ name: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), image: fc.oneof(scalar, value) }, { requiredKeys: [] });
const podSpec = fc.record({
  containers: fc.oneof(fc.array(fc.oneof(container, value), { maxLength: 3 }), value),
  initContainers: fc.oneof(fc.array(container, { maxLength: 2 }), value),
  imagePullSecrets: fc.oneof(fc.array(fc.record({ name: scalar }), { maxLength: 2 }), value),
}, { requiredKeys: [] });
const resource = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'x/y/z'),
  kind: fc.constantFrom('Pod', 'Deployment', 'CronJob', 'StatefulSet', 'Ingress', 'Service'),
  metadata: fc.oneof(fc.record({ name: scalar, namespace: scalar, labels: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }), annotations: value }, { requiredKeys: [] }), value),
  spec: fc.oneof(podSpec, fc.record({ template: fc.record({ spec: podSpec }, { requiredKeys: [] }), jobTemplate: fc.record({ spec: fc.record({ template: fc.record({ spec: podSpec }) }) }) }, { requiredKeys: [] }), value),
}, { requiredKeys: ['kind'] });

test('any resource shape: no exception, well-formed results, offsets inside the document', () => {
  fc.assert(fc.property(resource, (object) => {
    const text = JSON.stringify(object, null, 1);
    const doc = parseYamlFile(text).documents[0].parsed;
    const results = evaluateParsedDocument(set, doc);
    for (const r of results) {
      assert.ok(['pass', 'fail', 'skip', 'error'].includes(r.status));
      assert.ok(r.action === 'Enforce' || r.action === 'Audit');
      assert.equal(typeof r.message, 'string');
      if (r.status === 'fail' || r.status === 'error') assert.ok(r.violations.length > 0, `${r.rule} ${r.status} without a violation`);
      for (const v of r.violations) assert.ok(v.start >= 0 && v.start <= v.end && v.end <= text.length, JSON.stringify(v));
      assert.ok(!r.message.startsWith('internal error'), r.message);
    }
  }), { numRuns: 300 });
});
