/**
 * The file access the server needs, behind an interface so handler tests can use an in-memory fake.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

export interface FileSystem {
  /** The file's text, or undefined when it is missing, unreadable or larger than `maxBytes`. */
  readFile(file: string, maxBytes: number): Promise<string | undefined>;
  readDirectory(dir: string): Promise<DirectoryEntry[]>;
  /** 'file' | 'directory' after following symlinks, undefined when missing. */
  stat(file: string): Promise<'file' | 'directory' | undefined>;
  realPath(file: string): Promise<string | undefined>;
  /** The size in bytes of a regular file (after following symlinks), undefined otherwise; used to explain a skipped file. */
  fileSize?(file: string): Promise<number | undefined>;
}

export const nodeFileSystem: FileSystem = {
  async readFile(file, maxBytes) {
    try {
      const handle = await fs.open(file, 'r');
      try {
        const info = await handle.stat();
        if (!info.isFile() || info.size > maxBytes) return undefined;
        return await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  },
  async readDirectory(dir) {
    try {
      const entries = await fs.readdir(dir, { withFileTypes: true });
      return entries.map((e) => ({
        name: e.name,
        kind: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other',
      }));
    } catch {
      return [];
    }
  },
  async stat(file) {
    try {
      const info = await fs.stat(file);
      return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : undefined;
    } catch {
      return undefined;
    }
  },
  async fileSize(file) {
    try {
      const info = await fs.stat(file);
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  },
  async realPath(file) {
    try {
      return await fs.realpath(path.resolve(file));
    } catch {
      return undefined;
    }
  },
};
