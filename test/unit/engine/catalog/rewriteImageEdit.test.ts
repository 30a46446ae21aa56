import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rewriteImageEdit, type TextEdit } from '../../../../server/src/engine/catalog';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import type { ParsedDocument, YNode, YScalar } from '../../../../server/src/engine/yaml/model';

/** Every `image:` value scalar of a document, in document order. */
function imageScalars(node: YNode | null, out: YScalar[] = []): YScalar[] {
  if (!node) return out;
  if (node.kind === 'map') {
    for (const pair of node.items) {
      if (pair.key.kind === 'scalar' && pair.key.value === 'image' && pair.value?.kind === 'scalar') out.push(pair.value);
      else imageScalars(pair.value, out);
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) imageScalars(item, out);
  }
  return out;
}

function onlyDocument(text: string): { doc: ParsedDocument; scalar: YScalar } {
  const file = parseYamlFile(text);
  assert.equal(file.documents.length, 1);
  const doc = file.documents[0].parsed;
  assert.deepEqual(doc.errors, []);
  const [scalar] = imageScalars(doc.contents);
  assert.ok(scalar, 'an image scalar');
  return { doc, scalar };
}

function apply(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
}

function rewrite(text: string, newImage: string): string | { error: string } {
  const { doc, scalar } = onlyDocument(text);
  const edit = rewriteImageEdit(doc, scalar, newImage);
  return 'error' in edit ? edit : apply(doc.text, edit);
}

describe('rewriteImageEdit: examples', () => {
  const target = 'public.ecr.aws/docker/library/nginx:1.27';
  const kept: [string, string, string][] = [
    ['plain, block', 'spec:\n  containers:\n    - name: web\n      image: nginx:1.27 # pinned\n', `spec:\n  containers:\n    - name: web\n      image: ${target} # pinned\n`],
    ['double quotes', 'image: "nginx:1.27"\n', `image: "${target}"\n`],
    ['single quotes, CRLF', 'a: 1\r\nimage: \'nginx\'   # c\r\nb: 2\r\n', `a: 1\r\nimage: '${target}'   # c\r\nb: 2\r\n`],
    ['flow map', 'containers: [{name: web, image: nginx}, {name: b, image: "redis"}]\n', `containers: [{name: web, image: ${target}}, {name: b, image: "redis"}]\n`],
    ['tag and anchor stay', 'image: &img !!str nginx\nother: *img\n', `image: &img !!str ${target}\nother: *img\n`],
    ['no final newline', 'image: nginx', `image: ${target}`],
  ];
  for (const [label, before, after] of kept) {
    it(`rewrites only the scalar's text: ${label}`, () => assert.equal(rewrite(before, target), after));
  }

  const refused: [string, string, string, RegExp][] = [
    ['" in a double-quoted scalar', 'image: "nginx"\n', 'a"b', /escaping/],
    ['\\ in a double-quoted scalar', 'image: "nginx"\n', 'a\\b', /escaping/],
    ['\' in a single-quoted scalar', 'image: \'nginx\'\n', 'it\'s', /escaping/],
    ['a line break', 'image: "nginx"\n', 'a\nb', /U\+000A/],
    ['": " in a plain scalar', 'image: nginx\n', 'a: b', /mapping/],
    ['a trailing ":" in a plain scalar', 'image: nginx\n', 'nginx:', /mapping/],
    ['" #" in a plain scalar', 'image: nginx\n', 'a #b', /comment/],
    ['a leading indicator', 'image: nginx\n', '*alias', /starts with "\*"/],
    ['a leading dash', 'image: nginx\n', '- x', /starts with "-"/],
    ['a flow indicator', 'image: nginx\n', 'a,b', /flow indicator/],
    ['a number', 'image: nginx\n', '1.27', /number/],
    ['a boolean', 'image: nginx\n', 'true', /boolean/],
    ['null', 'image: nginx\n', '~', /starts with "~"|null/],
    ['a block scalar', 'image: |\n  nginx\n', 'redis', /block scalar/],
    ['a folded scalar', 'image: >-\n  nginx\n', 'redis', /block scalar/],
    ['a non-string tag', 'image: !!int 5\n', 'redis', /tag !!int/],
    ['an empty image', 'image: nginx\n', '', /empty/],
  ];
  for (const [label, before, newImage, message] of refused) {
    it(`refuses ${label}`, () => {
      const result = rewrite(before, newImage);
      assert.ok(typeof result === 'object' && 'error' in result, `refused, got ${JSON.stringify(result)}`);
      assert.match(result.error, message);
    });
  }

  it('refuses a scalar that is not inside the document', () => {
    const { doc, scalar } = onlyDocument('image: nginx\n');
    const result = rewriteImageEdit(doc, { ...scalar, valueStart: 5, valueEnd: 500 }, 'redis');
    assert.ok('error' in result);
  });

  it('works on the second document of a file, with offsets relative to that document', () => {
    const text = 'image: a\n---\n# c\nimage: "b"\n';
    const file = parseYamlFile(text);
    const second = file.documents[1];
    const [scalar] = imageScalars(second.parsed.contents);
    const edit = rewriteImageEdit(second.parsed, scalar, 'public.ecr.aws/x/b');
    assert.ok(!('error' in edit));
    assert.equal(second.parsed.text.slice(edit.start, edit.end), 'b');
    const absolute = { ...edit, start: edit.start + second.start, end: edit.end + second.start };
    assert.equal(apply(text, absolute), 'image: a\n---\n# c\nimage: "public.ecr.aws/x/b"\n');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: on generated manifests, rewriting image scalars changes those values and nothing else.

type Style = 'plain' | 'single' | 'double';
interface Container { name: string; image: string; style: Style; flow: boolean; comment: string | null; tagged: boolean; ports: number[] }
interface Manifest { kind: 'Pod' | 'Deployment'; name: string; replicas: number; containers: Container[]; init: Container[]; initFlowSeq: boolean; headComment: string | null }
interface Layout { eol: '\n' | '\r\n'; indent: number; indentSeq: boolean }

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);
const realisticImage = fc.tuple(
  fc.constantFrom('', 'docker.io/', 'index.docker.io/library/', 'registry.k8s.io/', 'quay.io/org/', 'localhost:5000/', 'public.ecr.aws/nginx/'),
  name,
  fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/), { nil: undefined }),
  fc.option(digest, { nil: undefined }),
).map(([prefix, repository, tag, hash]) => `${prefix}${repository}${tag !== undefined ? `:${tag}` : ''}${hash !== undefined ? `@${hash}` : ''}`);

const container = fc.record<Container>({
  name,
  image: realisticImage,
  style: fc.constantFrom<Style>('plain', 'single', 'double'),
  flow: fc.boolean(),
  comment: fc.option(fc.stringMatching(/^[a-z ]{0,12}$/), { nil: null }),
  tagged: fc.boolean(),
  ports: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }),
});

