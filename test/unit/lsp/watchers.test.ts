import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchKind } from 'vscode-languageserver-protocol';
import { policyWatchers } from '../../../server/src/lsp/watchers';

test('YAML files everywhere, folder deletions, and extra paths outside the workspace are watched', () => {
  assert.deepEqual(policyWatchers(['/shared/policies', '/etc/kyverno/policy.yaml'], true), [
    { globPattern: '**/*.{yaml,yml}' },
    { globPattern: '**/*', kind: WatchKind.Delete },
    { globPattern: { baseUri: 'file:///shared/policies', pattern: '**/*.{yaml,yml}' } },
    { globPattern: { baseUri: 'file:///etc/kyverno', pattern: 'policy.yaml' } },
  ]);
});

test('clients without relative patterns get absolute globs', () => {
  assert.deepEqual(policyWatchers(['/shared/policies', '/etc/kyverno/policy.yml'], false).slice(2), [
    { globPattern: '/shared/policies/**/*.{yaml,yml}' },
    { globPattern: '/etc/kyverno/policy.yml' },
  ]);
});
