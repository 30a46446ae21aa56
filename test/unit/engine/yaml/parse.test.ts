import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile, nodeAtPath } from '../../../../server/src/engine/yaml';
import type { YNode, YScalar, YMap, YSeq, YamlFile } from '../../../../server/src/engine/yaml';

function only(text: string) {
  const file = parseYamlFile(text);
  assert.equal(file.documents.length, 1, 'expected one document');
  return file.documents[0].parsed;
}

function scalarAt(root: YNode | null, path: (string | number)[]): YScalar {
  const n = nodeAtPath(root, path);
  assert.ok(n, `no node at ${path.join('/')}`);
  assert.equal(n.kind, 'scalar');
  return n as YScalar;
}

/** The text a node range covers. */
function slice(text: string, n: { start: number; end: number }): string {
  return text.slice(n.start, n.end);
}

function docTexts(file: YamlFile): string[] {
  return file.documents.map((d) => d.parsed.text);
}

describe('block and flow collections', () => {
  it('reads a block mapping with nested block sequence and maps', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: busybox\n';
    const doc = only(text);
    assert.deepEqual(doc.errors, []);
    const root = doc.contents as YMap;
    assert.equal(root.kind, 'map');
    assert.equal(root.flow, false);
    assert.equal(root.start, 0);
    assert.equal(slice(text, root), text.trimEnd());
    const containers = nodeAtPath(root, ['spec', 'containers']) as YSeq;
    assert.equal(containers.kind, 'seq');
    assert.equal(containers.flow, false);
    assert.equal(slice(text, containers), '- name: a\n    image: nginx\n  - name: b\n    image: busybox');
    const image = scalarAt(root, ['spec', 'containers', 1, 'image']);
    assert.equal(image.value, 'busybox');
    assert.equal(slice(text, image), 'busybox');
    assert.deepEqual(doc.toJS(), { kind: 'Pod', spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }] } });
  });

  it('gives flow collections ranges that include their brackets', () => {
    const text = 'a: {x: [1, 2 ], y: {}}\nb: [ ]\n';
    const doc = only(text);
    const a = nodeAtPath(doc.contents, ['a']) as YMap;
    assert.equal(a.flow, true);
    assert.equal(slice(text, a), '{x: [1, 2 ], y: {}}');
    assert.equal(slice(text, nodeAtPath(doc.contents, ['a', 'x'])!), '[1, 2 ]');
    assert.equal(slice(text, nodeAtPath(doc.contents, ['a', 'y'])!), '{}');
    assert.equal(slice(text, nodeAtPath(doc.contents, ['b'])!), '[ ]');
    assert.deepEqual(doc.toJS(), { a: { x: [1, 2], y: {} }, b: [] });
  });

  it('closes a multi-line flow collection with comments inside', () => {
    const text = 'a: [\n  1, # one\n  2\n  # last\n  ]\n';
    const doc = only(text);
    assert.deepEqual(doc.errors, []);
    assert.equal(slice(text, nodeAtPath(doc.contents, ['a'])!), '[\n  1, # one\n  2\n  # last\n  ]');
  });
});

