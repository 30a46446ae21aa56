// The extension manifest (package.json contributes/activationEvents/capabilities) agrees with the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';
import { Commands } from '../../../server/src/lsp/protocol';
import {
  DEFAULT_DOCUMENT_SETTINGS, DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE_MB, DEFAULT_SERVER_SETTINGS, MAX_DIAGNOSTICS_DELAY_MS, MAX_FILE_SIZE_SETTING,
  VERIFY_REWRITE_TARGETS_SETTING,
} from '../../../server/src/lsp/settings';

interface Property { type: string; default: unknown; scope?: string; markdownDescription?: string; maximum?: number; enum?: string[] }
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const properties: Record<string, Property> = manifest.contributes.configuration.properties;

test('activates on YAML only; contributes no language and only grammars injected into YAML (coexists with Red Hat YAML)', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:yaml']);
  assert.equal(manifest.contributes.languages, undefined);
  for (const grammar of manifest.contributes.grammars ?? []) {
    assert.equal(grammar.language, undefined, 'a grammar for a language would compete with the YAML grammar');
    assert.deepEqual(grammar.injectTo, ['source.yaml']);
    const file = JSON.parse(fs.readFileSync(path.join(repoRoot, grammar.path), 'utf8'));
    assert.equal(file.scopeName, grammar.scopeName);
    assert.ok(grammar.path.startsWith('./syntaxes/'), 'shipped through the .vscodeignore whitelist');
  }
});

test('every setting is described in markdown and scoped', () => {
  for (const [name, p] of Object.entries(properties)) {
    assert.ok(name.startsWith('registryGuard.'), name);
    assert.ok((p.markdownDescription ?? '').length > 40, `${name} has a markdownDescription`);
    assert.ok(['window', 'resource', 'machine-overridable', 'application'].includes(p.scope ?? ''), `${name} has a scope`);
  }
});

test('setting defaults in the manifest are the server\'s defaults', () => {
  assert.deepEqual(properties['registryGuard.policies.include'].default, DEFAULT_INCLUDE);
  assert.deepEqual(properties['registryGuard.policies.exclude'].default, DEFAULT_EXCLUDE);
  assert.deepEqual(properties['registryGuard.policies.extraPaths'].default, []);
  assert.deepEqual(properties['registryGuard.allowedRegistries'].default, DEFAULT_SERVER_SETTINGS.allowedRegistries);
  assert.equal(properties['registryGuard.diagnosticsDelay'].default, DEFAULT_SERVER_SETTINGS.diagnosticsDelay);
  assert.equal(properties['registryGuard.diagnosticsDelay'].maximum, MAX_DIAGNOSTICS_DELAY_MS);
  assert.equal(properties['registryGuard.severity.enforce'].default, DEFAULT_DOCUMENT_SETTINGS.severity.enforce);
  assert.equal(properties['registryGuard.severity.audit'].default, DEFAULT_DOCUMENT_SETTINGS.severity.audit);
  assert.deepEqual(properties['registryGuard.severity.audit'].enum, ['error', 'warning', 'information', 'hint']);
  assert.equal(properties['registryGuard.maxFileSize'].default, DEFAULT_SERVER_SETTINGS.maxFileSizeMB);
  assert.equal(properties['registryGuard.maxFileSize'].default, DEFAULT_MAX_FILE_SIZE_MB);
  assert.deepEqual(properties['registryGuard.rewrites.mappings'].default, []);
  assert.deepEqual(properties['registryGuard.rewrites.disabled'].default, []);
  assert.equal(properties['registryGuard.pullThroughCache.account'].default, '');
  assert.equal(properties['registryGuard.pullThroughCache.region'].default, '');
  assert.deepEqual(properties['registryGuard.pullThroughCache.prefixes'].default, {});
  assert.equal(properties[VERIFY_REWRITE_TARGETS_SETTING].default, DEFAULT_SERVER_SETTINGS.verifyRewriteTargets);
  assert.equal(properties[VERIFY_REWRITE_TARGETS_SETTING].default, false, 'the network check is opt-in');
});

test('registryGuard.verifyRewriteTargets: a window-scoped boolean whose description says it uses the network, is off by default and not for untrusted workspaces', () => {
  const p = properties[VERIFY_REWRITE_TARGETS_SETTING];
  assert.equal(p.type, 'boolean');
  assert.equal(p.scope, 'window');
  assert.match(p.markdownDescription ?? '', /network/);
  assert.match(p.markdownDescription ?? '', /Off by default/);
  assert.match(p.markdownDescription ?? '', /untrusted workspaces/);
});

test('the settings read from the server are contributed, and the file size setting is the one the limit notice names', () => {
  for (const key of ['maxFileSize', 'rewrites.mappings', 'rewrites.disabled', 'pullThroughCache.account', 'pullThroughCache.region', 'pullThroughCache.prefixes']) {
    assert.ok(properties[`registryGuard.${key}`], key);
  }
  assert.equal(MAX_FILE_SIZE_SETTING, 'registryGuard.maxFileSize');
  const prefixes = (properties['registryGuard.pullThroughCache.prefixes'] as unknown as { properties: Record<string, unknown> }).properties;
  assert.deepEqual(Object.keys(prefixes).sort(), ['docker-hub', 'ecr-public', 'ghcr', 'quay', 'registry.k8s.io']);
});

test('commands that need arguments are hidden from the command palette', () => {
  const hidden = manifest.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command).sort();
  assert.deepEqual(hidden, [Commands.addAllowedRegistry, Commands.serverState].sort());
});

test('every command id the code uses is contributed, and every contributed command is known to the code', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, Object.values(Commands).sort());
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'Registry Guard');
});

test('untrusted workspaces are supported in a limited way that withholds extraPaths and the registry check', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.ok(untrusted.description.length > 20);
  assert.deepEqual(untrusted.restrictedConfigurations, ['registryGuard.policies.extraPaths', VERIFY_REWRITE_TARGETS_SETTING]);
});

test('.vscodeignore ships only the bundles, the manifest, the docs and the grammars', () => {
  const lines = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  assert.deepEqual(lines, ['**', '!dist/extension.js', '!dist/server.js', '!dist/cli.js', '!package.json', '!README.md', '!LICENSE', '!syntaxes/**']);
});
