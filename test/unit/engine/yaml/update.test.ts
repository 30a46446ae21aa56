import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseYamlFile, updateYamlFile } from '../../../../server/src/engine/yaml';
import type { TextChange, YamlFile } from '../../../../server/src/engine/yaml';

/** Everything observable about a file, for comparing an updated file with a fresh parse. */
function view(file: YamlFile) {
  return {
    text: file.text,
    documents: file.documents.map((d) => ({
      index: d.index, start: d.start, end: d.end,
      text: d.parsed.text, contents: d.parsed.contents, errors: d.parsed.errors, js: d.parsed.toJS(),
    })),
  };
}

function apply(text: string, c: TextChange): string {
  return text.slice(0, c.start) + c.text + text.slice(c.end);
}

function assertSameAsFreshParse(prev: YamlFile, change: TextChange): YamlFile {
  const updated = updateYamlFile(prev, change);
  const fresh = parseYamlFile(apply(prev.text, change));
  assert.deepEqual(view(updated), view(fresh));
  for (const d of updated.documents) assert.equal(updated.text.slice(d.start, d.end), d.parsed.text);
  // Documents the edit did not touch keep their parsed object.
  const delta = change.text.length - (change.end - change.start);
  for (const d of updated.documents) {
    const before = prev.documents.find((o) => (o.end <= change.start && o.start === d.start && o.end === d.end)
      || (o.start >= change.end && o.start + delta === d.start && o.end + delta === d.end));
    if (before) assert.equal(d.parsed, before.parsed, `document at ${d.start} was parsed again`);
  }
  return updated;
}

const LINES = [
  '---', '--- # comment', '--- !!map', '---\t', '...', '... # end', '%YAML 1.2', '%TAG !e! tag:e,2000:', '# comment', '', '  ',
  'a: 1', 'b: [1, 2]', 'c: {x: y}', 'key: value', 'list:', '- item', '  - nested', '  k: v', 'lit: |', '  text', '  ---', 'fold: >-',
  'q: "quoted', 'r: end"', "s: 'single'", 'anchor: &a {x: 1}', 'alias: *a', 'merge: {<<: *a}', 'bad: [', ']', '\tbad tab', ':', '- - x',
  '---x', '....', '-- -', 'kind: Pod', 'image: "nginx:1"', '\uFEFF---',
];
const BREAKS = ['\n', '\n', '\n', '\r\n', '\r'];

const yamlText = fc.array(fc.tuple(fc.constantFrom(...LINES), fc.constantFrom(...BREAKS)), { maxLength: 25 })
  .chain((lines) => fc.tuple(fc.constant(lines), fc.boolean(), fc.boolean()))
  .map(([lines, bom, lastBreak]) => {
    let t = lines.map(([l, b]) => l + b).join('');
    if (!lastBreak && lines.length > 0) t = t.slice(0, t.length - lines[lines.length - 1][1].length);
    return (bom ? '\uFEFF' : '') + t;
  });

const INSERTS = ['', '\n', '\r', '\r\n', '-', '---', '---\n', '\n---\n', '...\n', '.', '%', '%YAML 1.2\n', '#', ' ', 'a', 'x: 1\n', '"', '[', '|\n  ', '&a ', '*a', '\uFEFF', '\0'];
const insertText = fc.oneof(fc.constantFrom(...INSERTS), fc.array(fc.constantFrom(...INSERTS), { maxLength: 4 }).map((a) => a.join('')), fc.string({ maxLength: 6 }));

function changeFor(text: string) {
  return fc.tuple(fc.nat({ max: text.length }), fc.nat({ max: text.length }), insertText).map(([a, b, t]) => ({ start: Math.min(a, b), end: Math.max(a, b), text: t }));
}

