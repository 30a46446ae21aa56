/**
 * Which files' policies are in effect, and keeping the PolicyStore in step with them: every selected YAML file of
 * every workspace folder (not only open ones), `registryGuard.policies.extraPaths`, and the unsaved text of open
 * policy documents, which wins over the disk while the document is open.
 */
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location } from 'vscode-languageserver-protocol';
import { parseYamlFile, type YamlFile } from '../engine/yaml/model';
import type { FileSystem } from './fileSystem';
import type { OpenDocument } from './documents';
import type { PolicySourceLocator } from './diagnostics';
import { isFileKey, isInside, keyToUri, resolveExtraPath } from './paths';
import type { FolderSettings } from './settings';
import { FileFilter, listSelectedFiles } from './workspaceFiles';
import { describeError, type Logger } from './logger';

export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

export interface WorkspaceFolderConfig {
  /** Absolute path of the folder. */
  path: string;
  settings: FolderSettings;
}

export type FileChange = 'created' | 'changed' | 'deleted';

/** The part of the engine's PolicyStore this class drives. */
export interface PolicyFiles {
  readonly version: number;
  /** Parses only texts that pass a cheap policy-kind check; returns whether the file holds a policy. */
  setFile(file: string, content: string | YamlFile): boolean;
  removeFile(file: string): void;
  removeFilesUnder(prefix: string): void;
  hasPolicyFile(file: string): boolean;
  setAllowedRegistries(patterns: readonly string[]): void;
}

interface Folder {
  path: string;
  filter: FileFilter;
  extraPaths: string[];
}

export class PolicySources implements PolicySourceLocator {
  private folders: Folder[] = [];
  /** extraPaths when there is no workspace folder (absolute entries only). */
  private looseExtraPaths: string[] = [];
  private trusted = true;
  /** Disk text of every policy file read from disk that is in the store. */
  private readonly diskText = new Map<string, string>();
  private readonly locators = new Map<string, TextDocument>();
  private readonly locations = new Map<string, Location | undefined>();
  private readonly parsedDisk = new Map<string, YamlFile>();
  private queue: Promise<void> = Promise.resolve();
  private scans = 0;
  private lastVersion: number;

  constructor(
    private readonly store: PolicyFiles,
    private readonly fs: FileSystem,
    private readonly openDocuments: { byKey(key: string): OpenDocument | undefined; all(): OpenDocument[] },
    private readonly log: Logger,
    private readonly onDidChange: (policiesChanged: boolean) => void,
  ) {
    this.lastVersion = store.version;
  }

