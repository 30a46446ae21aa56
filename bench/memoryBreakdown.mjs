// Section 6 detail (run in its own process by run.mjs): where the heap of an open file goes, layer by layer, with the
// same engine the server bundles (out/ transpile) and the bench policies. Heap deltas after a full GC.
//
//   node --expose-gc bench/memoryBreakdown.mjs BYTES      prints one JSON object on stdout
import { createRequire } from 'node:module';
import { generateManifests } from './generate.mjs';
import { policyFiles } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const { parseYamlFile } = require('../out/server/src/engine/yaml/index.js');
const { Analyzer, PolicyStore } = require('../out/server/src/engine/analysis/index.js');
const { TextDocument } = require('vscode-languageserver-textdocument');

const bytes = Number(process.argv[2] ?? 1_000_000);
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const store = new PolicyStore();
for (const p of policyFiles()) store.setFile(`/policies/${p.name}`, p.text);
void store.set;

function layers(text) {
  const kept = { text };
  const h1 = heap();
  kept.document = TextDocument.create('file:///bench.yaml', 'yaml', 1, kept.text);
  kept.document.positionAt(kept.text.length); // builds the line-offset table, as the first diagnostic does
  const h2 = heap();
  kept.yaml = parseYamlFile(kept.text);
  const h3 = heap();
  for (const d of kept.yaml.documents) if (d.parsed.contents !== null) d.parsed.toJS();
  const h4 = heap();
  kept.analysis = new Analyzer(store).analyze('/bench.yaml', kept.yaml);
  const h5 = heap();
  return { kept, deltas: [h2 - h1, h3 - h2, h4 - h3, h5 - h4] };
}

// A small file first, so that compiled code and lazily built tables are not counted as the big file's memory.
layers(generateManifests({ seed: 7, bytes: 50_000 }).text);
const { kept, deltas } = layers(generateManifests({ bytes }).text);
// The text is one flat one-byte string (the generator writes ASCII): its size is its length.
const textBytes = kept.text.length;

process.stdout.write(`${JSON.stringify({
  bytes: kept.text.length,
  documents: kept.yaml.documents.length,
  results: kept.analysis.results.length,
  findings: kept.analysis.findings.length,
  layers: [
    ['file text (one flat one-byte string, counted not measured)', textBytes],
    ['TextDocument + line offsets', deltas[0]],
    ['YAML model (parseYamlFile)', deltas[1]],
    ['plain values (toJS of every document)', deltas[2]],
    ['analysis (rule results, cache, findings)', deltas[3]],
  ],
  total: textBytes + deltas.reduce((a, b) => a + b, 0),
})}\n`);
