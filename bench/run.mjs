// Registry Guard benchmark: `npm run bench` (full, writes bench/results.md) or `node bench/run.mjs --smoke`
// (tiny sizes, checks that every section still runs; writes bench/data/results-smoke.md, asserts no timing).
//
// Every ratio compares two measurements taken side by side in this run: absolute times on a shared machine
// are noise, ratios much less so. See bench/README.md for what each section measures and why.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateFiles, generateManifests, imageSpans } from './generate.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { measureEdits, measureMemory, measureOpens, measurePolicyChange, profileEdits, profileOpens } from './lib/scenarios.mjs';
import { benchDir, dataDir, makeWorkspace, policyFiles, POLICY_DIR, RG_SETTINGS, root, SEED_POLICY, servers } from './lib/servers.mjs';
import { int, mb, median, ms, percentile, ratio, table, verdict } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const jsYaml = require('js-yaml');

const smoke = process.argv.includes('--smoke');
const noProfile = process.argv.includes('--no-profile');

const CONFIG = smoke
  ? {
    sizes: [['20 kB', 20_000], ['100 kB', 100_000]],
    edits: 3, editWarmup: 1, yamlLsEdits: [1, 1], yamlLsWarmup: 0,
    opens: [2, 2], openWarmup: 1,
    policyChange: { files: 3, bytes: 20_000, rounds: 2 },
    cli: { files: 40, bytesEach: 600 },
    memory: [['100 kB', 100_000]],
    profile: process.argv.includes('--profile'),
    out: join(dataDir, 'results-smoke.md'),
  }
  : {
    sizes: [['1 MB', 1_000_000], ['10 MB', 10_000_000]],
    edits: 50, editWarmup: 3, yamlLsEdits: [10, 3], yamlLsWarmup: 1,
    opens: [5, 3], openWarmup: 1,
    policyChange: { files: 20, bytes: 1_000_000, rounds: 4 },
    cli: { files: 10_000, bytesEach: 600 },
    memory: [['1 MB', 1_000_000], ['10 MB', 10_000_000]],
    profile: !noProfile,
    out: join(benchDir, 'results.md'),
  };

const TARGETS = { editVsFloor: 2, openVsJsYaml: 3, cliVsJsYaml: 0.5, heapPerByte: 15, yamlLsExpected: 50, linearExponent: 1.25 };

const out = [];
const failures = [];
const misses = [];
const say = (text = '') => {
  out.push(text);
  process.stdout.write(`${text}\n`);
};

async function section(title, body) {
  say(`## ${title}`);
  say();
  const t = performance.now();
  try {
    await body();
  } catch (error) {
    failures.push(title);
    say(`**Section failed:** ${String(error?.stack ?? error).split('\n').slice(0, 6).join(' / ')}`);
  }
  say();
  say(`_(section time ${((performance.now() - t) / 1000).toFixed(1)} s)_`);
  say();
}

function profileReport(title, file) {
  if (file === undefined || !existsSync(file)) {
    say(`_No profile was written for ${title}._`);
    return;
  }
  const s = summarizeProfile(file);
  say(`**Profile: ${title}** (${ms(s.totalMs)} ms of CPU samples, idle excluded; \`${file.slice(root.length)}\`)`);
  say();
  say(table(['self time by source', 'ms', 'share'], s.byFile.map((f) => [`\`${f.file}\``, ms(f.selfMs), `${((100 * f.selfMs) / s.totalMs).toFixed(1)}%`])));
  say();
  say(table(['inclusive time by function', 'source', 'ms', 'share'], s.topInclusive.map((f) => [`\`${f.fn}\``, `\`${f.file}\``, ms(f.ms), `${((100 * f.ms) / s.totalMs).toFixed(1)}%`])));
  say();
}

/** One js-yaml `loadAll` of `text`, in ms (the floor of sections 3 and 5 is this, in this process). */
function jsYamlOnce(text) {
  const t = performance.now();
  jsYaml.loadAll(text);
  return performance.now() - t;
}