const manifest = fc.record<Manifest>({
  kind: fc.constantFrom<Manifest['kind']>('Pod', 'Deployment'),
  name,
  replicas: fc.integer({ min: 0, max: 9 }),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  init: fc.array(container, { maxLength: 2 }),
  initFlowSeq: fc.boolean(),
  headComment: fc.option(fc.stringMatching(/^[a-zA-Z ]{0,16}$/), { nil: null }),
});

const layout = fc.record<Layout>({ eol: fc.constantFrom<Layout['eol']>('\n', '\r\n'), indent: fc.constantFrom(2, 4), indentSeq: fc.boolean() });

/** New texts: real images, and strings that probe every YAML rule the edit must respect. */
const newImage = fc.oneof(
  { weight: 3, arbitrary: realisticImage },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'ab1:/.@-_ #\'"\\,[]{}?!&*|>%`~\t'.split('')), minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'null', '~', '123', '1e3', '0x1F', '.inf', 'yes', '- a', 'a: b', 'a #b', '...', '---', '2024-01-01', '1:20', 'a\nb', '"q"', "'q'") },
);

function quote(image: string, style: Style): string {
  return style === 'plain' ? image : style === 'single' ? `'${image}'` : `"${image}"`;
}

function renderContainer(c: Container, pad: string, unit: string, indentSeq: boolean): string[] {
  const value = `${c.tagged ? '!!str ' : ''}${quote(c.image, c.style)}`;
  const comment = c.comment === null ? '' : `  # ${c.comment}`;
  const dash = indentSeq ? `${pad}${unit}- ` : `${pad}- `;
  const inner = ' '.repeat(dash.length);
  if (c.flow) {
    const ports = c.ports.length > 0 ? `, ports: [${c.ports.map((p) => `{containerPort: ${p}}`).join(', ')}]` : '';
    return [`${dash}{name: ${c.name}, image: ${value}${ports}}${comment}`];
  }
  const lines = [`${dash}name: ${c.name}`, `${inner}image: ${value}${comment}`];
  if (c.ports.length > 0) {
    lines.push(`${inner}ports:`);
    for (const port of c.ports) lines.push(`${inner}- containerPort: ${port}`);
  }
  return lines;
}

