import type { Writable } from 'node:stream';
import type { FixOptions } from './args';

export function runFix(_options: FixOptions & { cwd: string }, _out: Writable, err: Writable): number {
  err.write('registry-guard: fix is not available yet\n');
  return 2;
}
