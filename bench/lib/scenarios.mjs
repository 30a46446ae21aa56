// The LSP scenarios: edit → diagnostics, open → diagnostics, policy change, memory. Each takes a server
// description from servers.mjs, starts a fresh server process and stops it at the end.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { imageSpans } from '../generate.mjs';
import { pathToFileURL } from 'node:url';
import { fileUri } from './lspClient.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function positionAt(starts, offset) {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/**
 * `count` edits of image spans spread evenly over the file. Small files have fewer images than edits: spans are
 * then reused, each remembering its current text (edits never add lines, so other spans' positions stay valid).
 */
export function spreadSpans(text, count) {
  const spans = imageSpans(text);
  if (spans.length === 0) throw new Error('no image in the text');
  const used = Math.min(count, spans.length);
  const chosen = [];
  for (let k = 0; k < used; k++) chosen.push({ ...spans[Math.floor(((k + 0.5) * spans.length) / used)] });
  const out = [];
  for (let k = 0; k < count; k++) out.push(chosen[k % used]);
  return out;
}

/** The LSP change that replaces the span's current image, and the span updated to match. */
export function imageEdit(starts, span) {
  const text = replacementFor(span.image);
  const change = { range: { start: positionAt(starts, span.start), end: positionAt(starts, span.end) }, text };
  span.image = text;
  span.end = span.start + text.length;
  return change;
}

/** An image that flips the verdict of the seed policy, so each edit really changes the diagnostics. */
export function replacementFor(image) {
  return image.startsWith('public.ecr.aws/') ? 'docker.io/library/busybox:1.36' : 'public.ecr.aws/docker/library/busybox:1.36';
}

/** Waits until no publication has arrived for `ms` (servers without versioned diagnostics may publish late). */
async function quiet(client, ms) {
  for (;;) {
    const n = client.mark();
    await sleep(ms);
    if (client.mark() === n) return;
  }
}

function matches(spec, uri, version) {
  return (p) => p.uri === uri && (!spec.versioned || p.version === version);
}

/** Section 2: open once, then `warmup + edits` single-image incremental edits, each awaited. */
export async function measureEdits(spec, workspace, { name, text, edits, warmup, env }) {
  const client = await spec.start(workspace, { env });
  try {
    const uri = workspace.writeManifest(name, text);
    let since = client.mark();
    const t0 = performance.now();
    await client.open(uri, text, 1);
    const opened = await client.waitForPublish(matches(spec, uri, 1), since, `${spec.name}: diagnostics after didOpen`);
    const openMs = opened.at - t0;
    if (!spec.versioned) await quiet(client, 600);
    client.trim();
    const starts = lineStarts(text);
    const times = [];
    const counts = [];
    let last = opened;
    const spans = spreadSpans(text, warmup + edits);
    for (let i = 0; i < spans.length; i++) {
      const version = i + 2;
      const change = imageEdit(starts, spans[i]);
      since = client.mark();
      const t = performance.now();
      await client.change(uri, version, [change]);
      const published = await client.waitForPublish(matches(spec, uri, version), since, `${spec.name}: diagnostics for version ${version}`);
      if (i >= warmup) {
        times.push(published.at - t);
        counts.push(published.count);
      }
      last = published;
      client.trim();
    }
    // The last list as published: its JSON size is the payload each edit carries back, and the no-op server can replay it.
    const payload = JSON.stringify(last.diagnostics);
    return { openMs, openDiagnostics: opened.count, times, diagnostics: last.count, payload };
  } finally {
    await client.stop();
  }
}

/** Section 3: `warmup + runs` cold opens of the same text (closed in between, so nothing is cached); `between(measured)` runs before each. */
export async function measureOpens(spec, workspace, { name, text, runs, warmup, nodeArgs, between }) {
  const client = await spec.start(workspace, { nodeArgs });
  try {
    const uri = workspace.writeManifest(name, text);
    const times = [];
    let diagnostics = 0;
    for (let i = 0; i < warmup + runs; i++) {
      // A floor measured in between the opens sees the same machine load as they do.
      between?.(i >= warmup);
      const since = client.mark();
      const t = performance.now();
      await client.open(uri, text, 1);
      const published = await client.waitForPublish(matches(spec, uri, 1), since, `${spec.name}: diagnostics after didOpen`);
      if (i >= warmup) times.push(published.at - t);
      diagnostics = published.count;
      await client.close(uri);
      await quiet(client, 200);
      client.trim();
    }
    return { times, diagnostics };
  } finally {
    await client.stop();
  }
}

async function waitForFile(file, what) {
  const deadline = Date.now() + 60_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Profiles a scenario inside a running server through bench/profileProbe.mjs: `setup` runs unprofiled, `work` runs
 * between the profiler's start and stop. Returns the .cpuprofile path.
 */
async function profiled(spec, workspace, { probe, profileFile }, setup, work) {
  rmSync(profileFile, { force: true });
  rmSync(`${profileFile}.started`, { force: true });
  const client = await spec.start(workspace, { nodeArgs: ['--import', pathToFileURL(probe).href], env: { BENCH_PROFILE_FILE: profileFile } });
  try {
    const state = await setup(client);
    process.kill(client.pid, 'SIGUSR2');
    await waitForFile(`${profileFile}.started`, 'the profiler to start');
    await work(client, state);
    process.kill(client.pid, 'SIGUSR2');
    await waitForFile(profileFile, 'the profile');
    await sleep(200); // the probe writes the file in one call; let it finish
    return profileFile;
  } finally {
    await client.stop();
    rmSync(`${profileFile}.started`, { force: true });
  }
}

/** A CPU profile of `edits` image edits (the open before them is not profiled). */
export function profileEdits(spec, workspace, { name, text, edits, probe, profileFile }) {
  return profiled(spec, workspace, { probe, profileFile }, async (client) => {
    const uri = workspace.writeManifest(name, text);
    const since = client.mark();
    await client.open(uri, text, 1);
    await client.waitForPublish(matches(spec, uri, 1), since);
    client.trim();
    return uri;
  }, async (client, uri) => {
    const starts = lineStarts(text);
    const spans = spreadSpans(text, edits);
    for (let i = 0; i < spans.length; i++) {
      const since = client.mark();
      await client.change(uri, i + 2, [imageEdit(starts, spans[i])]);
      await client.waitForPublish(matches(spec, uri, i + 2), since);
      client.trim();
    }
  });
}

/** A CPU profile of `runs` cold opens (after one unprofiled warm-up open). */
export function profileOpens(spec, workspace, { name, text, runs, probe, profileFile }) {
  const openOnce = async (client, uri) => {
    const since = client.mark();
    await client.open(uri, text, 1);
    await client.waitForPublish(matches(spec, uri, 1), since);
    await client.close(uri);
    await quiet(client, 200);
    client.trim();
  };
  return profiled(spec, workspace, { probe, profileFile }, async (client) => {
    const uri = workspace.writeManifest(name, text);
    await openOnce(client, uri);
    return uri;
  }, async (client, uri) => {
    for (let i = 0; i < runs; i++) await openOnce(client, uri);
  });
}

/**
 * Section 4: `texts.length` open manifests and the open seed policy; each round flips the policy's failure action
 * and waits until every manifest has a publication whose seed-policy findings carry the new severity.
 */
export async function measurePolicyChange(spec, workspace, { texts, rounds, policyName = 'restrict-image-registries.yaml' }) {
  const client = await spec.start(workspace);
  try {
    const policyFile = workspace.policyPath(policyName);
    const policyUri = fileUri(policyFile);
    let policyText = readFileSync(policyFile, 'utf8');
    let since = client.mark();
    await client.open(policyUri, policyText, 1);
    const uris = texts.map((text, i) => workspace.writeManifest(`open-${String(i).padStart(2, '0')}.yaml`, text));
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i++) await client.open(uris[i], texts[i], 1);
    await Promise.all(uris.map((uri) => client.waitForPublish(matches(spec, uri, 1), since, `initial diagnostics of ${uri}`)));
    const openAllMs = performance.now() - t0;
    await quiet(client, 300);
    client.trim();
    const times = [];
    const seedCode = 'restrict-image-registries/';
    let findings = 0;
    for (let round = 0; round < rounds; round++) {
      const from = round % 2 === 0 ? 'Enforce' : 'Audit';
      const to = round % 2 === 0 ? 'Audit' : 'Enforce';
      const severity = to === 'Enforce' ? 1 : 2;
      const at = policyText.indexOf(`validationFailureAction: ${from}`) + 'validationFailureAction: '.length;
      const starts = lineStarts(policyText);
      const change = { range: { start: positionAt(starts, at), end: positionAt(starts, at + from.length) }, text: to };
      policyText = policyText.slice(0, at) + to + policyText.slice(at + from.length);
      since = client.mark();
      const t = performance.now();
      await client.change(policyUri, round + 2, [change]);
      const fresh = (uri) => (p) => p.uri === uri && p.diagnostics.some((d) => String(d.code).startsWith(seedCode))
        && p.diagnostics.filter((d) => String(d.code).startsWith(seedCode)).every((d) => d.severity === severity);
      const last = await Promise.all(uris.map((uri) => client.waitForPublish(fresh(uri), since, `fresh diagnostics of ${uri} after ${from}→${to}`)));
      times.push(Math.max(...last.map((p) => p.at)) - t);
      findings = last.reduce((n, p) => n + p.diagnostics.filter((d) => String(d.code).startsWith(seedCode)).length, 0);
      await quiet(client, 300);
      client.trim();
    }
    return { times, openAllMs, seedFindings: findings };
  } finally {
    await client.stop();
  }
}

async function memorySample(client, file, previous) {
  process.kill(client.pid, 'SIGUSR2');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (existsSync(file)) {
      try {
        const sample = JSON.parse(readFileSync(file, 'utf8'));
        if (sample.sample > previous) return sample;
      } catch {
        // half-written: read again
      }
    }
    if (Date.now() > deadline) throw new Error('the memory probe did not answer');
    await sleep(50);
  }
}

