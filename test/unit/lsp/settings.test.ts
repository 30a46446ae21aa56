import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentSettings, folderSettings, serverSettings, DEFAULT_EXCLUDE, MAX_DIAGNOSTICS_DELAY_MS } from '../../../server/src/lsp/settings';

test('the diagnostics delay defaults to 30 ms and is capped at 50 ms', () => {
  assert.equal(serverSettings(undefined).diagnosticsDelay, 30);
  assert.equal(serverSettings({ diagnosticsDelay: 5000 }).diagnosticsDelay, MAX_DIAGNOSTICS_DELAY_MS);
  assert.equal(MAX_DIAGNOSTICS_DELAY_MS, 50);
  assert.equal(serverSettings({ diagnosticsDelay: -3 }).diagnosticsDelay, 0);
  assert.equal(serverSettings({ diagnosticsDelay: 12.4 }).diagnosticsDelay, 12);
  assert.equal(serverSettings({ diagnosticsDelay: 'fast' }).diagnosticsDelay, 30);
});

test('severities fall back to error/warning for unknown values', () => {
  assert.deepEqual(documentSettings(undefined).severity, { enforce: 'error', audit: 'warning' });
  assert.deepEqual(documentSettings({ severity: { enforce: 'hint', audit: 'information' } }).severity, { enforce: 'hint', audit: 'information' });
  assert.deepEqual(documentSettings({ severity: { enforce: 'fatal', audit: 3 } }).severity, { enforce: 'error', audit: 'warning' });
});

test('folder settings keep the default excludes unless overridden and drop blank entries', () => {
  const defaults = folderSettings({});
  assert.deepEqual(defaults.include, ['**/*.yaml', '**/*.yml']);
  assert.ok(defaults.exclude.includes('**/node_modules/**'));
  assert.deepEqual(defaults.exclude, DEFAULT_EXCLUDE);
  const custom = folderSettings({ policies: { include: ['policies/**/*.yaml', ' ', 7], exclude: [], extraPaths: [' ../shared '] } });
  assert.deepEqual(custom.include, ['policies/**/*.yaml']);
  assert.deepEqual(custom.exclude, []);
  assert.deepEqual(custom.extraPaths, ['../shared']);
});

test('allowedRegistries keeps the non-empty patterns', () => {
  assert.deepEqual(serverSettings({ allowedRegistries: ['public.ecr.aws/*', '', 12, '*.dkr.ecr.*.amazonaws.com/*'] }).allowedRegistries,
    ['public.ecr.aws/*', '*.dkr.ecr.*.amazonaws.com/*']);
});
