import * as path from 'node:path';
import * as fs from 'node:fs';

/** The repository root, found from the compiled test file's location (out/test/...). */
export const repoRoot: string = findRoot(__dirname);

/**
 * Kyverno's own test data lives beside the checkout in ../shared (read-only). CI lays a copy of
 * shared/ next to the clone, so the same relative path works there; REGISTRY_GUARD_SHARED overrides it.
 */
export const sharedDir: string = process.env.REGISTRY_GUARD_SHARED ?? path.resolve(repoRoot, '..', 'shared');
export const kyvernoDataDir: string = path.join(sharedDir, 'kyverno');
export const fixturesDir: string = path.join(repoRoot, 'test', 'fixtures');

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'server'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${start}`);
    dir = parent;
  }
}