/**
 * Section 6: heap and RSS (after a full GC) before opening `text`, after its diagnostics, and after closing it,
 * through bench/memProbe.mjs. A small warm-up manifest is opened and closed first so compiled code is not growth.
 */
export async function measureMemory(spec, workspace, { name, text, warmupText, probe, memFile }) {
  rmSync(memFile, { force: true });
  const client = await spec.start(workspace, { nodeArgs: ['--expose-gc', '--import', pathToFileURL(probe).href], env: { BENCH_MEM_FILE: memFile } });
  try {
    const openAndWait = async (uri, body) => {
      const since = client.mark();
      await client.open(uri, body, 1);
      const published = await client.waitForPublish(matches(spec, uri, 1), since);
      client.trim();
      return published;
    };
    const warmupUri = workspace.writeManifest(`warmup-${name}`, warmupText);
    await openAndWait(warmupUri, warmupText);
    await client.close(warmupUri);
    await quiet(client, 200);
    const before = await memorySample(client, memFile, 0);
    const uri = workspace.writeManifest(name, text);
    const published = await openAndWait(uri, text);
    const after = await memorySample(client, memFile, before.sample);
    await client.close(uri);
    await quiet(client, 200);
    client.trim();
    const closed = await memorySample(client, memFile, after.sample);
    return { before, after, closed, diagnostics: published.count };
  } finally {
    await client.stop();
    rmSync(memFile, { force: true });
  }
}