  get scanning(): boolean {
    return this.scans > 0;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  folderPaths(): string[] {
    return this.folders.map((f) => f.path);
  }

  /** Files and directories outside the workspace globs that the client should watch. */
  extraPaths(): string[] {
    return [...new Set([...this.folders.flatMap((f) => f.extraPaths), ...this.looseExtraPaths])];
  }

  /**
   * Replaces the folders, their settings and the trust state, then re-reads every policy source. Folders that are
   * gone stop contributing policies before the (asynchronous) re-scan starts.
   */
  configure(folders: readonly WorkspaceFolderConfig[], looseExtraPaths: readonly string[], trusted: boolean): Promise<void> {
    const kept = new Set(folders.map((f) => f.path));
    const removed = this.folders.filter((f) => !kept.has(f.path));
    this.trusted = trusted;
    this.folders = folders.map((f) => ({
      path: f.path,
      filter: new FileFilter(f.path, f.settings.include, f.settings.exclude),
      extraPaths: trusted ? this.resolveExtraPaths(f.settings.extraPaths, f.path) : [],
    }));
    for (const folder of this.folders) {
      for (const r of folder.filter.refused) this.log.warn(`${r.setting}: ignoring the glob "${r.pattern}" in ${folder.path}: ${r.reason}`);
    }
    this.looseExtraPaths = trusted && folders.length === 0 ? this.resolveExtraPaths(looseExtraPaths, undefined) : [];
    for (const folder of removed) this.forgetUnder(folder.path);
    this.notifyIfChanged();
    return this.enqueue(() => this.rescan());
  }

  /** registryGuard.allowedRegistries: Kyverno pattern alternatives for an implicit Enforce policy. */
  setAllowedRegistries(patterns: readonly string[]): void {
    this.store.setAllowedRegistries([...patterns]);
    this.notifyIfChanged();
  }

  /** A workspace folder was removed: its policies stop applying now, not after the next scan. */
  removeFolder(folder: string): void {
    this.folders = this.folders.filter((f) => f.path !== folder);
    this.forgetUnder(folder);
    this.notifyIfChanged();
  }

  /** Whether a file's policies (if any) apply: selected by a folder's globs, under an extra path, or open in a folder-less session. */
  isSource(key: string): boolean {
    if (!isFileKey(key)) return true; // untitled documents exist only because the user wrote them
    if (this.folders.some((f) => f.filter.selects(key))) return true;
    if (this.extraPaths().some((p) => key === p || (isInside(p, key) && /\.ya?ml$/i.test(key)))) return true;
    return this.folders.length === 0;
  }

  /** An open document's text changed (or it was opened): its unsaved policies take effect now. */
  documentChanged(doc: OpenDocument): void {
    if (!this.isSource(doc.key)) return;
    this.store.setFile(doc.key, doc.yaml);
    this.notifyIfChanged();
  }

  /** A document was closed: its policies go back to what the disk holds. */
  documentClosed(doc: OpenDocument): Promise<void> {
    if (!this.store.hasPolicyFile(doc.key) && !this.diskText.has(doc.key)) return Promise.resolve();
    if (!isFileKey(doc.key)) {
      this.store.removeFile(doc.key);
      this.notifyIfChanged();
      return Promise.resolve();
    }
    return this.enqueue(() => this.reload(doc.key));
  }

  /** workspace/didChangeWatchedFiles, already converted to paths. */
  filesChanged(changes: readonly { key: string; change: FileChange }[]): Promise<void> {
    return this.enqueue(async () => {
      for (const { key, change } of changes) {
        if (change === 'deleted') {
          if (this.openDocuments.byKey(key) !== undefined) continue; // the buffer outlives the file
          this.forgetUnder(key);
          this.forget(key);
        } else {
          await this.reload(key);
        }
      }
      this.notifyIfChanged();
    });
  }

  /** Every file the folders' include/exclude globs select (the workspace check analyses these). */
  async workspaceFiles(isCancelled: () => boolean): Promise<string[]> {
    const files: string[] = [];
    for (const folder of this.folders) {
      if (isCancelled()) break;
      files.push(...(await listSelectedFiles(this.fs, folder.path, folder.filter, { trusted: this.trusted, isCancelled })));
    }
    return files;
  }

  /** Resolves when every queued scan and reload has finished. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  /**
   * The text of a policy file in effect: the open buffer (with its version) or the disk copy the store loaded
   * (version null). Quick fixes that edit a policy start from this text.
   */
  policyText(key: string): { uri: string; yaml: YamlFile; version: number | null } | undefined {
    if (!this.store.hasPolicyFile(key)) return undefined;
    const open = this.openDocuments.byKey(key);
    if (open !== undefined) return { uri: open.uri, yaml: open.yaml, version: open.document.version };
    const text = this.diskText.get(key);
    if (text === undefined) return undefined;
    let yaml = this.parsedDisk.get(key);
    if (yaml === undefined || yaml.text !== text) {
      yaml = parseYamlFile(text);
      this.parsedDisk.set(key, yaml);
    }
    return { uri: keyToUri(key), yaml, version: null };
  }

  /**
   * `locate` answers from the policy texts in the store (their changes change its version) and from the open
   * buffers of policy files (their URI and text): both are in the generation.
   */
  generation(): string {
    let open = '';
    for (const doc of this.openDocuments.all()) {
      if (this.diskText.has(doc.key) || this.store.hasPolicyFile(doc.key)) open += `|${doc.uri}#${doc.document.version}`;
    }
    return `${this.store.version}${open}`;
  }

  /**
   * Thousands of diagnostics point at the same few rules, so locations are memoised by everything they
   * depend on: the rule's offsets, the policy store's version and the open buffer's version.
   */
  locate(file: string, start: number, end: number): Location | undefined {
    const open = this.openDocuments.byKey(file);
    const key = `${file}\u0000${start}\u0000${end}\u0000${this.store.version}\u0000${open === undefined ? '' : `${open.uri}#${open.document.version}`}`;
    if (this.locations.has(key)) return this.locations.get(key);
    if (this.locations.size > 10_000) this.locations.clear();
    const location = this.computeLocation(file, start, end, open);
    this.locations.set(key, location);
    return location;
  }

  private computeLocation(file: string, start: number, end: number, open: OpenDocument | undefined): Location | undefined {
    let document = open?.document;
    if (document === undefined) {
      const text = this.diskText.get(file);
      if (text === undefined) return undefined;
      document = this.locators.get(file);
      if (document === undefined || document.getText() !== text) {
        document = TextDocument.create(keyToUri(file), 'yaml', 0, text);
        this.locators.set(file, document);
      }
    }
    return { uri: open?.uri ?? keyToUri(file), range: { start: document.positionAt(start), end: document.positionAt(end) } };
  }

  private resolveExtraPaths(entries: readonly string[], folder: string | undefined): string[] {
    const resolved: string[] = [];
    for (const entry of entries) {
      const r = resolveExtraPath(entry, folder);
      if ('refused' in r) this.log.warn(`registryGuard.policies.extraPaths: ignoring ${r.refused}`);
      else resolved.push(r.path);
    }
    return resolved;
  }

  private async rescan(): Promise<void> {
    this.scans++;
    this.onDidChange(false);
    try {
      const found = new Set<string>();
      for (const folder of this.folders) {
        const files = await listSelectedFiles(this.fs, folder.path, folder.filter, { trusted: this.trusted, onSkipped: this.skipped });
        for (const file of files) found.add(file);
      }
      for (const extra of this.extraPaths()) {
        const kind = await this.fs.stat(extra);
        if (kind === 'file') found.add(extra);
        else if (kind === 'directory') {
          const filter = new FileFilter(extra, ['**/*.yaml', '**/*.yml'], ['**/.git/**', '**/node_modules/**']);
          for (const file of await listSelectedFiles(this.fs, extra, filter, { trusted: this.trusted, onSkipped: this.skipped })) found.add(file);
        } else this.log.warn(`registryGuard.policies.extraPaths: ${extra} does not exist`);
      }
      for (const key of [...this.diskText.keys()]) {
        if (!found.has(key) && this.openDocuments.byKey(key) === undefined) this.forget(key);
      }
      for (const file of found) await this.reload(file);
      for (const doc of this.openDocuments.all()) {
        if (this.isSource(doc.key)) this.store.setFile(doc.key, doc.yaml);
        else if (!this.diskText.has(doc.key)) this.store.removeFile(doc.key);
      }
    } finally {
      this.scans--;
      this.notifyIfChanged(true);
    }
  }

  /** Re-reads one file from disk into the store (unless it is open, or no longer a policy source). */
  private async reload(key: string): Promise<void> {
    const open = this.openDocuments.byKey(key);
    if (open !== undefined) {
      if (this.isSource(key)) this.store.setFile(key, open.yaml);
      return;
    }
    if (!this.isSource(key) || !(await this.readable(key))) {
      this.forget(key);
      return;
    }
    const text = await this.fs.readFile(key, MAX_POLICY_FILE_BYTES);
    if (this.openDocuments.byKey(key) !== undefined) return; // opened while we were reading: the buffer wins
    if (text === undefined) {
      this.log.warn(`Registry Guard did not read the policy file ${key}: ${await this.unreadableReason(key)}`);
      this.forget(key);
      return;
    }
    try {
      // setFile runs the cheap "kind: ClusterPolicy|Policy|PolicyException" text check before parsing anything.
      if (this.store.setFile(key, text)) this.diskText.set(key, text);
      else this.diskText.delete(key);
    } catch (error) {
      this.log.error(`Could not load policies from ${key}: ${describeError(error)}`);
      this.forget(key);
    }
  }

  private readonly skipped = (file: string, reason: string): void => {
    this.log.warn(`Registry Guard did not read ${file}: ${reason}`);
  };

  /** Why readFile gave nothing: the file is gone, is not a regular file, is over the size limit, or cannot be read. */
  private async unreadableReason(key: string): Promise<string> {
    const kind = await this.fs.stat(key);
    if (kind === undefined) return (await this.fs.realPath(key)) === undefined ? 'it does not exist (or is a symbolic link whose target does not exist)' : 'it does not exist';
    if (kind !== 'file') return 'it is not a regular file';
    const size = await this.fs.fileSize?.(key);
    if (size !== undefined && size > MAX_POLICY_FILE_BYTES) {
      return `it is ${(size / (1024 * 1024)).toFixed(1)} MiB, larger than the ${MAX_POLICY_FILE_BYTES / (1024 * 1024)} MiB limit for policy files`;
    }
    return 'it could not be read (permissions?)';
  }

  /** Untrusted workspaces: only files that really live inside a workspace folder (no symlink escapes). */
  private async readable(key: string): Promise<boolean> {
    if (this.trusted) return true;
    const real = await this.fs.realPath(key);
    if (real === undefined) return false;
    for (const folder of this.folders) {
      const realFolder = (await this.fs.realPath(folder.path)) ?? folder.path;
      if (isInside(realFolder, real)) return true;
    }
    return false;
  }

  private forget(key: string): void {
    this.diskText.delete(key);
    this.locators.delete(key);
    this.parsedDisk.delete(key);
    if (this.openDocuments.byKey(key) === undefined || !this.isSource(key)) this.store.removeFile(key);
  }

  private forgetUnder(dir: string): void {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const key of [...this.diskText.keys()]) if (key.startsWith(prefix)) this.forget(key);
    this.store.removeFilesUnder(dir);
    for (const doc of this.openDocuments.all()) {
      if (doc.key.startsWith(prefix) && this.isSource(doc.key)) this.store.setFile(doc.key, doc.yaml);
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task).catch((error) => this.log.error(`Policy scan failed: ${describeError(error)}`));
    this.queue = run.then(() => this.notifyIfChanged());
    return this.queue;
  }

  /** Tells the server when the policies in effect changed; `always` also reports scan state changes. */
  private notifyIfChanged(always = false): void {
    const policiesChanged = this.store.version !== this.lastVersion;
    if (!policiesChanged && !always) return;
    this.lastVersion = this.store.version;
    this.onDidChange(policiesChanged);
  }
}
