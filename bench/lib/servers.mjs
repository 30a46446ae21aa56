// The language servers the benchmark drives, and the workspace they run in.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchClient, fileUri } from './lspClient.mjs';

export const root = new URL('../../', import.meta.url).pathname;
export const benchDir = join(root, 'bench');
export const dataDir = join(benchDir, 'data');
export const SEED_POLICY = join(root, 'examples', 'seed', 'restrict-image-registries.yaml');
export const POLICY_DIR = join(benchDir, 'policies');

/** The seed policy plus bench/policies/*.yaml, as { name, text }. */
export function policyFiles() {
  const files = [{ name: 'restrict-image-registries.yaml', text: readFileSync(SEED_POLICY, 'utf8') }];
  for (const name of readdirSync(POLICY_DIR).filter((n) => n.endsWith('.yaml')).sort()) files.push({ name, text: readFileSync(join(POLICY_DIR, name), 'utf8') });
  return files;
}

/**
 * A fresh workspace folder: policies/ with the bench policies (all of them, or only the seed policy), manifests/
 * for the files the bench opens.
 */
export function makeWorkspace(label, { seedOnly = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `rg-bench-${label}-`));
  mkdirSync(join(dir, 'policies'));
  mkdirSync(join(dir, 'manifests'));
  const policies = seedOnly ? policyFiles().slice(0, 1) : policyFiles();
  for (const p of policies) writeFileSync(join(dir, 'policies', p.name), p.text);
  return {
    dir,
    /** ClusterPolicies and Policies in policies/ (registryGuard/state does not count PolicyExceptions). */
    expectedPolicies: policies.filter((p) => !/^kind: PolicyException$/m.test(p.text)).length,
    policyPath: (name) => join(dir, 'policies', name),
    /** The manifest exists on disk too, as an opened file does. */
    writeManifest(name, text) {
      const file = join(dir, 'manifests', name);
      writeFileSync(file, text);
      return fileUri(file);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** diagnosticsDelay 0 (no debounce); maxFileSize spelled out at its default (20 MB) so the 10 MB file is analysed even if the default changes. */
export const RG_SETTINGS = { diagnosticsDelay: 0, allowedRegistries: [], maxFileSize: 20 };

const YAML_LS_SETTINGS = {
  validate: true, hover: false, completion: false, format: { enable: false },
  schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, schemas: {}, customTags: [],
};

/** Server descriptions: how to start each one and how to know it is ready. */
export function servers() {
  const rg = (name, script) => ({
    name,
    versioned: true,
    async start(workspace, extra = {}) {
      const client = await BenchClient.start({
        name, args: [script, '--stdio'], folders: [workspace.dir], sections: { registryGuard: RG_SETTINGS },
        nodeArgs: extra.nodeArgs, env: extra.env, cwd: extra.cwd,
      });
      await waitForPolicies(client, workspace.expectedPolicies);
      return client;
    },
  });
  const list = {
    noop: {
      name: 'no-op server (floor)',
      versioned: true,
      start: (workspace, extra = {}) => BenchClient.start({ name: 'noop', args: [join(benchDir, 'noopServer.mjs'), '--stdio'], folders: [workspace.dir], nodeArgs: extra.nodeArgs, env: extra.env }),
    },
    rg: rg('Registry Guard', join(root, 'dist', 'server.js')),
    yamlLs: {
      name: 'yaml-language-server 1.25.0',
      versioned: false,
      start: (workspace, extra = {}) => BenchClient.start({
        name: 'yaml-language-server',
        args: [join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
        folders: [workspace.dir], nodeArgs: extra.nodeArgs,
        sections: { yaml: YAML_LS_SETTINGS, http: {}, '[yaml]': {}, editor: {}, files: {} },
      }),
    },
  };
  return list;
}

/** Polls registryGuard/state until the workspace scan is over and every bench policy is loaded. */
export async function waitForPolicies(client, expected) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await client.request('registryGuard/state');
    if (!state.scanning && state.policies === expected && state.errors === 0) return state;
    if (Date.now() > deadline) throw new Error(`Registry Guard did not load the bench policies: ${JSON.stringify({ ...state, documents: undefined })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
