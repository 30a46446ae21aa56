import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyStore, mightContainPolicy } from '../../../../server/src/engine/analysis';
import { repoRoot } from '../../../support/paths';

const seedPolicy = fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'restrict-image-registries.yaml'), 'utf8');

test('only files holding a policy document are kept, and each real change bumps the version', () => {
  const store = new PolicyStore();
  assert.equal(store.setFile('/ws/pod.yaml', 'apiVersion: v1\nkind: Pod\n'), false);
  assert.equal(store.version, 0);
  assert.equal(store.setFile('/ws/p.yaml', seedPolicy), true);
  assert.equal(store.version, 1);
  assert.equal(store.setFile('/ws/p.yaml', seedPolicy), true);
  assert.equal(store.version, 1, 'unchanged text is not a change');
  assert.equal(store.set.policies.length, 1);
  assert.equal(store.setFile('/ws/p.yaml', 'kind: ConfigMap\n'), false, 'a file that stops being a policy is forgotten');
  assert.equal(store.version, 2);
  assert.equal(store.set.policies.length, 0);
});

test('removing a workspace folder drops its policies at once, and only its own', () => {
  const store = new PolicyStore();
  store.setFile('/ws/a/p.yaml', seedPolicy);
  store.setFile('/ws/ab/p.yaml', seedPolicy.replace('name: restrict-image-registries', 'name: other'));
  store.removeFilesUnder('/ws/a');
  assert.deepEqual(store.policyFiles(), ['/ws/ab/p.yaml']);
  assert.deepEqual(store.set.policies.map((p) => p.name), ['other']);
});

test('the text pre-check recognises policy kinds in any quoting and ignores other kinds', () => {
  assert.equal(mightContainPolicy('kind: ClusterPolicy\n'), true);
  assert.equal(mightContainPolicy("kind: 'PolicyException' # x\n"), true);
  assert.equal(mightContainPolicy('kind: PolicyReport\n'), false);
  assert.equal(mightContainPolicy('kind: Pod\n'), false);
});

test('a broken policy file is reported and the other policies keep working', () => {
  const store = new PolicyStore();
  store.setFile('good.yaml', seedPolicy);
  store.setFile('bad.yaml', 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: bad\nspec:\n  rules: 17\n');
  assert.ok(store.errors.some((e) => e.file === 'bad.yaml'), JSON.stringify(store.errors));
  assert.ok(store.set.policies.some((p) => p.name === 'restrict-image-registries'));
});
