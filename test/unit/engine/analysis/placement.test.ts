import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, PolicyStore } from '../../../../server/src/engine/analysis';
import { parseYamlFile, updateYamlFile, type YamlFile } from '../../../../server/src/engine/yaml/model';
import { repoRoot } from '../../../support/paths';

const seedPolicy = fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'restrict-image-registries.yaml'), 'utf8');

function pod(name: string, image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
}

test('placed results of untouched documents are reused, and always equal a fresh analysis', () => {
  const store = new PolicyStore();
  store.setFile('p.yaml', seedPolicy);
  const cached = new Analyzer(store);
  let yaml: YamlFile = parseYamlFile(Array.from({ length: 6 }, (_, i) => pod(`p${i}`, i % 2 === 0 ? 'nginx' : 'public.ecr.aws/x/y')).join('---\n'));
  let previous = cached.analyze('f.yaml', yaml);
  let reused = 0;
  const edits: { find: string; text: string }[] = [
    { find: 'name: p0', text: 'name: p0-longer-name' },
    { find: 'name: p3', text: 'name: q' },
    { find: 'image: public.ecr.aws/x/y', text: 'image: busybox' },
    { find: 'kind: Pod\nmetadata:\n  name: p5', text: 'kind: Pod\nmetadata:\n  labels: {a: b}\n  name: p5' },
  ];
  for (const e of edits) {
    const at = yaml.text.indexOf(e.find);
    const next = updateYamlFile(yaml, { start: at, end: at + e.find.length, text: e.text });
    const got = cached.analyze('f.yaml', next);
    const fresh = new Analyzer(store).analyze('f.yaml', next);
    assert.deepEqual(got, fresh, `after replacing ${e.find}`);
    for (const f of got.findings) assert.equal(next.text.slice(f.start, f.end), f.image);
    // A document that kept its ParsedDocument and its place hands out the very same finding objects.
    const kept = next.documents.filter((d) => yaml.documents.some((o) => o.parsed === d.parsed && o.start === d.start && o.index === d.index));
    reused += kept.length;
    for (const d of kept) {
      const before = previous.findings.filter((f) => f.start >= d.start && f.end <= d.end);
      const after = got.findings.filter((f) => f.start >= d.start && f.end <= d.end);
      assert.equal(after.length, before.length);
      after.forEach((f, i) => assert.equal(f, before[i]));
    }
    yaml = next;
    previous = got;
  }
  assert.ok(reused > 0, 'some edits leave documents in place');
});
