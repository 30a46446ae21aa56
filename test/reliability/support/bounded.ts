/**
 * Runs one engine task in a worker thread with a memory cap and a watchdog. The watchdog only catches hangs: it is
 * generous (tens of seconds on a loaded 2-core machine for work that takes milliseconds to seconds), so the tests
 * assert that the work completes, within a heap cap, not how fast. The worker's stack is as small as the main
 * thread's, so recursion that would overflow in the server overflows here too.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TaskName, TaskResult } from './boundedTasks';

export interface Bounds {
  /** Fails only when the task has not finished by then: a hang, not a slow run. */
  watchdogMs?: number;
  /** V8 old-generation cap; exceeding it ends the worker with ERR_WORKER_OUT_OF_MEMORY, which fails the test. */
  maxHeapMb?: number;
}

const WORKER = path.join(__dirname, 'boundedTasks.js');

export function runBounded<N extends TaskName>(task: N, input: unknown, bounds: Bounds = {}): Promise<TaskResult<N>> {
  const watchdogMs = bounds.watchdogMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      workerData: { task, input },
      resourceLimits: { maxOldGenerationSizeMb: bounds.maxHeapMb ?? 1024, stackSizeMb: 1 },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`${task} did not finish within ${watchdogMs / 1000} s: it hangs (or the machine is far slower than any bound here allows)`)));
      void worker.terminate();
    }, watchdogMs);
    worker.once('message', (m: { ok: true; value: TaskResult<N> } | { ok: false; error: string }) => {
      finish(() => (m.ok ? resolve(m.value) : reject(new Error(`${task} threw: ${m.error}`))));
      void worker.terminate();
    });
    worker.once('error', (e: Error & { code?: string }) => {
      finish(() => reject(new Error(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `${task} ran out of its ${bounds.maxHeapMb ?? 1024} MB heap` : `${task} crashed: ${e.stack ?? e.message}`)));
    });
    worker.once('exit', (code) => finish(() => reject(new Error(`${task} worker exited with ${code} before answering`))));
  });
}