function render(manifests: Manifest[], { eol, indent, indentSeq }: Layout): string {
  const unit = ' '.repeat(indent);
  const docs = manifests.map((m) => {
    const lines: string[] = [];
    if (m.headComment !== null) lines.push(`# ${m.headComment}`);
    lines.push(m.kind === 'Pod' ? 'apiVersion: v1' : 'apiVersion: apps/v1', `kind: ${m.kind}`, 'metadata:', `${unit}name: ${m.name}  # the name`, `${unit}labels: {app: ${m.name}, tier: "web"}`);
    let pad = unit;
    lines.push('spec:');
    if (m.kind === 'Deployment') {
      lines.push(`${unit}replicas: ${m.replicas}`, `${unit}selector:`, `${unit}${unit}matchLabels: {app: '${m.name}'}`, `${unit}template:`, `${unit}${unit}spec:`);
      pad = unit.repeat(3);
    }
    lines.push(`${pad}containers:`);
    for (const c of m.containers) lines.push(...renderContainer(c, pad, unit, indentSeq));
    if (m.init.length > 0) {
      if (m.initFlowSeq) {
        lines.push(`${pad}initContainers: [${m.init.map((c) => `{name: ${c.name}, image: ${c.tagged ? '!!str ' : ''}${quote(c.image, c.style)}}`).join(', ')}]`);
      } else {
        lines.push(`${pad}initContainers:`);
        for (const c of m.init) lines.push(...renderContainer(c, pad, unit, indentSeq));
      }
    }
    lines.push(`${pad}restartPolicy: Always`);
    return lines.join(eol) + eol;
  });
  return docs.join(`---${eol}`);
}

/** A structural fingerprint of a node; `replaced` substitutes the value of edited scalars. */
function shape(node: YNode | null, replaced: ReadonlyMap<YScalar, string>): unknown {
  if (node === null) return null;
  switch (node.kind) {
    case 'scalar': return ['scalar', node.style, node.tag ?? null, node.anchor ?? null, replaced.get(node) ?? node.value];
    case 'map': return ['map', node.flow, node.items.map((pair) => [shape(pair.key, replaced), shape(pair.value, replaced)])];
    case 'seq': return ['seq', node.flow, node.items.map((item) => shape(item, replaced))];
    case 'alias': return ['alias', node.name];
  }
}

describe('rewriteImageEdit: property over generated manifests', () => {
  it('changes exactly the image values, keeps everything else (structure, styles, bytes outside the edits)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), layout, fc.infiniteStream(newImage), (manifests, lay, replacements) => {
        const text = render(manifests, lay);
        const file = parseYamlFile(text);
        assert.equal(file.documents.length, manifests.length);
        const edits: { start: number; end: number; newText: string }[] = [];
        const perDocument: Map<YScalar, string>[] = [];
        for (const document of file.documents) {
          assert.deepEqual(document.parsed.errors, [], `generated YAML parses:\n${text}`);
          const replaced = new Map<YScalar, string>();
          const scalars = imageScalars(document.parsed.contents);
          for (const scalar of scalars) {
            const next = replacements.next().value;
            const edit = rewriteImageEdit(document.parsed, scalar, next);
            if ('error' in edit) {
              refused++;
              continue;
            }
            accepted++;
            // Only the scalar's own text is replaced: quotes, tags, comments and line ends are outside it.
            assert.equal(edit.start, scalar.valueStart);
            assert.equal(edit.end, scalar.valueEnd);
            assert.equal(edit.newText, next);
            replaced.set(scalar, next);
            edits.push({ start: document.start + edit.start, end: document.start + edit.end, newText: edit.newText });
          }
          perDocument.push(replaced);
        }
        let rewritten = text;
        for (const edit of [...edits].sort((a, b) => b.start - a.start)) rewritten = apply(rewritten, edit);

        const after = parseYamlFile(rewritten);
        assert.equal(after.documents.length, file.documents.length);
        after.documents.forEach((document, index) => {
          const before = file.documents[index];
          assert.deepEqual(document.parsed.errors, [], `rewritten YAML parses:\n${rewritten}`);
          assert.deepEqual(shape(document.parsed.contents, new Map()), shape(before.parsed.contents, perDocument[index]));
          // Everything between the edits is byte-identical, line endings included.
          const own = edits.filter((edit) => edit.start >= before.start && edit.end <= before.end);
          let expected = before.parsed.text;
          for (const edit of [...own].sort((a, b) => b.start - a.start)) {
            expected = apply(expected, { start: edit.start - before.start, end: edit.end - before.start, newText: edit.newText });
          }
          assert.equal(document.parsed.text, expected);
        });
      }),
      { numRuns: 300 },
    );
    // The property must exercise both outcomes to mean anything.
    assert.ok(accepted > 100, `accepted ${accepted}`);
    assert.ok(refused > 20, `refused ${refused}`);
  });
});
