/**
 * The one place where document URIs become file-system paths and back. Policy files are keyed by path in the
 * PolicyStore (as in the CLI); documents that are not files (untitled:) keep their URI as their key.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function uriToKey(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export function isFileKey(key: string): boolean {
  return path.isAbsolute(key) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(key);
}

export function keyToUri(key: string): string {
  return isFileKey(key) ? pathToFileURL(key).href : key;
}

/** True when `file` is `folder` itself or inside it (no `..` escape). */
export function isInside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Forward-slash path of `file` relative to `folder`, as glob patterns expect. */
export function relativeGlobPath(folder: string, file: string): string {
  return path.relative(folder, file).split(path.sep).join('/');
}

export type ExtraPathResolution = { path: string } | { refused: string };

/**
 * `registryGuard.policies.extraPaths` entries: absolute paths and `~/...` are taken as written; relative paths
 * are resolved against the workspace folder whose settings hold them and must stay inside it, so that a
 * workspace's settings cannot point the server at arbitrary files through `..`.
 */
export function resolveExtraPath(entry: string, folder: string | undefined): ExtraPathResolution {
  if (entry === '~' || entry.startsWith('~/')) return { path: path.join(os.homedir(), entry.slice(1)) };
  if (path.isAbsolute(entry)) return { path: path.normalize(entry) };
  if (folder === undefined) return { refused: `relative path "${entry}" needs a workspace folder` };
  const resolved = path.resolve(folder, entry);
  if (!isInside(folder, resolved)) return { refused: `relative path "${entry}" leaves the workspace folder ${folder}` };
  return { path: resolved };
}
