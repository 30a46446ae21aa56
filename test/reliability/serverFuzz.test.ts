/**
 * Fuzzing one long-lived stdio language server with random editor traffic: didOpen / didChange (incremental edits,
 * several per notification, positions past the end of a line or the file) / full-text didChange / didClose over
 * manifests, policies (their unsaved text changes the policies every other document is judged by) and noise. After
 * every batch the server must answer registryGuard/state and a hover. After every sequence its diagnostics must
 * have caught up with the latest versions, and must equal what it computes from the same texts sent whole (the
 * incremental YAML model and the per-document caches never show a stale or different result).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { edit, fuzzOptions, manifestFile, mutated, placeEdit, policyFile, reportFuzz, yamlText, type Edit } from './support/generators';
import { SEED_POLICY } from './support/engine';
import { answered, fileUri, lastPublished, settled, shown, startServer, state, stopServer, tempWorkspace } from './support/server';

interface Op {
  kind: 'open' | 'change' | 'full' | 'close';
  doc: number;
  text: string;
  edits: (Edit & { raw: boolean })[];
}

const docText = fc.oneof({ weight: 4, arbitrary: manifestFile }, { weight: 3, arbitrary: mutated(manifestFile, 3) }, { weight: 2, arbitrary: policyFile }, { weight: 1, arbitrary: yamlText });
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('open', 'change', 'change', 'change', 'change', 'full', 'close'),
  doc: fc.nat({ max: 3 }),
  text: docText,
  edits: fc.array(fc.tuple(edit, fc.nat({ max: 9 })).map(([e, r]) => ({ ...e, raw: r === 0 })), { minLength: 1, maxLength: 4 }),
});
const sequence = fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });

test('random didOpen/didChange/didClose traffic: the server stays responsive and its diagnostics converge to a full-text recheck', { timeout: 900_000 }, async () => {
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  const uris = [fileUri(path.join(ws, 'apps', 'a.yaml')), fileUri(path.join(ws, 'apps', 'b.yaml')), fileUri(path.join(ws, 'policies', 'extra.yaml')), 'untitled:Untitled-1'];
  const client = await startServer({ folders: [ws], maxHeapMb: 1024 });
  let notifications = 0;
  let batches = 0;
  let sequences = 0;
  let compared = 0;
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
    const open = new Map<string, TextDocument>();

    const apply = async (o: Op): Promise<void> => {
      const uri = uris[o.doc];
      const doc = open.get(uri);
      if (o.kind === 'open' || doc === undefined) {
        if (doc !== undefined) return;
        open.set(uri, TextDocument.create(uri, 'yaml', 1, o.text));
        await client.open(uri, o.text, 1);
      } else if (o.kind === 'close') {
        open.delete(uri);
        await client.close(uri);
      } else {
        const changes: TextDocumentContentChangeEvent[] = [];
        if (o.kind === 'full') changes.push({ text: o.text });
        else {
          // Each change applies to the text after the previous one, as LSP says; the mirror follows the same rules.
          let text = doc.getText();
          const scratch = TextDocument.create(uri, 'yaml', 0, text);
          for (const e of o.edits) {
            const placed = placeEdit(text, e);
            const start = e.raw ? { line: scratch.lineCount - 1 + (e.start % 3), character: e.end % 400 } : scratch.positionAt(placed.start);
            const end = e.raw ? start : scratch.positionAt(placed.end);
            const change = { range: { start, end }, text: e.text };
            TextDocument.update(scratch, [change], scratch.version + 1);
            text = scratch.getText();
            changes.push(change);
          }
        }
        TextDocument.update(doc, changes, doc.version + 1);
        await client.change(uri, doc.version, changes);
      }
      notifications++;
    };

    await fc.assert(fc.asyncProperty(sequence, async (batchesOfOps) => {
      sequences++;
      for (const batch of batchesOfOps) {
        for (const o of batch) await apply(o);
        batches++;
        const s = await state(client);
        assert.deepEqual(s.documents.map((d) => d.uri).sort(), [...open.keys()].sort(), 'the server has exactly the open documents');
        const target = [...open.values()][0];
        if (target !== undefined) {
          const position = target.positionAt(Math.floor(target.getText().length / 2));
          await answered(client, 'a hover after a batch', client.request('textDocument/hover', { textDocument: { uri: target.uri }, position }));
        }
      }
      // Converged: every open document's latest version is published...
      const s = await settled(client);
      for (const d of s.documents) assert.equal(d.version, open.get(d.uri)?.version, `${d.uri}: the server has the editor's version`);
      const incremental = new Map([...open.keys()].map((uri) => [uri, lastPublished(client, uri)?.diagnostics.map(shown)]));
      // ...and equals a recheck from the whole texts.
      for (const doc of open.values()) {
        const change = { text: doc.getText() };
        TextDocument.update(doc, [change], doc.version + 1);
        await client.change(doc.uri, doc.version, [change]);
      }
      await settled(client);
      for (const doc of open.values()) {
        compared++;
        assert.deepEqual(lastPublished(client, doc.uri)?.diagnostics.map(shown), incremental.get(doc.uri), `${doc.uri}: incremental diagnostics equal a full-text recheck\n${doc.getText().slice(0, 400)}`);
      }
      for (const uri of [...open.keys()]) {
        open.delete(uri);
        await client.close(uri);
      }
    }), { ...fuzzOptions(40, 30), endOnFailure: true });
    reportFuzz(`server: ${notifications} didOpen/didChange/didClose notifications in ${batches} batches, ${compared} convergence checks`, sequences);
    assert.equal(client.process.exitCode, null, 'the server is still running');
    const problems = client.log.filter((l) => /failed|could not analyse|drifted|internal error/i.test(l));
    assert.deepEqual(problems, [], 'the server logged no failure');
  } finally {
    await stopServer(client, ws);
  }
});
