// Properties over generated YAML: values agree with js-yaml's own loader, and every range in the tree
// is consistent with the text it points into.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { CORE_SCHEMA, mergeTag, loadAll } from 'js-yaml';
import { parseYamlFile } from '../../../../server/src/engine/yaml';
import type { YNode } from '../../../../server/src/engine/yaml';

const LINES = [
  '---', '--- # c', '...', '# comment', '', 'a: 1', 'b: [1, 2]', 'c: {x: y}', 'key: value', 'list:', '- item', '  - nested',
  '  k: v', 'lit: |', '  text', 'fold: >-', 'q: "quoted', 'r: end"', "s: 'single'", 'anchor: &a {x: 1, y: [2]}', 'alias: *a',
  'merge: {<<: *a, x: 3}', 'm: ', '  <<: [*a]', '  z: 0', 'n: ~', 't: true', 'h: 0x1F', 'o: 0o17', 'f: -1.5e3', 'inf: .inf',
  'str: !!str 12', 'i: !!int "5"', '1: one', 'null: x', '- - x', 'e:', '  -', 'x: &s scal', 'y: *s', '? complex', ': v',
  'img: "nginx:1.25" # pinned', "dq: 'it''s'", 'esc: "a\\tb\\u00e9"', 'ml: plain', '  continued', 'flow: [a, {b: c}, [d]]',
  'tagged: !custom {k: v}', 'crlf: x\r', 'tab: "\t"',
];

/** Lines from the vocabulary, with keys made unique per line so most documents have no duplicate keys. */
const yamlText = fc.array(fc.constantFrom(...LINES), { maxLength: 16 })
  .map((lines) => lines.map((l, i) => l.replace(/^(\s*)(?!null)([a-z]+|1):/, (_m, s: string, k: string) => `${s}${k}${i}:`)).join('\n') + '\n');

const schema = CORE_SCHEMA.withTags(mergeTag);

function children(n: YNode): YNode[] {
  if (n.kind === 'seq') return n.items;
  if (n.kind === 'map') return n.items.flatMap((p) => (p.value ? [p.key, p.value] : [p.key]));
  return [];
}

function checkRanges(text: string, n: YNode, parent: YNode | null): void {
  assert.ok(0 <= n.start && n.start <= n.end && n.end <= text.length, `range ${n.start}..${n.end} inside the document`);
  if (parent) assert.ok(parent.start <= n.start && n.end <= parent.end, `${n.kind} ${n.start}..${n.end} inside its parent ${parent.start}..${parent.end}`);
  switch (n.kind) {
    case 'alias':
      assert.equal(text.slice(n.start, n.end), `*${n.name}`);
      break;
    case 'scalar': {
      assert.ok(n.start <= n.valueStart && n.valueStart <= n.valueEnd && n.valueEnd <= n.end);
      if (n.style === 'single' || n.style === 'double') {
        const q = n.style === 'single' ? "'" : '"';
        assert.equal(text[n.start], q);
        assert.equal(text[n.end - 1], q);
        assert.deepEqual([n.valueStart, n.valueEnd], [n.start + 1, n.end - 1]);
      } else if (n.style === 'literal' || n.style === 'folded') {
        assert.equal(text[n.start], n.style === 'literal' ? '|' : '>');
      } else {
        assert.deepEqual([n.valueStart, n.valueEnd], [n.start, n.end]);
        const raw = text.slice(n.start, n.end);
        // A one-line plain string is its own text.
        if (typeof n.value === 'string' && n.tag === undefined && !/[\r\n]/.test(raw)) assert.equal(raw, n.value);
      }
      break;
    }
    case 'map':
    case 'seq':
      if (n.flow) {
        assert.equal(text[n.start], n.kind === 'map' ? '{' : '[', `flow ${n.kind} starts with its bracket`);
        assert.equal(text[n.end - 1], n.kind === 'map' ? '}' : ']', `flow ${n.kind} ends with its bracket`);
      } else if (n.kind === 'seq') {
        assert.equal(text[n.start], '-');
      }
      break;
  }
  let last = -1;
  for (const c of children(n)) {
    // Siblings come in source order and do not overlap (an empty value may sit right at the next key).
    assert.ok(c.start >= last, `children in order at ${c.start}`);
    last = c.end;
    checkRanges(text, c, n);
  }
}

describe('parse properties', () => {
  it('agrees with js-yaml load (core schema + merge keys) on every document either side can read', () => {
    let compared = 0;
    fc.assert(fc.property(yamlText, (text) => {
      for (const d of parseYamlFile(text).documents) {
        let theirs: unknown;
        let failed = false;
        try {
          const all = loadAll(d.parsed.text, { schema });
          assert.ok(all.length <= 1, 'one document per chunk');
          theirs = all.length === 0 || all[0] === undefined ? null : all[0];
        } catch {
          failed = true;
        }
        // Deliberate difference: js-yaml refuses tags it has no constructor for; we read a custom tag's
        // node as untagged (Kubernetes YAML never relies on them, and refusing would hide the document).
        if (failed && d.parsed.errors.length === 0 && d.parsed.text.includes('!custom')) continue;
        assert.equal(d.parsed.errors.length > 0, failed, `errors agree for ${JSON.stringify(d.parsed.text)}: ${JSON.stringify(d.parsed.errors)}`);
        if (!failed) {
          assert.deepEqual(d.parsed.toJS(), theirs, JSON.stringify(d.parsed.text));
          compared++;
        }
      }
    }), { numRuns: 1500 });
    assert.ok(compared > 500, `compared ${compared} documents`);
  });

  it('gives every node a range consistent with its text', () => {
    fc.assert(fc.property(yamlText, (text) => {
      for (const d of parseYamlFile(text).documents) {
        if (d.parsed.contents) checkRanges(d.parsed.text, d.parsed.contents, null);
      }
    }), { numRuns: 1500 });
  });

  it('never throws on arbitrary text, and its documents tile the text', () => {
    const noisy = fc.array(fc.oneof(
      fc.constantFrom(...LINES, '\n', '\r', '\r\n', '\t', '\0', '\uFEFF', '\uD800', '{', '[', ']', '}', '"', "'", '&', '*', '!', '%', '|', '>', '?', ':', '-', '#'),
      fc.string({ maxLength: 8, unit: 'binary' }),
    ), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(fc.property(noisy, (text) => {
      const file = parseYamlFile(text);
      let at = 0;
      for (const [i, d] of file.documents.entries()) {
        assert.equal(d.index, i);
        assert.equal(d.start, at);
        assert.ok(d.end > d.start);
        assert.equal(text.slice(d.start, d.end), d.parsed.text);
        at = d.end;
        d.parsed.toJS();
        for (const e of d.parsed.errors) assert.ok(e.offset >= 0 && e.offset + e.length <= d.parsed.text.length, JSON.stringify(e));
      }
      assert.equal(at, text.length);
    }), { numRuns: 3000 });
  });
});
