import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushedConfiguration, SettingsCache } from '../../../server/src/lsp/configuration';

test('document settings are read once per resource (scoped by its URI) until the configuration changes', async () => {
  const reads: (string | undefined)[] = [];
  const values: Record<string, unknown> = {
    'file:///a/pod.yaml': { severity: { enforce: 'warning' } },
    'file:///b/pod.yaml': { severity: { enforce: 'hint' } },
  };
  const cache = new SettingsCache({ read: async (scope) => (reads.push(scope), scope === undefined ? { diagnosticsDelay: 10 } : values[scope]) });
  assert.equal((await cache.forDocument('file:///a/pod.yaml')).severity.enforce, 'warning');
  assert.equal((await cache.forDocument('file:///b/pod.yaml')).severity.enforce, 'hint');
  await cache.forDocument('file:///a/pod.yaml');
  assert.deepEqual(reads, ['file:///a/pod.yaml', 'file:///b/pod.yaml']);
  values['file:///a/pod.yaml'] = { severity: { enforce: 'information' } };
  cache.clear();
  assert.equal((await cache.forDocument('file:///a/pod.yaml')).severity.enforce, 'information');
  assert.equal(cache.delay(), 30, 'default until the window settings are read');
  await cache.refreshServerSettings();
  assert.equal(cache.delay(), 10);
});

test('a client that fails to answer gets the defaults', async () => {
  const cache = new SettingsCache({ read: () => Promise.reject(new Error('no configuration')) });
  assert.deepEqual((await cache.forDocument('file:///x.yaml')).severity, { enforce: 'error', audit: 'warning' });
  assert.equal((await cache.refreshServerSettings()).diagnosticsDelay, 30);
  assert.deepEqual((await cache.forFolder('file:///ws')).extraPaths, []);
});

test('pushed settings (workspace/didChangeConfiguration) are used by clients without workspace/configuration', async () => {
  const pushed = new PushedConfiguration();
  const cache = new SettingsCache(pushed);
  pushed.update({ registryGuard: { severity: { audit: 'error' }, allowedRegistries: ['public.ecr.aws/*'] } });
  assert.equal((await cache.forDocument('file:///x.yaml')).severity.audit, 'error');
  assert.deepEqual((await cache.refreshServerSettings()).allowedRegistries, ['public.ecr.aws/*']);
  pushed.update({ somethingElse: {} });
  assert.deepEqual((await cache.refreshServerSettings()).allowedRegistries, ['public.ecr.aws/*'], 'other sections leave ours alone');
});
