// Summarises a V8 .cpuprofile (node --cpu-prof) by original source file and function, through the bundle's
// source map: where the time of a missed target goes.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './servers.mjs';

const maps = new Map();

function sourceMapFor(url) {
  if (maps.has(url)) return maps.get(url);
  let map;
  try {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = undefined;
  }
  maps.set(url, map);
  return map;
}

/** "server/src/engine/yaml/build.ts", "node_modules/vscode-jsonrpc", "(garbage collector)", "node:internal". */
function place(frame) {
  const { url, functionName, lineNumber, columnNumber } = frame;
  if (url === '') return { file: functionName.startsWith('(') ? functionName : '(native)', name: functionName || '(anonymous)' };
  if (url.startsWith('node:')) return { file: 'node:internal', name: functionName || '(anonymous)' };
  let file = url.startsWith('file:') ? relative(root, fileURLToPath(url)) : url;
  let line = lineNumber;
  const map = sourceMapFor(url);
  if (map !== undefined) {
    const entry = map.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      let src = entry.originalSource;
      if (src.startsWith('file:')) src = fileURLToPath(src);
      file = relative(root, new URL(src, url).pathname);
      line = entry.originalLine;
    }
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (nm) file = `node_modules/${nm[1]}`;
  return { file, name: `${functionName || '(anonymous)'}${nm ? '' : ` :${line + 1}`}` };
}

/**
 * @returns {{ totalMs: number, idleMs: number, byFile: {file: string, selfMs: number}[],
 *            topSelf: {fn: string, file: string, selfMs: number}[], topInclusive: {fn: string, file: string, ms: number}[] }}
 */
export function summarizeProfile(path, { top = 12 } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const placeOf = new Map();
  const placeFor = (id) => {
    let p = placeOf.get(id);
    if (p === undefined) {
      p = place(byId.get(id).callFrame);
      placeOf.set(id, p);
    }
    return p;
  };
  const self = new Map();
  const files = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; charge it to this sample's frame.
    const dt = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
    const id = samples[i];
    const p = placeFor(id);
    if (p.file === '(idle)' || p.name === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const key = `${p.file}\u0000${p.name}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    files.set(p.file, (files.get(p.file) ?? 0) + dt);
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const q = placeFor(n);
      const k = `${q.file}\u0000${q.name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const split = (k) => {
    const [file, fn] = k.split('\u0000');
    return { file, fn };
  };
  // Wrappers that every sample passes through say nothing about where the time goes.
  const WRAPPERS = /^(\((root|program)\)|\(anonymous\)|handleMessage|handleNotification|processMessageQueue|doRunNext|guard :\d+|listOnTimeout|processTimers|emit|onData|callback)/;
  const interesting = (k) => !k.startsWith('node:internal') && !WRAPPERS.test(k.split('\u0000')[1]);
  return {
    totalMs: total,
    idleMs: idle,
    byFile: [...files].sort((a, b) => b[1] - a[1]).slice(0, top).map(([file, selfMs]) => ({ file, selfMs })),
    topSelf: [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, selfMs]) => ({ ...split(k), selfMs })),
    topInclusive: [...inclusive].filter(([k]) => interesting(k)).sort((a, b) => b[1] - a[1]).slice(0, top + 6).map(([k, ms]) => ({ ...split(k), ms })),
  };
}
