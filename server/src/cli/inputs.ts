import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileGlobs, globProblem } from '../engine/globs';

export interface InputFile {
  /** As shown to the user: relative to the current folder where possible, forward slashes. */
  display: string;
  /** Absolute path, or '-' for standard input. */
  absolute: string;
}

export interface InputError { file: string; message: string }

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn', '.terraform']);
const YAML_FILE = /\.ya?ml$/i;

export function readIgnoreFile(cwd: string): string[] {
  const file = path.join(cwd, '.registryguardignore');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** Expands files and folders into YAML files, in a stable order, honouring exclude globs. */
export function collectInputs(paths: readonly string[], excludes: readonly string[], cwd: string): { files: InputFile[]; errors: InputError[]; warnings: string[] } {
  const files: InputFile[] = [];
  const errors: InputError[] = [];
  // A folder glob (`build`) also excludes everything below it.
  const globs = compileGlobs([...excludes, ...excludes.map((g) => `${g.replace(/\/+$/, '')}/**`)]);
  const warnings = excludes.flatMap((g) => {
    const reason = globProblem(g);
    return reason === undefined ? [] : [`exclude glob ignored: ${g}: ${reason}`];
  });
  const seen = new Set<string>();
  const display = (abs: string): string => {
    const rel = path.relative(cwd, abs);
    return (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
  };
  const excluded = (abs: string): boolean => {
    const rel = display(abs);
    return globs.matches(rel);
  };
  const add = (abs: string): void => {
    if (seen.has(abs) || excluded(abs)) return;
    seen.add(abs);
    files.push({ display: display(abs), absolute: abs });
  };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push({ file: display(dir), message: `cannot read folder: ${describe(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !excluded(abs)) walk(abs);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && YAML_FILE.test(entry.name)) {
        add(abs);
      }
    }
  };
  for (const p of paths) {
    if (p === '-') {
      if (!seen.has('-')) files.push({ display: '<stdin>', absolute: '-' });
      seen.add('-');
      continue;
    }
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (e) {
      errors.push({ file: display(abs), message: `cannot read: ${describe(e)}` });
      continue;
    }
    if (stat.isDirectory()) walk(abs);
    else add(abs);
  }
  return { files, errors, warnings };
}

export type ReadResult = { text: string } | { error: string };

/** Reads a file as UTF-8 text, refusing binary content rather than guessing. */
export function readTextFile(file: InputFile): ReadResult {
  let bytes: Buffer;
  try {
    bytes = file.absolute === '-' ? fs.readFileSync(0) : fs.readFileSync(file.absolute);
  } catch (e) {
    return { error: `cannot read: ${describe(e)}` };
  }
  return decodeText(bytes);
}

export function decodeText(bytes: Uint8Array): ReadResult {
  if (bytes.includes(0)) return { error: 'not a text file: it contains NUL bytes' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { error: 'not a text file: it is not valid UTF-8' };
  }
}

export function describe(e: unknown): string {
  if (e !== null && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const code = (e as { code: string }).code;
    const known: Record<string, string> = { ENOENT: 'no such file or folder', EACCES: 'permission denied', EISDIR: 'is a folder', EPERM: 'operation not permitted' };
    return known[code] ?? code;
  }
  return e instanceof Error ? e.message : String(e);
}
