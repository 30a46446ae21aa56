// Preloaded into a language server under test (`node --expose-gc --import ./bench/memProbe.mjs dist/server.js --stdio`):
// on SIGUSR2 it collects garbage and writes process.memoryUsage() to $BENCH_MEM_FILE. The server's own code is
// untouched; the signal is handled on the event loop, so a sample never lands in the middle of an analysis.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MEM_FILE;
if (file) {
  let sample = 0;
  process.on('SIGUSR2', () => {
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
    }
    sample++;
    writeFileSync(file, JSON.stringify({ sample, ...process.memoryUsage() }));
  });
}
