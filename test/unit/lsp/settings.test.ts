import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentSettings, folderSettings, maxFileBytes, serverSettings, DEFAULT_EXCLUDE, MAX_DIAGNOSTICS_DELAY_MS } from '../../../server/src/lsp/settings';

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

test('registryGuard.maxFileSize is in megabytes (default 20), and bad values fall back', () => {
  assert.equal(serverSettings(undefined).maxFileSizeMB, 20);
  assert.equal(maxFileBytes(serverSettings(undefined)), 20_000_000);
  assert.equal(serverSettings({ maxFileSize: 0.5 }).maxFileSizeMB, 0.5);
  assert.equal(serverSettings({ maxFileSize: 0 }).maxFileSizeMB, 20);
  assert.equal(serverSettings({ maxFileSize: 'big' }).maxFileSizeMB, 20);
  assert.equal(serverSettings({ maxFileSize: 1e9 }).maxFileSizeMB, 1024);
});

test('rewrite settings become catalog options; the pull-through cache only once an account or region is set', () => {
  assert.deepEqual(serverSettings(undefined).catalog, {});
  const catalog = serverSettings({
    rewrites: { mappings: [{ from: 'nginx', to: 'quay.io/m/nginx' }, 'junk', null], disabled: ['public.ecr.aws/nginx/nginx', ''] },
    pullThroughCache: { account: ' 123456789012 ', region: 'us-east-1', prefixes: { 'docker-hub': 'dh' } },
  }).catalog;
  assert.deepEqual(catalog, {
    mappings: [{ from: 'nginx', to: 'quay.io/m/nginx' }],
    disabled: ['public.ecr.aws/nginx/nginx'],
    pullThroughCache: { account: '123456789012', region: 'us-east-1', prefixes: { 'docker-hub': 'dh' } },
  });
  assert.equal(serverSettings({ pullThroughCache: { account: '', region: '', prefixes: { quay: 'q' } } }).catalog.pullThroughCache, undefined);
});

test('registryGuard.verifyRewriteTargets is on only for a real true', () => {
  assert.equal(serverSettings(undefined).verifyRewriteTargets, false);
  assert.equal(serverSettings({ verifyRewriteTargets: true }).verifyRewriteTargets, true);
  for (const value of ['true', 1, {}, null, false]) assert.equal(serverSettings({ verifyRewriteTargets: value }).verifyRewriteTargets, false, JSON.stringify(value));
});
