import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RegistryChecker } from '../../../server/src/registryCheck';

// The check is opt-in: loading the module or building a checker must not touch the network.
test('importing the module and constructing a checker make no request', () => {
  const realFetch = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = (() => {
    calls++;
    throw new Error('no request expected');
  }) as typeof fetch;
  try {
    const modulePath = require.resolve('../../../server/src/registryCheck');
    for (const key of Object.keys(require.cache)) if (key.includes(path.join('server', 'src', 'registryCheck'))) delete require.cache[key];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(modulePath) as typeof import('../../../server/src/registryCheck');
    const checker = new loaded.RegistryChecker({ credentials: { 'docker.io': { username: 'u', password: 'p' } } });
    assert.equal(checker.peek('nginx:1.27'), undefined);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(calls, 0);
});

test('an invalid image is not-verified without a request', async () => {
  let calls = 0;
  const checker = new RegistryChecker({ fetch: (() => { calls++; throw new Error('unexpected'); }) as typeof fetch });
  assert.equal(await checker.check('Not A Reference'), 'not-verified');
  assert.equal(calls, 0);
});