describe('scalars', () => {
  it('puts valueStart/valueEnd inside quotes and start/end around them', () => {
    const text = `p: plain value\ns: 'it''s'\nd: "a\\tb"\n`;
    const doc = only(text);
    const p = scalarAt(doc.contents, ['p']);
    assert.deepEqual([p.style, slice(text, p), text.slice(p.valueStart, p.valueEnd), p.value], ['plain', 'plain value', 'plain value', 'plain value']);
    const s = scalarAt(doc.contents, ['s']);
    assert.deepEqual([s.style, slice(text, s), text.slice(s.valueStart, s.valueEnd), s.value], ['single', `'it''s'`, `it''s`, `it's`]);
    const d = scalarAt(doc.contents, ['d']);
    assert.deepEqual([d.style, slice(text, d), text.slice(d.valueStart, d.valueEnd), d.value], ['double', '"a\\tb"', 'a\\tb', 'a\tb']);
  });

  it('covers the header of literal and folded block scalars', () => {
    const text = 'l: |\n  line 1\n  line 2\nf: >- # comment | >\n  folded\n  text\nk: x\n';
    const doc = only(text);
    const l = scalarAt(doc.contents, ['l']);
    assert.equal(l.style, 'literal');
    assert.equal(l.value, 'line 1\nline 2\n');
    assert.equal(text[l.start], '|');
    assert.equal(slice(text, l), '|\n  line 1\n  line 2\n');
    assert.equal(text.slice(l.valueStart, l.valueEnd), '  line 1\n  line 2\n');
    const f = scalarAt(doc.contents, ['f']);
    assert.equal(f.style, 'folded');
    assert.equal(f.value, 'folded text');
    assert.equal(text.slice(f.start, f.start + 2), '>-');
    assert.equal(text.slice(f.valueStart, f.valueEnd), '  folded\n  text\n');
  });

  it('finds the block header after a tag, an anchor and a sequence dash', () => {
    const text = 'a: !!str &x |\n  one\nb:\n- >\n  two\n- |\n\n  three\n';
    const doc = only(text);
    const a = scalarAt(doc.contents, ['a']);
    assert.equal(text[a.start], '|');
    assert.equal(a.tag, '!!str');
    assert.equal(a.anchor, 'x');
    assert.equal(text[scalarAt(doc.contents, ['b', 0]).start], '>');
    const three = scalarAt(doc.contents, ['b', 1]);
    assert.equal(text[three.start], '|');
    assert.equal(three.value, '\nthree\n');
  });

  it('types plain scalars with the YAML 1.2 core schema and keeps quoted ones as strings', () => {
    const text = [
      'n1: null', 'n2: ~', 'n3:', 'n4: NULL', 't: true', 'f: False', 'y: yes', 'on: off',
      'i: 42', 'neg: -7', 'oct: 0o17', 'hex: 0x1F', 'old_oct: 0755', 'fl: 1.5', 'exp: 1e3', 'dot: .5',
      'inf: -.inf', 'nan: .NaN', 'q: "42"', 'sq: \'true\'', 'lit: |\n  12\n', 'ver: 1.2.3', 'tag: v1',
    ].join('\n') + '\n';
    const v = only(text).toJS() as Record<string, unknown>;
    assert.equal(v.n1, null);
    assert.equal(v.n2, null);
    assert.equal(v.n3, null);
    assert.equal(v.n4, null);
    assert.equal(v.t, true);
    assert.equal(v.f, false);
    assert.equal(v.y, 'yes', 'YAML 1.2 core schema: yes is a string');
    assert.equal(v.on, 'off');
    assert.equal(v.i, 42);
    assert.equal(v.neg, -7);
    assert.equal(v.oct, 15);
    assert.equal(v.hex, 31);
    assert.equal(v.old_oct, 755, 'core schema: a leading zero is decimal');
    assert.equal(v.fl, 1.5);
    assert.equal(v.exp, 1000);
    assert.equal(v.dot, 0.5);
    assert.equal(v.inf, -Infinity);
    assert.ok(Number.isNaN(v.nan));
    assert.equal(v.q, '42');
    assert.equal(v.sq, 'true');
    assert.equal(v.lit, '12\n');
    assert.equal(v.ver, '1.2.3');
    assert.equal(v.tag, 'v1');
  });

  it('honours explicit core tags and reports values that do not fit them', () => {
    const doc = only('a: !!str 42\nb: !!int "7"\nc: !!float 3\nd: !!bool true\ne: !!null ""\nf: !Custom 12\ng: !!int abc\n');
    const v = doc.toJS() as Record<string, unknown>;
    assert.equal(v.a, '42');
    assert.equal(v.b, 7);
    assert.equal(v.c, 3);
    assert.equal(v.d, true);
    assert.equal(v.e, null);
    assert.equal(v.f, '12');
    assert.equal(v.g, 'abc');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /!!int/);
    assert.equal(doc.text.slice(doc.errors[0].offset, doc.errors[0].offset + doc.errors[0].length), '!!int');
  });

  it('gives an empty value a zero-length range right after its indicator', () => {
    const text = 'a:\nb: # note\nc:\n- \n-\n';
    const doc = only(text);
    const a = scalarAt(doc.contents, ['a']);
    assert.deepEqual([a.start, a.end, a.valueStart, a.valueEnd, a.value], [2, 2, 2, 2, null]);
    const b = scalarAt(doc.contents, ['b']);
    assert.equal(b.start, text.indexOf('b:') + 2);
    const c0 = scalarAt(doc.contents, ['c', 0]);
    assert.equal(c0.start, text.indexOf('- ') + 1);
    const c1 = scalarAt(doc.contents, ['c', 1]);
    assert.equal(c1.start, text.lastIndexOf('-') + 1);
  });

  it('keeps tabs inside scalars', () => {
    const text = 'a: "x\ty"\nb: p\tq\n';
    const doc = only(text);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.toJS(), { a: 'x\ty', b: 'p\tq' });
    assert.equal(slice(text, scalarAt(doc.contents, ['b'])), 'p\tq');
  });

  it('reads keys that are not strings as their string form, like the YAML→JSON conversion', () => {
    const doc = only('1: one\ntrue: yes\n~: nothing\n');
    assert.deepEqual(doc.toJS(), { 1: 'one', true: 'yes', null: 'nothing' });
    assert.equal((nodeAtPath(doc.contents, [1]) as YScalar).value, 'one');
    assert.equal((nodeAtPath(doc.contents, ['true']) as YScalar).value, 'yes');
  });
});

