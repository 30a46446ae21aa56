/**
 * Which YAML files of a workspace folder the server looks at: include/exclude globs (minimatch through
 * engine/globs, relative to the folder; a glob whose regular expression could backtrack is refused), excluded
 * directories pruned without being read, symlinked directories never followed (no loops).
 */
import * as path from 'node:path';
import type { MinimatchOptions } from 'minimatch';
import { compileGlobs, type GlobSet } from '../engine/globs';
import type { FileSystem } from './fileSystem';
import { isInside, relativeGlobPath } from './paths';

const GLOB_OPTIONS: MinimatchOptions = { dot: true, nocase: process.platform === 'win32' };

export const MAX_FILES_PER_FOLDER = 20_000;

export const INCLUDE_SETTING = 'registryGuard.policies.include';
export const EXCLUDE_SETTING = 'registryGuard.policies.exclude';

export class FileFilter {
  private readonly include: GlobSet;
  private readonly exclude: GlobSet;

  constructor(
    private readonly folder: string,
    include: readonly string[],
    exclude: readonly string[],
  ) {
    this.include = compileGlobs(include, GLOB_OPTIONS);
    this.exclude = compileGlobs(exclude, GLOB_OPTIONS);
  }

  /** The globs refused (they match nothing), each with its setting and the reason, for the log. */
  get refused(): { setting: string; pattern: string; reason: string }[] {
    return [
      ...this.include.refused.map((r) => ({ setting: INCLUDE_SETTING, ...r })),
      ...this.exclude.refused.map((r) => ({ setting: EXCLUDE_SETTING, ...r })),
    ];
  }

  /** Whether the folder's settings select `file` (an absolute path). */
  selects(file: string): boolean {
    if (!isInside(this.folder, file)) return false;
    const rel = relativeGlobPath(this.folder, file);
    return this.include.matches(rel) && !this.exclude.matches(rel);
  }

  /** Whether a whole directory is excluded (`**\/node_modules/**` excludes `a/node_modules/`). */
  prunes(dir: string): boolean {
    const rel = relativeGlobPath(this.folder, dir);
    return rel !== '' && this.exclude.matches(`${rel}/`);
  }
}

export interface WalkOptions {
  /** In untrusted workspaces symlinked files are followed only when they resolve inside the folder. */
  trusted: boolean;
  maxFiles?: number;
  isCancelled?: () => boolean;
  /** Told about each selected file left out (a dangling symlink, a link out of an untrusted folder, the file limit). */
  onSkipped?: (file: string, reason: string) => void;
}

/** Every selected file under `folder`, in directory order. Unreadable directories are skipped. */
export async function listSelectedFiles(fs: FileSystem, folder: string, filter: FileFilter, options: WalkOptions): Promise<string[]> {
  const found: string[] = [];
  const max = options.maxFiles ?? MAX_FILES_PER_FOLDER;
  const realFolder = (await fs.realPath(folder)) ?? folder;
  const pending = [folder];
  let stopped = false;
  while (pending.length > 0 && !stopped) {
    if (options.isCancelled?.()) break;
    const dir = pending.pop()!;
    const entries = await fs.readDirectory(dir);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirectories: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.kind === 'directory') {
        if (!filter.prunes(full)) subdirectories.push(full);
      } else if (entry.kind === 'file' || entry.kind === 'symlink') {
        if (!filter.selects(full)) continue;
        if (entry.kind === 'symlink') {
          const target = await fs.realPath(full);
          if (target === undefined) {
            options.onSkipped?.(full, 'it is a symbolic link whose target does not exist');
            continue;
          }
          if ((await fs.stat(target)) !== 'file') continue;
          if (!options.trusted && !isInside(realFolder, target)) {
            options.onSkipped?.(full, `it is a symbolic link to ${target}, outside the folder, and the workspace is not trusted`);
            continue;
          }
        }
        if (found.length >= max) {
          // Only said when there is a file past the limit: a folder of exactly `max` files is complete.
          options.onSkipped?.(folder, `the scan stopped at ${max.toLocaleString('en-US')} files, the limit per workspace folder; ${full} and the files after it were not read`);
          stopped = true;
          break;
        }
        found.push(full);
      }
    }
    pending.push(...subdirectories.reverse());
  }
  return found;
}
