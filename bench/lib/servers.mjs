// The language servers the benchmark drives, and the workspace they run in.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
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

/** A fresh workspace folder: policies/ with every bench policy, manifests/ for the files the bench opens. */
export function makeWorkspace(label) {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `rg-bench-${label}-`));
  mkdirSync(join(dir, 'policies'));
  mkdirSync(join(dir, 'manifests'));
  for (const p of policyFiles()) writeFileSync(join(dir, 'policies', p.name), p.text);
  return {
    dir,
    policyPath: (name) => join(dir, 'policies', name),
    manifestPath: (name) => join(dir, 'manifests', name),
    /** The manifest exists on disk too, as an opened file does. */
    writeManifest(name, text) {
      const file = join(dir, 'manifests', name);
      writeFileSync(file, text);
      return fileUri(file);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * dist/server.js refuses to analyse files over MAX_ANALYSED_FILE_BYTES (2 MiB) and publishes one "not checked"
 * notice instead. To measure the engine on the 10 MB file too, the bench bundles the same sources with that
 * one constant lifted, into bench/data/server-nolimit.js. Returns undefined when the constant is not found.
 */
export async function buildLimitLiftedServer() {
  const outfile = join(dataDir, 'server-nolimit.js');
  let replaced = false;
  await esbuild.build({
    entryPoints: [join(root, 'server/src/server.ts')],
    outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning',
    plugins: [{
      name: 'lift-file-size-limit',
      setup(build) {
        build.onLoad({ filter: /[\\/]lsp[\\/]session\.ts$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          const lifted = source.replace(/export const MAX_ANALYSED_FILE_BYTES = [^;]+;/, () => {
            replaced = true;
            return 'export const MAX_ANALYSED_FILE_BYTES = Number.MAX_SAFE_INTEGER;';
          });
          return { contents: lifted, loader: 'ts' };
        });
      },
    }],
  });
  return replaced ? outfile : undefined;
}

export const RG_SETTINGS = { diagnosticsDelay: 0, allowedRegistries: [] };

const YAML_LS_SETTINGS = {
  validate: true, hover: false, completion: false, format: { enable: false },
  schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, schemas: {}, customTags: [],
};

/** Server descriptions: how to start each one and how to know it is ready. */
export function servers({ limitLifted } = {}) {
  const rg = (name, script) => ({
    name,
    versioned: true,
    async start(workspace, extra = {}) {
      const client = await BenchClient.start({
        name, args: [script, '--stdio'], folders: [workspace.dir], sections: { registryGuard: RG_SETTINGS },
        nodeArgs: extra.nodeArgs, env: extra.env, cwd: extra.cwd,
      });
      await waitForPolicies(client, expectedPolicies());
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
  if (limitLifted !== undefined) list.rgLifted = rg('Registry Guard, size limit lifted', limitLifted);
  return list;
}

/** ClusterPolicies and Policies among the bench policy files (registryGuard/state does not count exceptions). */
export function expectedPolicies() {
  return policyFiles().filter((p) => !/^kind: PolicyException$/m.test(p.text)).length;
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
