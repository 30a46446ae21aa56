/** The file watchers the server asks the client for (workspace/didChangeWatchedFiles, registered dynamically). */
import * as path from 'node:path';
import { WatchKind, type FileSystemWatcher } from 'vscode-languageserver-protocol';
import { keyToUri } from './paths';

export const YAML_GLOB = '**/*.{yaml,yml}';

/** `outsideExtraPaths`: extraPaths entries (files or folders) that no workspace folder contains. */
export function policyWatchers(outsideExtraPaths: readonly string[], relativePatternSupport: boolean): FileSystemWatcher[] {
  const watchers: FileSystemWatcher[] = [
    { globPattern: YAML_GLOB },
    // Deleting a folder is reported for the folder alone, which the YAML glob does not match.
    { globPattern: '**/*', kind: WatchKind.Delete },
  ];
  for (const extra of outsideExtraPaths) {
    const isFile = /\.ya?ml$/i.test(extra);
    const base = isFile ? path.dirname(extra) : extra;
    const pattern = isFile ? path.basename(extra) : YAML_GLOB;
    watchers.push({
      globPattern: relativePatternSupport ? { baseUri: keyToUri(base), pattern } : `${base.split(path.sep).join('/')}/${pattern}`,
    });
  }
  return watchers;
}
