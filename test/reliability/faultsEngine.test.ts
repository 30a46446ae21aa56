/**
 * Faults inside the engine, injected in a worker with injectFault.cjs (searching a value that starts with the marker
 * throws, as a bug would): a policy whose compilation throws is left out with a load error, a policy whose
 * evaluation throws gives an error result for its own rule, and in both cases every other policy still judges.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runBounded } from './support/bounded';
import { SEED_POLICY } from './support/engine';
import { pod } from './support/hostileInputs';

const MARKER = 'FAULT-MARKER-7f3a91';
const SEED_RESULT = { policy: 'restrict-image-registries', rule: 'validate-registries', status: 'fail', message: 'validation error: Unknown Image registry. rule validate-registries failed at path /spec/containers/0/image/' };

function variant(name: string, autogen: boolean): string {
  const renamed = SEED_POLICY.replace('name: restrict-image-registries', `name: ${name}`);
  return autogen ? renamed : renamed.replace('  annotations:\n', '  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none\n');
}

async function analyzeWith(faulty: string) {
  return runBounded('analyze', {
    text: pod('web', 'nginx'),
    policies: [{ file: 'seed.yaml', text: SEED_POLICY }, { file: 'faulty.yaml', text: faulty }],
    faultMarker: MARKER,
  }, { maxHeapMb: 256 });
}

test('a policy whose compilation throws is left out with a load error naming it; the other policies load and judge', async () => {
  // Found by this tier: PolicySet.fromDocuments let the exception through, so one bad policy took every policy
  // (and every document's diagnostics) down with it.
  for (const autogen of [true, false]) {
    const s = await analyzeWith(variant('faulty', autogen).replace('message: "Unknown Image registry."', `message: "${MARKER} {{ request.object.metadata.name }}"`));
    assert.equal(s.policies, 1, `autogen ${autogen}`);
    assert.deepEqual(s.policyErrors, [`faulty.yaml@0: ClusterPolicy faulty not loaded: internal error while compiling it: injected fault: indexOf on a value starting with ${MARKER}`]);
    assert.deepEqual(s.results, [SEED_RESULT]);
  }
});

test('a policy whose evaluation throws: an error result for that rule, with the cause; the other policy judges as before', async () => {
  const faulty = variant('faulty', false).replace(/pattern:\n(.*\n)*/, `deny:\n          conditions:\n            any:\n            - key: "${MARKER}{{ request.object.metadata.name }}"\n              operator: Equals\n              value: x\n`);
  const s = await analyzeWith(faulty);
  assert.equal(s.policies, 2);
  assert.deepEqual(s.policyErrors, []);
  assert.deepEqual(s.results[0], SEED_RESULT);
  assert.equal(s.results.length, 2);
  assert.deepEqual({ ...s.results[1], message: s.results[1].message.replace(/: injected fault.*/, '') }, { policy: 'faulty', rule: 'validate-registries', status: 'error', message: 'failed to check deny conditions' });
  assert.match(s.results[1].message, /injected fault/);
});

test('a document whose loading as a policy throws is its own load error; the other documents of the file still load', async () => {
  // The marker as the whole metadata.name: loading reads the name with indexOf while the other document loads fine.
  const twoDocs = `${variant('first-ok', true)}---\n${variant(`${MARKER}-x`, true)}`;
  const s = await runBounded('analyze', { text: pod('web', 'nginx'), policies: [{ file: 'two.yaml', text: twoDocs }], faultMarker: MARKER }, { maxHeapMb: 256 });
  assert.equal(s.policies, 1, JSON.stringify(s));
  assert.deepEqual(s.policyErrors, [`two.yaml@${variant('first-ok', true).length}: Kyverno document not loaded: internal error: injected fault: RegExp#exec on a text holding ${MARKER}`]);
  assert.deepEqual(s.results.map((r) => [r.policy, r.status]), [['first-ok', 'fail']]);
});