describe('comments, anchors and aliases', () => {
  it('ignores comments everywhere', () => {
    const text = '# head\na: 1 # trailing\n# between\nb:\n  # inside\n  - x # item\n';
    const doc = only(text);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.toJS(), { a: 1, b: ['x'] });
  });

  it('puts an alias range where the alias is written and resolves it in nodeAtPath and toJS', () => {
    const text = 'base: &img\n  repo: nginx\n  tag: "1.25"\nuse: *img\nlist: [*img]\n';
    const doc = only(text);
    const alias = (doc.contents as YMap).items[1].value!;
    assert.equal(alias.kind, 'alias');
    assert.equal(slice(text, alias), '*img');
    assert.equal(alias.kind === 'alias' && alias.name, 'img');
    assert.equal(alias.kind === 'alias' && alias.target, nodeAtPath(doc.contents, ['base']));
    const tag = scalarAt(doc.contents, ['use', 'tag']);
    assert.equal(tag.value, '1.25');
    assert.equal(slice(text, tag), '"1.25"', 'the aliased node is the anchored one');
    assert.equal(scalarAt(doc.contents, ['list', 0, 'repo']).value, 'nginx');
    assert.deepEqual(doc.toJS(), { base: { repo: 'nginx', tag: '1.25' }, use: { repo: 'nginx', tag: '1.25' }, list: [{ repo: 'nginx', tag: '1.25' }] });
  });

  it('reports an unknown alias and reads it as null', () => {
    const text = 'a: *nope\n';
    const doc = only(text);
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /unknown alias \*nope/);
    assert.equal(doc.errors[0].offset, 3);
    assert.deepEqual(doc.toJS(), { a: null });
  });

  it('applies merge keys, with written keys winning and earlier sources winning', () => {
    const text = [
      'defaults: &d {image: nginx, pull: Always, port: 80}',
      'more: &m {port: 8080, extra: true}',
      'one:', '  <<: *d', '  pull: Never',
      'two:', '  <<: [*m, *d]', '  name: two',
    ].join('\n') + '\n';
    const doc = only(text);
    assert.deepEqual(doc.errors, []);
    const v = doc.toJS() as Record<string, Record<string, unknown>>;
    assert.deepEqual(v.one, { image: 'nginx', pull: 'Never', port: 80 });
    assert.deepEqual(v.two, { port: 8080, extra: true, image: 'nginx', pull: 'Always', name: 'two' });
    assert.equal(scalarAt(doc.contents, ['one', 'image']).value, 'nginx');
    assert.equal(scalarAt(doc.contents, ['one', 'pull']).value, 'Never');
    assert.equal(scalarAt(doc.contents, ['two', 'port']).value, 8080);
  });

  it('reports duplicate keys but keeps the document (last one wins)', () => {
    const doc = only('a: 1\nb: 2\na: 3\n');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /duplicate key "a"/);
    assert.equal(doc.errors[0].offset, 10);
    assert.deepEqual(doc.toJS(), { a: 3, b: 2 });
    assert.equal(scalarAt(doc.contents, ['a']).value, 3);
  });

  it('finds duplicates in large mappings too', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `k${i}: ${i}`);
    lines.push('k3: again');
    const doc = only(lines.join('\n'));
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /duplicate key "k3"/);
  });

  it('treats a __proto__ key as data', () => {
    const v = only('__proto__: {polluted: true}\n').toJS() as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('documents', () => {
  it('splits on --- and keeps leading comments and directives with the document they precede', () => {
    const text = '# file header\n%YAML 1.2\n--- # first\na: 1\n---\nb: 2\n# trailing comment\n--- !!map\nc: 3';
    const file = parseYamlFile(text);
    assert.deepEqual(docTexts(file), ['# file header\n%YAML 1.2\n--- # first\na: 1\n', '---\nb: 2\n# trailing comment\n', '--- !!map\nc: 3']);
    assert.deepEqual(file.documents.map((d) => d.parsed.toJS()), [{ a: 1 }, { b: 2 }, { c: 3 }]);
    assert.deepEqual(file.documents.map((d) => d.parsed.errors), [[], [], []]);
    for (const d of file.documents) assert.equal(text.slice(d.start, d.end), d.parsed.text);
    assert.deepEqual(file.documents.map((d) => d.index), [0, 1, 2]);
  });

  it('ends a document at ... and starts the next one after it', () => {
    const text = 'a: 1\n...\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n';
    const file = parseYamlFile(text);
    assert.deepEqual(docTexts(file), ['a: 1\n...\n', 'b: 2\n...\n', '%YAML 1.2\n---\nc: 3\n']);
    assert.deepEqual(file.documents.map((d) => d.parsed.errors.length), [0, 0, 0]);
  });

  it('starts a new document at a directive that follows a document body', () => {
    const file = parseYamlFile('a: 1\n%YAML 1.2\n# note\n---\nb: 2\n');
    assert.deepEqual(docTexts(file), ['a: 1\n', '%YAML 1.2\n# note\n---\nb: 2\n']);
    assert.deepEqual(file.documents.map((d) => d.parsed.errors.length), [0, 0]);
  });

  it('has empty documents with null contents', () => {
    const file = parseYamlFile('---\n---\n# only a comment\n---\na: 1\n');
    assert.deepEqual(docTexts(file), ['---\n', '---\n# only a comment\n', '---\na: 1\n']);
    assert.deepEqual(file.documents.map((d) => d.parsed.contents === null), [true, true, false]);
    assert.deepEqual(file.documents.map((d) => d.parsed.toJS()), [null, null, { a: 1 }]);
  });

  it('has no documents for empty text and one empty document for comments only', () => {
    assert.deepEqual(parseYamlFile('').documents, []);
    const f = parseYamlFile('# nothing\n\n');
    assert.equal(f.documents.length, 1);
    assert.equal(f.documents[0].parsed.contents, null);
    assert.deepEqual(f.documents[0].parsed.errors, []);
  });

  it('treats --- and ... inside scalars at column 0 as markers (YAML forbids them there)', () => {
    const file = parseYamlFile('a: |\n  text\n---\nb: "x\n--- y"\n');
    assert.equal(file.documents.length, 3);
    assert.deepEqual(file.documents[0].parsed.toJS(), { a: 'text\n' });
    assert.equal(file.documents[1].parsed.errors.length, 1);
  });

  it('does not take ---word or indented --- for a marker', () => {
    const file = parseYamlFile('a: |\n  ---\n  ...\nb: ---x\n');
    assert.equal(file.documents.length, 1);
    assert.deepEqual(file.documents[0].parsed.toJS(), { a: '---\n...\n', b: '---x' });
  });

  it('reads a final document without a trailing line break', () => {
    const file = parseYamlFile('a: 1\n---\nb: "x"');
    assert.deepEqual(file.documents[1].parsed.toJS(), { b: 'x' });
    const b = scalarAt(file.documents[1].parsed.contents, ['b']);
    assert.equal(file.documents[1].parsed.text.slice(b.start, b.end), '"x"');
  });

  it('keeps offsets on the original text with CRLF line ends', () => {
    const text = 'a: 1\r\n---\r\nkind: Pod\r\nimage: "nginx"\r\nscript: |\r\n  echo\r\n';
    const file = parseYamlFile(text);
    assert.deepEqual(docTexts(file), ['a: 1\r\n', '---\r\nkind: Pod\r\nimage: "nginx"\r\nscript: |\r\n  echo\r\n']);
    const doc = file.documents[1];
    const image = scalarAt(doc.parsed.contents, ['image']);
    assert.equal(text.slice(doc.start + image.start, doc.start + image.end), '"nginx"');
    assert.equal(scalarAt(doc.parsed.contents, ['script']).value, 'echo\n');
  });

  it('splits documents separated by lone CR line ends', () => {
    const file = parseYamlFile('a: 1\r---\rb: 2\r');
    assert.deepEqual(docTexts(file), ['a: 1\r', '---\rb: 2\r']);
    assert.deepEqual(file.documents.map((d) => d.parsed.toJS()), [{ a: 1 }, { b: 2 }]);
  });

  it('keeps offsets on the original text with a BOM, also before ---', () => {
    const text = '\uFEFFkind: Pod\nimage: nginx\n';
    const doc = only(text);
    const image = scalarAt(doc.contents, ['image']);
    assert.equal(text.slice(image.start, image.end), 'nginx');
    assert.equal((doc.contents as YMap).items[0].key.start, 1, 'the key starts after the BOM');
    const file = parseYamlFile('\uFEFF--- # c\na: 1\n---\nb: 2\n');
    assert.equal(file.documents.length, 2);
    assert.deepEqual(file.documents.map((d) => d.parsed.toJS()), [{ a: 1 }, { b: 2 }]);
  });
});

describe('errors', () => {
  it('isolates a broken document: the others parse, the broken one has one error', () => {
    const text = 'kind: A\nname: a\n---\nkind: B\n  name: b\nbad: [\n---\nkind: C\n';
    const file = parseYamlFile(text);
    assert.equal(file.documents.length, 3);
    assert.deepEqual(file.documents[0].parsed.toJS(), { kind: 'A', name: 'a' });
    assert.deepEqual(file.documents[2].parsed.toJS(), { kind: 'C' });
    assert.deepEqual(file.documents[0].parsed.errors, []);
    assert.deepEqual(file.documents[2].parsed.errors, []);
    const broken = file.documents[1].parsed;
    assert.equal(broken.contents, null);
    assert.equal(broken.errors.length, 1);
    const err = broken.errors[0];
    assert.match(err.message, /indentation/);
    // The error points into the bad line `  name: b`, not at the start or end of the document.
    const line = broken.text.slice(0, err.offset).split('\n').length - 1;
    assert.equal(line, 2);
  });

  it('explains a value that starts with a reserved character', () => {
    const doc = only('a: 1\nimage: @latest\n');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /cannot start with @; quote the value/);
    assert.equal(doc.errors[0].offset, 12);
  });

  it('reports NUL bytes and non-printable characters without throwing', () => {
    for (const text of ['a: \0\n', 'a: "\u0001"\n', '\0', 'a: b\n\u0007: c']) {
      const file = parseYamlFile(text);
      assert.equal(file.documents.length, 1);
      assert.equal(file.documents[0].parsed.errors.length, 1, JSON.stringify(text));
      assert.equal(file.documents[0].parsed.contents, null);
    }
  });

  it('bounds deep nesting with a clean error', () => {
    const deep = '['.repeat(10000) + ']'.repeat(10000);
    const doc = only(deep);
    assert.equal(doc.contents, null);
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /deeper than 1000 levels/);
    const blockDeep = Array.from({ length: 1500 }, (_, i) => ' '.repeat(i) + 'a:').join('\n');
    assert.equal(only(blockDeep).errors.length, 1);
    const ok = '['.repeat(500) + ']'.repeat(500);
    const v = only(ok);
    assert.deepEqual(v.errors, []);
    let depth = 0;
    for (let x = v.toJS(); Array.isArray(x); x = x[0]) depth++;
    assert.equal(depth, 500);
  });

  it('bounds the billion laughs', () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const doc = only(lines.join('\n') + '\n');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /expand/);
    assert.equal(doc.toJS(), null);
    // The nodes are still there for positions.
    assert.equal((nodeAtPath(doc.contents, ['a9', 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]) as YScalar).value, 'lol');
  });

  it('does not hang on recursive aliases and merge keys', () => {
    for (const text of ['a: &a [*a]\n', 'a: &a {<<: *a, x: 1}\n', '&r {b: &b {c: *r}}\n']) {
      const doc = only(text);
      assert.equal(doc.errors.length, 1, text);
      assert.match(doc.errors[0].message, /contains it/);
      assert.equal(doc.toJS(), null);
    }
    const doc = only('a: &a {<<: *a, x: 1}\n');
    assert.equal(nodeAtPath(doc.contents, ['a', 'missing']), undefined);
    assert.equal((nodeAtPath(doc.contents, ['a', 'x']) as YScalar).value, 1);
  });

  it('bounds nesting built through chains of aliases', () => {
    const lines = ['- &a0 [x]'];
    for (let i = 1; i <= 1200; i++) lines.push(`- &a${i} [*a${i - 1}]`);
    const doc = only(lines.join('\n') + '\n');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0].message, /deeper/);
    assert.equal(doc.toJS(), null);
  });

  it('never throws, whatever the input', () => {
    const samples = ['{', '}', ']]]', '- - - -', '? ? ?', '&', '*', '!', '!<', '%', '%YAML', '%YAML 1.2', '"', "'", '|', '>', '|-9', ': :', '@', '`', '\t', 'a:\tb', '\r', '\uFEFF', '\uD800', '---\n---\n...', 'a: &x\nb: *x', '<<: 1', '<<: *nope'];
    for (const text of samples) {
      const file = parseYamlFile(text);
      for (const d of file.documents) {
        assert.equal(typeof d.parsed.text, 'string');
        d.parsed.toJS();
      }
    }
  });
});

describe('nodeAtPath', () => {
  const text = 'spec:\n  containers:\n  - name: a\n    image: nginx\n';
  const root = parseYamlFile(text).documents[0].parsed.contents;

  it('indexes sequences with numbers and digit strings', () => {
    assert.equal(scalarAt(root, ['spec', 'containers', 0, 'image']).value, 'nginx');
    assert.equal(scalarAt(root, ['spec', 'containers', '0', 'image']).value, 'nginx');
  });

  it('returns undefined for missing keys, out-of-range indexes and paths through scalars', () => {
    assert.equal(nodeAtPath(root, ['spec', 'volumes']), undefined);
    assert.equal(nodeAtPath(root, ['spec', 'containers', 1]), undefined);
    assert.equal(nodeAtPath(root, ['spec', 'containers', -1]), undefined);
    assert.equal(nodeAtPath(root, ['spec', 'containers', 0.5]), undefined);
    assert.equal(nodeAtPath(root, ['spec', 'containers', 0, 'image', 'x']), undefined);
    assert.equal(nodeAtPath(null, []), undefined);
    assert.equal(nodeAtPath(null, ['a']), undefined);
  });

  it('returns the root for an empty path', () => {
    assert.equal(nodeAtPath(root, []), root);
  });
});