// ---------------------------------------------------------------------------------------------------------------

const startedAt = new Date();
mkdirSync(dataDir, { recursive: true });
say(`# Registry Guard benchmark${smoke ? ' (smoke: tiny sizes, numbers mean nothing)' : ''}`);
say();
say(`Run ${startedAt.toISOString()} on ${cpus().length}× ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 1e9)} GB, Node ${process.version}. ` +
  'Each ratio compares measurements taken side by side in this run; absolute times on this shared machine are noise.');
say();

const inputs = new Map();
const specs = servers();
/** The server publishes this notice instead of diagnostics for a file over registryGuard.maxFileSize. */
const notAnalysed = (payload) => payload.includes('"limit-file-size"');
const opensMedian = new Map();

await section('1. Inputs', async () => {
  for (const [label, bytes] of CONFIG.sizes) {
    const g = generateManifests({ bytes });
    inputs.set(label, g.text);
    writeFileSync(join(dataDir, `manifests-${label.replace(/\s/g, '')}.yaml`), g.text);
  }
  const rows = [];
  for (const [label] of CONFIG.sizes) {
    const text = inputs.get(label);
    const docs = jsYaml.loadAll(text);
    const kinds = {};
    for (const d of docs) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
    const lines = text.split('\n').length;
    rows.push([label, int(text.length), int(docs.length), int(lines), int(imageSpans(text).length), Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')]);
  }
  say('Generated by `bench/generate.mjs` (seeded: the same bytes every run); written to `bench/data/`.');
  say();
  say(table(['file', 'bytes', 'documents', 'lines', 'images', 'kinds'], rows));
  say();
  const policies = policyFiles();
  say(`Policies (${policies.length} files): the seed \`${SEED_POLICY.slice(root.length)}\` and \`${POLICY_DIR.slice(root.length)}/\`: ` +
    policies.map((p) => `\`${p.name.replace(/\.yaml$/, '')}\``).join(', ') + '. They cover pattern, anyPattern, `=()` anchors, exclude, deny with the `images` variable, foreach, a namespaced Policy and a PolicyException.');
  say();
  say(`Registry Guard settings (answered through \`workspace/configuration\`): \`${JSON.stringify({ registryGuard: RG_SETTINGS })}\`; ` +
    'maxFileSize is spelled out at its default so that the 10 MB file is analysed (a "limit-file-size" notice instead of diagnostics would be flagged below).');
});

await section('2. Edit → diagnostics (stdio, incremental didChange of one image, debounce 0)', async () => {
  say(`Each server gets a fresh process, opens the file, then ${CONFIG.editWarmup} warm-up + ${CONFIG.edits} measured edits, each awaited: ` +
    'time from sending `didChange` to receiving `publishDiagnostics` for that version. Each edit replaces one image so that its verdict flips. ' +
    '"Payload floor": the no-op server publishing, for every version, the very diagnostics list Registry Guard published (same JSON), so the cost of ' +
    'serialising, sending and parsing that list is measured without any analysis. yaml-language-server (validation on, no schemas: nothing offline to check Kubernetes against) ' +
    'publishes without a version and has a fixed, unconfigurable 200 ms validation delay (`validationDelayMs`); it gets ' +
    `${CONFIG.yamlLsEdits.join(' / ')} measured edits (it is slow) and its ratio is shown with and without those 200 ms.`);
  say();
  const rows = [];
  const summary = [];
  let payloadSample;
  const payloadMb = (r) => mb(Buffer.byteLength(r.payload));
  for (const [index, [label]] of CONFIG.sizes.entries()) {
    const text = inputs.get(label);
    const tag = label.replace(/\s/g, '');
    const run = async (spec, ws, edits, warmup, env) => {
      const r = await measureEdits(spec, ws, { name: `edit-${tag}.yaml`, text, edits, warmup, env });
      return { ...r, p50: percentile(r.times, 50), p95: percentile(r.times, 95) };
    };
    const withPayloadFloor = async (ws, name) => {
      const rg = await run(specs.rg, ws, CONFIG.edits, CONFIG.editWarmup);
      const replayFile = join(dataDir, `replay-${tag}-${ws.expectedPolicies}.json`);
      writeFileSync(replayFile, rg.payload);
      const payloadFloor = await run(specs.noop, ws, CONFIG.edits, CONFIG.editWarmup, { BENCH_DIAGNOSTICS_FILE: replayFile });
      return { name, rg, payloadFloor };
    };
    const ws = makeWorkspace('edit');
    try {
      const floor = await run(specs.noop, ws, CONFIG.edits, CONFIG.editWarmup);
      const variants = [await withPayloadFloor(ws, 'Registry Guard')];
      if (index === 0) payloadSample = JSON.parse(variants[0].rg.payload);
      if (index === 0) {
        // The same file against the seed policy alone: fewer diagnostics, to show how the latency follows the payload.
        const seedWs = makeWorkspace('edit-seed', { seedOnly: true });
        try {
          variants.push(await withPayloadFloor(seedWs, 'Registry Guard, seed policy only'));
        } finally {
          seedWs.remove();
        }
      }
      const yamlLs = await run(specs.yamlLs, ws, CONFIG.yamlLsEdits[index], CONFIG.yamlLsWarmup);
      rows.push([label, specs.noop.name, ms(floor.p50), ms(floor.p95), int(floor.diagnostics), payloadMb(floor), '1×', '—', '—']);
      for (const v of variants) {
        const x = v.rg.p50 / floor.p50;
        const met = x <= TARGETS.editVsFloor;
        const full = v === variants[0];
        if (!met && full) misses.push({ what: `edit→diagnostics ${label}`, value: `${ratio(x)} floor (${ratio(v.rg.p50 / v.payloadFloor.p50)} payload floor)`, target: `≤ ${TARGETS.editVsFloor}× floor` });
        if (notAnalysed(v.rg.payload)) misses.push({ what: `edit→diagnostics ${label}: file NOT analysed (limit-file-size notice)`, value: '—', target: 'analysed' });
        rows.push([label, `no-op server replaying ${v.name === 'Registry Guard' ? 'the' : 'the seed-only'} ${int(v.payloadFloor.diagnostics)} diagnostics (payload floor)`, ms(v.payloadFloor.p50), ms(v.payloadFloor.p95), int(v.payloadFloor.diagnostics), payloadMb(v.payloadFloor), ratio(v.payloadFloor.p50 / floor.p50), '1×', '—']);
        rows.push([label, `**${v.name}**`, ms(v.rg.p50), ms(v.rg.p95), int(v.rg.diagnostics), payloadMb(v.rg), ratio(x), ratio(v.rg.p50 / v.payloadFloor.p50), full ? `${verdict(met)} (≤ ${TARGETS.editVsFloor}× floor)` : '(for comparison)']);
      }
      const rg = variants[0].rg;
      rows.push([label, specs.yamlLs.name, ms(yamlLs.p50), ms(yamlLs.p95), int(yamlLs.diagnostics), payloadMb(yamlLs), ratio(yamlLs.p50 / floor.p50), '—', '—']);
      const yx = yamlLs.p50 / rg.p50;
      const yxNoDelay = (yamlLs.p50 - 200) / rg.p50;
      summary.push(`${label}: yaml-language-server p50 / Registry Guard p50 = **${ratio(yx)}**, without its 200 ms delay **${ratio(yxNoDelay)}** ` +
        `(expected > ${TARGETS.yamlLsExpected}×: ${yxNoDelay > TARGETS.yamlLsExpected ? 'yes' : '**no**'}; yaml-language-server without its delay / payload floor = ${ratio((yamlLs.p50 - 200) / variants[0].payloadFloor.p50)}). ` +
        `First open → diagnostics: Registry Guard ${ms(rg.openMs)} ms, yaml-language-server ${ms(yamlLs.openMs)} ms, no-op ${ms(floor.openMs)} ms.`);
      if (!(yxNoDelay > TARGETS.yamlLsExpected)) misses.push({ what: `edit→diagnostics ${label}: faster than yaml-language-server`, value: ratio(yxNoDelay), target: `> ${TARGETS.yamlLsExpected}× (expected)` });
    } finally {
      ws.remove();
    }
  }
  say(table(['file', 'server', 'p50 ms', 'p95 ms', 'diagnostics', 'publish JSON', 'p50 / floor', 'p50 / payload floor', 'target'], rows));
  say();
  for (const line of summary) say(`- ${line}`);
  if (payloadSample !== undefined && payloadSample.length > 0) {
    const fields = {};
    for (const d of payloadSample) for (const [k, v] of Object.entries(d)) fields[k] = (fields[k] ?? 0) + JSON.stringify(v).length;
    const total = JSON.stringify(payloadSample).length;
    say();
    say(`Average JSON bytes per published diagnostic (${CONFIG.sizes[0][0]}, all policies): ${Math.round(total / payloadSample.length)} in all; ` +
      Object.entries(fields).sort((a, b) => b[1] - a[1]).map(([k, n]) => `\`${k}\` ${Math.round(n / payloadSample.length)}`).join(', ') + '.');
  }
});

await section('3. Open → diagnostics (didOpen of the whole file, cold: closed in between)', async () => {
  say('Floor: js-yaml `loadAll` of the same text in the bench process (no positions, no evaluation), one run just before each Registry Guard open so both see the same machine load. ' +
    'The no-op server row is the transport cost of sending the text. ' +
    `Registry Guard: ${CONFIG.openWarmup} warm-up open, then the median of ${CONFIG.opens.join(' / ')} opens, the file closed in between (a re-open parses and evaluates everything again).`);
  say();
  const rows = [];
  for (const [index, [label]] of CONFIG.sizes.entries()) {
    const text = inputs.get(label);
    const runs = CONFIG.opens[index];
    const ws = makeWorkspace('open');
    try {
      const noop = await measureOpens(specs.noop, ws, { name: 'open.yaml', text, runs, warmup: CONFIG.openWarmup });
      const floorTimes = [];
      const between = (measured) => {
        const dt = jsYamlOnce(text);
        if (measured) floorTimes.push(dt);
      };
      const r = await measureOpens(specs.rg, ws, { name: 'open.yaml', text, runs, warmup: CONFIG.openWarmup, between });
      const floor = median(floorTimes);
      const m = median(r.times);
      opensMedian.set(label, m);
      const x = m / floor;
      const met = x <= TARGETS.openVsJsYaml;
      if (!met) misses.push({ what: `open→diagnostics ${label}`, value: ratio(x), target: `≤ ${TARGETS.openVsJsYaml}× js-yaml` });
      rows.push([label, 'js-yaml loadAll (floor)', `${ms(floor)} [${ms(Math.min(...floorTimes))}–${ms(Math.max(...floorTimes))}]`, '—', '1×', '—']);
      rows.push([label, specs.noop.name, ms(median(noop.times)), int(noop.diagnostics), ratio(median(noop.times) / floor), '—']);
      rows.push([label, '**Registry Guard**', `${ms(m)} [${ms(Math.min(...r.times))}–${ms(Math.max(...r.times))}]`, int(r.diagnostics), ratio(x), `${verdict(met)} (≤ ${TARGETS.openVsJsYaml}×)`]);
    } finally {
      ws.remove();
    }
  }
  say(table(['file', 'what', 'median ms [min–max]', 'diagnostics', '/ js-yaml', 'target'], rows));
});

await section(`4. Policy change with ${CONFIG.policyChange.files} open manifests of ${mb(CONFIG.policyChange.bytes)}`, async () => {
  const texts = [];
  for (let i = 0; i < CONFIG.policyChange.files; i++) texts.push(generateManifests({ seed: 1000 + i, bytes: CONFIG.policyChange.bytes }).text);
  const ws = makeWorkspace('policy');
  try {
    const r = await measurePolicyChange(specs.rg, ws, { texts, rounds: CONFIG.policyChange.rounds });
    const cold = opensMedian.get(CONFIG.sizes[0][0]);
    const m = median(r.times);
    say(`The seed policy is open in the editor; each round edits its \`validationFailureAction\` (Enforce ↔ Audit) and waits until all ${texts.length} manifests ` +
      `have a new publication whose seed-policy diagnostics carry the new severity (${int(r.seedFindings)} of them per round).`);
    say();
    const coldLabel = CONFIG.policyChange.bytes === CONFIG.sizes[0][1] ? `one cold open of ${CONFIG.sizes[0][0]} (section 3)` : 'one cold open (section 3, different size)';
    say(table(['what', 'ms', 'ratio'], [
      [`opening all ${texts.length} manifests (initial diagnostics)`, ms(r.openAllMs), '—'],
      [`policy edit → all ${texts.length} fresh (median of ${r.times.length}: ${r.times.map(ms).join(', ')})`, ms(m), cold ? `${ratio(m / cold)} ${coldLabel}` : 'n/a'],
    ]));
  } finally {
    ws.remove();
  }
});

await section(`5. CLI scan: ${int(CONFIG.cli.files)} files, \`registry-guard check --format json\``, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rg-bench-cli-'));
  try {
    const manifests = join(dir, 'manifests');
    let bytes = 0;
    const files = [];
    for (const f of generateFiles({ count: CONFIG.cli.files, bytesEach: CONFIG.cli.bytesEach })) {
      const file = join(manifests, f.name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, f.text);
      bytes += Buffer.byteLength(f.text);
      files.push(file);
    }
    const cliArgs = [join(root, 'dist', 'cli.js'), 'check', '--format', 'json', '--policy', SEED_POLICY, '--policy', POLICY_DIR, manifests];
    const runCli = (nodeArgs = []) => {
      const outFile = join(dir, 'out.json');
      const fd = openSync(outFile, 'w');
      const t = performance.now();
      const r = spawnSync(process.execPath, [...nodeArgs, ...cliArgs], { cwd: dir, stdio: ['ignore', fd, 'pipe'], maxBuffer: 64 * 1024 * 1024 });
      const elapsed = performance.now() - t;
      closeSync(fd);
      if (r.status !== 0 && r.status !== 1) throw new Error(`registry-guard check exited ${r.status}: ${r.stderr}`);
      const size = statSync(outFile).size;
      const tail = Buffer.alloc(Math.min(size, 4096));
      const tfd = openSync(outFile, 'r');
      readSync(tfd, tail, 0, tail.length, size - tail.length);
      closeSync(tfd);
      const summary = /"summary": (\{[^}]*\})/.exec(tail.toString())?.[1];
      return { elapsed, status: r.status, outBytes: size, summary: summary ? JSON.parse(summary) : undefined };
    };
    // The floor and the CLI alternate (after one unmeasured floor run that warms the page cache), so both see
    // the same machine load.
    const floorOnce = () => {
      const t = performance.now();
      let docs = 0;
      for (const f of files) docs += jsYaml.loadAll(readFileSync(f, 'utf8')).length;
      return { ms: performance.now() - t, docs };
    };
    floorOnce();
    const floorRuns = [];
    const cliRuns = [];
    for (let i = 0; i < (smoke ? 1 : 3); i++) {
      floorRuns.push(floorOnce());
      cliRuns.push(runCli());
    }
    const floor = median(floorRuns.map((r) => r.ms));
    const cli = median(cliRuns.map((r) => r.elapsed));
    const last = cliRuns[cliRuns.length - 1];
    const x = floor / cli;
    const met = x >= TARGETS.cliVsJsYaml;
    if (!met) misses.push({ what: 'CLI scan vs js-yaml read + loadAll', value: ratio(x), target: `≥ ${TARGETS.cliVsJsYaml}` });
    say(`${int(files.length)} files, ${mb(bytes)}, ${int(floorRuns[0].docs)} documents (\`generateFiles\`, 1–3 documents each), ${policyFiles().length} policy files. ` +
      'The CLI time is the whole child process (Node start-up, policy loading, analysis, JSON output to a file); the floor reads and `loadAll`s the same files in the bench process.');
    say();
    say(table(['what', 'ms', 'MB/s', 'files/s', 'ratio (floor / CLI)', 'target'], [
      [`js-yaml read + loadAll (floor, median of ${floorRuns.length})`, ms(floor), (bytes / 1e3 / floor).toFixed(1), int(Math.round(files.length / (floor / 1000))), '—', '—'],
      [`registry-guard check --format json (median of ${cliRuns.length}; exit ${last.status})`, ms(cli), (bytes / 1e3 / cli).toFixed(2), int(Math.round(files.length / (cli / 1000))), x.toFixed(3), `${verdict(met)} (≥ ${TARGETS.cliVsJsYaml})`],
    ]));
    say();
    say(`JSON report: ${mb(last.outBytes)}; summary ${JSON.stringify(last.summary)}.`);
    if (!met && CONFIG.profile) {
      const profileDir = join(dataDir, 'profiles', 'cli');
      rmSync(profileDir, { recursive: true, force: true });
      runCli(['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
      say();
      const written = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
      profileReport('registry-guard check over the same files (whole process, `node --cpu-prof`)', written.length > 0 ? join(profileDir, written[0]) : undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

await section('6. Memory after opening a file (heap and RSS after a full GC)', async () => {
  say('Sampled by `bench/memProbe.mjs`, preloaded into the server (`node --expose-gc --import bench/memProbe.mjs`): on SIGUSR2 it runs `gc()` and writes `process.memoryUsage()`. ' +
    'Before the first sample the server opens and closes a small other manifest, so that compiled code and warmed caches are not counted as growth; the last sample is taken after closing the file (a leak would show there). ' +
    'The server has no request that reports memory (`registryGuard/state` does not), and its sources are not changed for this.');
  say();
  const rows = [];
  for (const [label, bytes] of CONFIG.memory) {
    const text = generateManifests({ bytes }).text;
    const name = 'Registry Guard';
    {
      const ws = makeWorkspace('mem');
      try {
        const r = await measureMemory(specs.rg, ws, { name: 'mem.yaml', text, warmupText: generateManifests({ seed: 7, bytes: 20_000 }).text, probe: join(benchDir, 'memProbe.mjs'), memFile: join(ws.dir, 'mem.json') });
        const growth = r.after.heapUsed - r.before.heapUsed;
        const x = growth / text.length;
        const met = x <= TARGETS.heapPerByte;
        if (!met) misses.push({ what: `heap growth ${label} (${name})`, value: `${x.toFixed(1)}× file size`, target: `≤ ${TARGETS.heapPerByte}×` });
        rows.push([label, name, mb(r.before.heapUsed), mb(r.after.heapUsed), mb(growth), `${x.toFixed(1)}×`, mb(r.after.rss), mb(r.after.rss - r.before.rss), mb(r.closed.heapUsed), int(r.diagnostics), `${verdict(met)} (≤ ${TARGETS.heapPerByte}×)`]);
      } finally {
        ws.remove();
      }
    }
  }
  say(table(['file', 'server', 'heap before', 'heap after', 'heap growth', 'growth / file size', 'RSS after', 'RSS growth', 'heap after close', 'diagnostics', 'target'], rows));
  say();
  const [label, bytes] = CONFIG.memory[CONFIG.memory.length - 1];
  const r = spawnSync(process.execPath, ['--expose-gc', join(benchDir, 'memoryBreakdown.mjs'), String(bytes)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`memoryBreakdown.mjs exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const b = JSON.parse(r.stdout);
  say(`Where it goes (\`bench/memoryBreakdown.mjs\`: the same engine in one process, heap after a full GC after each layer; ${label}, ${int(b.documents)} documents, ${int(b.results)} rule results, ${int(b.findings)} findings):`);
  say();
  say(table(['layer', 'heap', '× file size'], [
    ...b.layers.map(([layer, n]) => [layer, mb(n), `${(n / b.bytes).toFixed(1)}×`]),
    ['total', mb(b.total), `${(b.total / b.bytes).toFixed(1)}×`],
  ]));
});

await section('7. Adversarial inputs (each size doubles; linear code doubles its time)', async () => {
  const r = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(benchDir, 'adversarial.mjs'), ...(smoke ? ['--smoke'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`adversarial.mjs exited ${code}: ${stderr.slice(-2000)}`))));
  });
  say('In-process engine calls (`bench/adversarial.mjs` in its own process). The sizes of a case are measured round-robin and each reports its fastest sample, ' +
    'the one least disturbed by other processes on this shared machine. A doubling ratio near 2 is linear, near 4 quadratic; single steps are noisy, so the verdict uses ' +
    `the growth exponent over the whole range, log(time ratio) / log(size ratio): 1 is linear, 2 quadratic; "linear" means ≤ ${TARGETS.linearExponent}.`);
  say();
  const rows = r.cases.map((c) => {
    const first = c.points[0], last = c.points[c.points.length - 1];
    const exponent = Math.log(last.ms / first.ms) / Math.log(last.size / first.size);
    const linear = exponent <= TARGETS.linearExponent;
    if (!linear && !smoke) misses.push({ what: `adversarial: ${c.label}`, value: `growth exponent ${exponent.toFixed(2)}`, target: `≤ ${TARGETS.linearExponent}` });
    return [c.label, c.points.map((p) => `${int(p.size)}: ${ms(p.ms)}`).join('; '), c.ratios.map((x) => x.toFixed(2)).join(', '), exponent.toFixed(2), smoke ? '—' : linear ? 'linear' : '**super-linear**'];
  });
  say(table(['case', 'size: ms', 'doubling ratios', 'growth exponent', 'growth'], rows));
});

if (CONFIG.profile && misses.some((m) => m.what.startsWith('edit→') || m.what.startsWith('open→'))) {
  await section('Profiles of the missed LSP targets', async () => {
    say('Taken inside the Registry Guard server by `bench/profileProbe.mjs` (V8 CPU profiler through an in-process inspector session, started and stopped by SIGUSR2), so each profile covers only the scenario named. Times are CPU samples in the server process; "inclusive" counts a function with everything it calls.');
    say();
    const [label] = CONFIG.sizes[0];
    const text = inputs.get(label);
    const ws = makeWorkspace('prof');
    const dir = join(dataDir, 'profiles');
    mkdirSync(dir, { recursive: true });
    const probe = join(benchDir, 'profileProbe.mjs');
    try {
      if (misses.some((m) => m.what.startsWith('edit→'))) {
        const file = await profileEdits(specs.rg, ws, { name: 'prof-edit.yaml', text, edits: CONFIG.edits, probe, profileFile: join(dir, 'edits.cpuprofile') });
        profileReport(`${CONFIG.edits} image edits of the ${label} file (open not included)`, file);
      }
      if (misses.some((m) => m.what.startsWith('open→'))) {
        const file = await profileOpens(specs.rg, ws, { name: 'prof-open.yaml', text, runs: 3, probe, profileFile: join(dir, 'opens.cpuprofile') });
        profileReport(`3 cold opens of the ${label} file (after one unprofiled open)`, file);
      }
    } finally {
      ws.remove();
    }
  });
}

say('## Targets');
say();
if (misses.length === 0) say(failures.length === 0 ? 'Every target was met.' : 'No target was missed among the sections that ran.');
else say(table(['missed', 'measured', 'target'], misses.map((m) => [m.what, m.value, m.target])));
say();
const notes = join(benchDir, 'notes.md');
if (!smoke && existsSync(notes)) {
  say(readFileSync(notes, 'utf8').trim());
  say();
}
if (failures.length > 0) say(`bench: ${failures.length} section(s) failed: ${failures.join('; ')}`);
else say('bench: all sections ran');
writeFileSync(CONFIG.out, `${out.join('\n')}\n`);
process.stdout.write(`\nwritten to ${CONFIG.out.slice(root.length)}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