describe('updateYamlFile', () => {
  it('gives exactly what parseYamlFile gives for the edited text (property)', () => {
    fc.assert(fc.property(yamlText.chain((t) => fc.tuple(fc.constant(t), changeFor(t))), ([text, change]) => {
      assertSameAsFreshParse(parseYamlFile(text), change);
    }), { numRuns: 3000 });
  });

  it('stays equivalent over a sequence of edits, each applied to the previous update (property)', () => {
    const steps = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), insertText), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(yamlText, steps, (text, edits) => {
      let file = parseYamlFile(text);
      for (const [a, b, t] of edits) {
        const x = Math.floor(a * (file.text.length + 1));
        const y = Math.floor(b * (file.text.length + 1));
        const change = { start: Math.min(x, y), end: Math.min(file.text.length, Math.max(x, y)), text: t };
        file = assertSameAsFreshParse(file, change);
      }
    }), { numRuns: 500 });
  });

  it('merges two documents when a --- line is deleted and splits them again when it is typed back', () => {
    const text = 'a: 1\n---\nb: 2\n---\nc: 3\n';
    const f0 = parseYamlFile(text);
    const del = { start: text.indexOf('---'), end: text.indexOf('---') + 4, text: '' };
    const f1 = assertSameAsFreshParse(f0, del);
    assert.equal(f1.documents.length, 2);
    assert.equal(f1.documents[1].parsed, f0.documents[2].parsed, 'the third document is reused');
    const f2 = assertSameAsFreshParse(f1, { start: del.start, end: del.start, text: '---\n' });
    assert.equal(f2.documents.length, 3);
    assert.equal(f2.documents[2].parsed, f0.documents[2].parsed);
  });

  it('turns a line into a marker when its first character is deleted', () => {
    const text = 'a: 1\nx---\nb: 2\n';
    const f1 = assertSameAsFreshParse(parseYamlFile(text), { start: 5, end: 6, text: '' });
    assert.equal(f1.documents.length, 2);
  });

  it('handles edits at the very start and end, and emptying and refilling the file', () => {
    const f0 = parseYamlFile('a: 1\n---\nb: 2');
    assertSameAsFreshParse(f0, { start: 0, end: 0, text: '\uFEFF' });
    assertSameAsFreshParse(f0, { start: f0.text.length, end: f0.text.length, text: '\n---\nc: 3\n' });
    const empty = assertSameAsFreshParse(f0, { start: 0, end: f0.text.length, text: '' });
    assert.deepEqual(empty.documents, []);
    assertSameAsFreshParse(empty, { start: 0, end: 0, text: 'x: 1\n---\n' });
  });

  it('clamps changes outside the text instead of throwing', () => {
    const f0 = parseYamlFile('a: 1\n');
    assert.equal(updateYamlFile(f0, { start: -4, end: 1, text: 'b' }).text, 'b: 1\n');
    assert.equal(updateYamlFile(f0, { start: 3, end: 99, text: '2\n' }).text, 'a: 2\n');
    assert.equal(updateYamlFile(f0, { start: 4, end: 1, text: 'x' }).text, 'ax\n', 'a reversed range is swapped');
    assert.equal(updateYamlFile(f0, { start: NaN, end: 1, text: 'b' }).text, 'b: 1\n');
  });

  it('re-parses only the edited document of a large file and reuses all others', () => {
    const docs: string[] = [];
    for (let i = 0; i < 5000; i++) docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n  - name: c\n    image: "registry.example.com/app:${i}"\n`);
    const text = docs.join('---\n');
    const f0 = parseYamlFile(text);
    assert.equal(f0.documents.length, 5000);
    const target = f0.documents[2500];
    const at = target.start + target.parsed.text.indexOf('registry.example.com');
    const f1 = updateYamlFile(f0, { start: at, end: at + 'registry.example.com'.length, text: 'quay.io' });
    assert.equal(f1.documents.length, 5000);
    let reused = 0;
    for (let i = 0; i < 5000; i++) if (f1.documents[i].parsed === f0.documents[i].parsed) reused++;
    assert.equal(reused, 4999);
    assert.notEqual(f1.documents[2500].parsed, target.parsed);
    const delta = 'quay.io'.length - 'registry.example.com'.length;
    assert.equal(f1.documents[2501].start, f0.documents[2501].start + delta);
    assert.equal(f1.documents[2499], f0.documents[2499], 'documents before the edit are the same objects');
    assert.deepEqual(view(f1), view(parseYamlFile(f1.text)));
  });
});
