/**
 * The stdio language server for the reliability tier: the protocol tests' client (test/protocol/support), started
 * with a heap cap (and optionally the network trap) in the server process, plus waits that fail on an unresponsive
 * server rather than hang.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspTestClient, type StartOptions } from '../../protocol/support/lspClient';
import type { ServerState } from '../../../server/src/lsp/protocol';
import { repoRoot } from '../../support/paths';

export { fileUri, messageOf } from '../../protocol/support/lspClient';

export const TRAP = path.join(repoRoot, 'test', 'reliability', 'trapNetwork.cjs');
export const FAULT = path.join(repoRoot, 'test', 'reliability', 'injectFault.cjs');

export interface ReliabilityStart extends StartOptions {
  /** Old-generation heap cap of the server process (MB). */
  maxHeapMb?: number;
  /** Preload trapNetwork.cjs in the server, logging attempts to this file. */
  networkLog?: string;
  /** Preload injectFault.cjs in the server: searching any text that holds this marker throws. */
  faultMarker?: string;
}

/**
 * LspTestClient spawns the server synchronously at the start of start(), with this process's environment: the
 * server's NODE_OPTIONS are set for exactly that moment.
 */
export async function startServer(options: ReliabilityStart = {}): Promise<LspTestClient> {
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, REGISTRY_GUARD_NETWORK_LOG: process.env.REGISTRY_GUARD_NETWORK_LOG, REGISTRY_GUARD_FAULT_MARKER: process.env.REGISTRY_GUARD_FAULT_MARKER };
  const flags = [saved.NODE_OPTIONS ?? '', `--max-old-space-size=${options.maxHeapMb ?? 1024}`];
  if (options.networkLog !== undefined) {
    flags.push(`--require ${TRAP}`);
    process.env.REGISTRY_GUARD_NETWORK_LOG = options.networkLog;
  }
  if (options.faultMarker !== undefined) {
    flags.push(`--require ${FAULT}`);
    process.env.REGISTRY_GUARD_FAULT_MARKER = options.faultMarker;
  }
  process.env.NODE_OPTIONS = flags.join(' ').trim();
  let started: Promise<LspTestClient>;
  try {
    started = LspTestClient.start(options);
  } finally {
    restore('NODE_OPTIONS', saved.NODE_OPTIONS);
    restore('REGISTRY_GUARD_NETWORK_LOG', saved.REGISTRY_GUARD_NETWORK_LOG);
    restore('REGISTRY_GUARD_FAULT_MARKER', saved.REGISTRY_GUARD_FAULT_MARKER);
  }
  return started;
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** A request that must be answered: rejects when the server exits or stays silent for `ms`. */
export async function answered<T>(client: LspTestClient, what: string, request: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: ((code: number | null, signal: string | null) => void) | undefined;
  const exited = new Promise<never>((_, reject) => {
    onExit = (code, signal) => reject(new Error(`the server exited (${code ?? signal}) while ${what}\n${client.stderr.join('').slice(-3000)}`));
    if (client.process.exitCode !== null || client.process.signalCode !== null) onExit(client.process.exitCode, client.process.signalCode);
    else client.process.once('exit', onExit);
  });
  const silent = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`the server did not answer ${what} within ${ms / 1000} s: unresponsive`)), ms); });
  try {
    return await Promise.race([request, exited, silent]);
  } finally {
    clearTimeout(timer);
    if (onExit !== undefined) client.process.off('exit', onExit);
  }
}

export function state(client: LspTestClient): Promise<ServerState> {
  return answered(client, 'registryGuard/state', client.request<ServerState>('registryGuard/state'));
}

/** Polls registryGuard/state until every open document's current version has been published. */
export async function settled(client: LspTestClient, ms = 120_000): Promise<ServerState> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await state(client);
    if (!s.scanning && s.documents.every((d) => d.publishedVersion === d.version)) return s;
    if (Date.now() > deadline) throw new Error(`diagnostics never caught up with the documents: ${JSON.stringify(s.documents)}`);
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}

/** The last diagnostics published for a URI. */
export function lastPublished(client: LspTestClient, uri: string): PublishDiagnosticsParams | undefined {
  for (let i = client.published.length - 1; i >= 0; i--) if (client.published[i].uri === uri) return client.published[i];
  return undefined;
}

/** What a user sees of a diagnostic, for comparisons. */
export function shown(d: Diagnostic): unknown {
  return { range: d.range, severity: d.severity, code: d.code, source: d.source, message: d.message };
}

export function tempWorkspace(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-reliability-ws-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** Stops the server (shutdown/exit, or a kill if it no longer answers) and removes the folders. */
export async function stopServer(client: LspTestClient, ...dirs: string[]): Promise<void> {
  if (client.process.exitCode === null && client.process.signalCode === null) {
    await Promise.race([client.stop(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (client.process.exitCode === null && client.process.signalCode === null) client.process.kill('SIGKILL');
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}
