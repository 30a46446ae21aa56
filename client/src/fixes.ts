/**
 * The client side of quick fixes: commands that code actions run (add a rewrite mapping, allow a registry in the
 * inline allow-list) and the workspace-wide fix, whose edit is refused when an open document moved on since the
 * server computed it.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { WorkDoneProgress, type LanguageClient, type WorkspaceEdit } from 'vscode-languageclient/node';
import { validateCatalogOptions, type CatalogMapping } from '../../server/src/engine/catalog';
import { FixWorkspaceRequest, type AddMappingArguments, type FixWorkspaceResult } from '../../server/src/lsp/protocol';

const SECTION = 'registryGuard';

function settingsTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** registryGuard.addMapping: asks for from and to (checked like the server checks them) and saves the mapping. */
export async function addMapping(args?: AddMappingArguments): Promise<CatalogMapping | undefined> {
  const problemOf = (mapping: CatalogMapping): string | undefined => {
    const problems = validateCatalogOptions({ mappings: [mapping] });
    return problems.length === 0 ? undefined : problems.map((p) => p.message).join('; ');
  };
  const from = await vscode.window.showInputBox({
    title: 'Registry Guard: add a rewrite mapping (1/3)',
    prompt: 'Rewrite images of this repository (e.g. quay.io/org/app), or of a prefix ending in /* (e.g. quay.io/org/*)',
    value: args?.from ?? '',
    validateInput: (value) => (value.trim() === '' ? 'Enter a repository' : undefined),
  });
  if (from === undefined || from.trim() === '') return undefined;
  const pattern = from.trim().endsWith('/*');
  const to = await vscode.window.showInputBox({
    title: 'Registry Guard: add a rewrite mapping (2/3)',
    prompt: `…to this repository${pattern ? ' prefix (ending in /*; the rest of the path is appended)' : ''}. The tag is kept.`,
    value: pattern ? 'public.ecr.aws/*' : '',
    validateInput: (value) => (value.trim() === '' ? 'Enter a repository' : problemOf({ from: from.trim(), to: value.trim() })),
  });
  if (to === undefined || to.trim() === '') return undefined;
  const digest = await vscode.window.showQuickPick([
    { label: 'Drop digests', description: 'the target is a separate build (the usual case)', keep: false },
    { label: 'Keep digests', description: 'the target holds the very same image manifests (a mirror)', keep: true },
  ], { title: 'Registry Guard: add a rewrite mapping (3/3)', placeHolder: 'When an image is pinned by digest…' });
  if (digest === undefined) return undefined;
  const mapping: CatalogMapping = { from: from.trim(), to: to.trim(), ...(digest.keep ? { keepDigest: true } : {}) };
  const config = vscode.workspace.getConfiguration(SECTION);
  const current = config.get<CatalogMapping[]>('rewrites.mappings') ?? [];
  await config.update('rewrites.mappings', [...current, mapping], settingsTarget());
  return mapping;
}

/** registryGuard.addAllowedRegistry: appends a pattern to registryGuard.allowedRegistries. */
export async function addAllowedRegistry(pattern: unknown): Promise<string[] | undefined> {
  if (typeof pattern !== 'string' || pattern.trim() === '') return undefined;
  const config = vscode.workspace.getConfiguration(SECTION);
  const current = config.get<string[]>('allowedRegistries') ?? [];
  if (current.includes(pattern)) return current;
  const next = [...current, pattern];
  await config.update('allowedRegistries', next, settingsTarget());
  return next;
}

export interface FixWorkspaceOptions {
  /** false: apply without the confirmation dialog (tests). */
  confirm?: boolean;
}

export interface FixWorkspaceOutcome {
  result: FixWorkspaceResult;
  applied: boolean;
  /** Documents whose version moved on since the server planned the edit (then nothing is applied). */
  stale: string[];
}

/** registryGuard.fixWorkspace: plan on the server, confirm, then apply the versioned edit (or refuse a stale one). */
export async function fixWorkspace(client: LanguageClient, options: FixWorkspaceOptions = {}): Promise<FixWorkspaceOutcome | undefined> {
  const progressOptions = { location: vscode.ProgressLocation.Notification, title: 'Registry Guard: planning image rewrites', cancellable: true };
  const result = await vscode.window.withProgress(progressOptions, async (progress, cancellation) => {
    const workDoneToken = randomUUID();
    const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind !== 'end' && value.message !== undefined) progress.report({ message: value.message });
    });
    try {
      return await client.sendRequest(FixWorkspaceRequest, { workDoneToken }, cancellation);
    } catch (error) {
      if (cancellation.isCancellationRequested) return undefined;
      throw error;
    } finally {
      listener.dispose();
    }
  });
  if (result === undefined) return undefined;
  const skipped = result.skipped.length === 0 ? '' : ` ${result.skipped.length} ${result.skipped.length === 1 ? 'image has' : 'images have'} no rewrite that passes the policies.`;
  if (result.rewrites === 0) {
    void vscode.window.showInformationMessage(`Registry Guard: nothing to rewrite.${skipped}`);
    return { result, applied: false, stale: [] };
  }
  const summary = `${result.rewrites} ${result.rewrites === 1 ? 'image' : 'images'} in ${result.files} ${result.files === 1 ? 'file' : 'files'}`;
  if (options.confirm !== false) {
    const choice = await vscode.window.showInformationMessage(`Registry Guard: rewrite ${summary} to their preferred mirrors?`, { modal: true, detail: `Every rewrite was checked against the policies in effect.${skipped} The files are left unsaved for review.` }, 'Rewrite');
    if (choice !== 'Rewrite') return { result, applied: false, stale: [] };
  }
  const stale = staleDocuments(result.edit);
  if (stale.length > 0) {
    void vscode.window.showWarningMessage(`Registry Guard did not rewrite anything: ${stale.map((u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u))).join(', ')} changed meanwhile. Run the command again.`);
    return { result, applied: false, stale };
  }
  const converted = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  // No await between the version check and applyEdit: the documents cannot change in between.
  const applied = await vscode.workspace.applyEdit(converted);
  if (applied) void vscode.window.showInformationMessage(`Registry Guard rewrote ${summary}.${skipped}`);
  return { result, applied, stale: [] };
}

/**
 * Open documents the edit does not fit any more: a versioned edit whose version differs, or a file the server
 * read from disk (version null) that is open with unsaved changes.
 */
export function staleDocuments(edit: WorkspaceEdit): string[] {
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const stale: string[] = [];
  for (const change of edit.documentChanges ?? []) {
    if (!('textDocument' in change)) continue;
    const document = open.get(vscode.Uri.parse(change.textDocument.uri).toString());
    if (document === undefined) continue;
    const version = change.textDocument.version;
    if (version === null ? document.isDirty : document.version !== version) stale.push(change.textDocument.uri);
  }
  return stale;
}
