/** The engine as the CLI and the server use it, with a realistic policy set, and checks every analysis must pass. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, PolicyStore, type FileAnalysis } from '../../../server/src/engine/analysis';
import { parseYamlFile, type YamlFile } from '../../../server/src/engine/yaml';
import { kyvernoDataDir, repoRoot } from '../../support/paths';

/** One policy of each evaluation form: pattern, anyPattern, deny, foreach (pattern and deny), CEL. */
export const LIBRARY_POLICIES = [
  'best-practices/disallow-latest-tag/disallow-latest-tag.yaml',
  'other/allowed-image-repos/allowed-image-repos.yaml',
  'other/require-image-checksum/require-image-checksum.yaml',
  'other/restrict-deprecated-registry/restrict-deprecated-registry.yaml',
  'other/check-ingress-nginx-controller-version-and-annotation-policy/check-ingress-nginx-controller-version-and-annotation-policy.yaml',
  'best-practices-vpol/restrict-image-registries/restrict-image-registries.yaml',
];

export const SEED_POLICY = fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'restrict-image-registries.yaml'), 'utf8');

export function libraryPolicyTexts(): { file: string; text: string }[] {
  const out = [{ file: 'seed/restrict-image-registries.yaml', text: SEED_POLICY }];
  for (const rel of LIBRARY_POLICIES) {
    const file = path.join(kyvernoDataDir, 'policies-library', rel);
    if (fs.existsSync(file)) out.push({ file: rel, text: fs.readFileSync(file, 'utf8') });
  }
  return out;
}

export function storeWith(policies: readonly { file: string; text: string }[], allowedRegistries: string[] = []): PolicyStore {
  const store = new PolicyStore();
  for (const p of policies) store.setFile(p.file, p.text);
  if (allowedRegistries.length > 0) store.setAllowedRegistries(allowedRegistries);
  return store;
}

/**
 * A fresh parse through an analyzer with no cached evaluations: what a second run, or a restart, computes. Pass
 * policy texts to rebuild the policy set as well (slower: the set is compiled again).
 */
export function freshAnalysis(policies: PolicyStore | readonly { file: string; text: string }[], file: string, text: string): FileAnalysis {
  return new Analyzer(policies instanceof PolicyStore ? policies : storeWith(policies)).analyze(file, parseYamlFile(text));
}

/** Structural checks on a parsed file: documents in order, inside the text, and their own slice of it. */
export function checkYamlFile(yaml: YamlFile): void {
  let previousEnd = 0;
  for (const [i, d] of yaml.documents.entries()) {
    assert.equal(d.index, i);
    assert.ok(d.start >= previousEnd && d.start <= d.end && d.end <= yaml.text.length, `document ${i} ${d.start}..${d.end} in order inside ${yaml.text.length}`);
    assert.equal(d.parsed.text, yaml.text.slice(d.start, d.end));
    for (const e of d.parsed.errors) {
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.length > 0);
      assert.ok(e.offset >= 0 && e.offset <= d.parsed.text.length && e.length >= 0, `error offset ${e.offset} inside document ${i}`);
    }
    d.parsed.toJS();
    previousEnd = d.end;
  }
}

/** What every analysis must satisfy, whatever the input. */
export function checkAnalysis(analysis: FileAnalysis, text: string): void {
  assert.ok(['manifest', 'policy', 'helm-template', 'other'].includes(analysis.kind));
  for (const f of analysis.findings) {
    assert.ok(f.start >= 0 && f.start <= f.end && f.end <= text.length, `finding ${f.start}..${f.end} inside ${text.length}`);
    assert.ok(f.action === 'Enforce' || f.action === 'Audit');
    assert.ok(f.status === 'fail' || f.status === 'error');
    // Kyverno's own text, which may be empty (a deny rule whose message fails substitution falls back to the
    // condition's message, often ''); the editor and CLI add their own words around it.
    assert.equal(typeof f.message, 'string');
    // "internal error" is what the engine says when its own code threw: always a bug.
    assert.doesNotMatch(f.message, /internal error|Maximum call stack|RangeError|TypeError|is not a function|Cannot read prop/, f.message);
  }
  for (const n of analysis.notices) {
    assert.ok(n.start >= 0 && n.start <= n.end && n.end <= text.length, `notice ${n.code} ${n.start}..${n.end} inside ${text.length}`);
    assert.ok(n.message.length > 0);
    assert.doesNotMatch(n.message, /internal error|Maximum call stack|RangeError|TypeError|is not a function|Cannot read prop/, n.message);
  }
  // Plain data: it crosses process boundaries (LSP, JSON output) unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(analysis.findings)), analysis.findings.map(stripUndefined));
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
