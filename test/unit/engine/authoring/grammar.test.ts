// The TextMate injection grammar (syntaxes/kyverno-injection.tmLanguage.json), tokenized together with VS
// Code's own YAML grammar by VS Code's own TextMate engine (vscode-textmate + vscode-oniguruma), both taken
// from the code-server that the editor test tier installs (e2e/). Without that install the tokenizer
// tests are skipped with the reason; the grammar's structure is checked either way.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../../support/paths';

const GRAMMAR = path.join(repoRoot, 'syntaxes', 'kyverno-injection.tmLanguage.json');
const VSCODE = path.join(repoRoot, 'e2e', 'node_modules', 'code-server', 'lib', 'vscode');
const haveVsCode = fs.existsSync(path.join(VSCODE, 'node_modules', 'vscode-textmate')) && fs.existsSync(path.join(VSCODE, 'extensions', 'yaml', 'syntaxes', 'yaml.tmLanguage.json'));

test('grammar structure: an injection into source.yaml, outside comments and strings', () => {
  const g = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8')) as { scopeName: string; injectionSelector: string; repository: Record<string, unknown> };
  assert.equal(g.scopeName, 'kyverno.pattern.injection');
  assert.equal(g.injectionSelector, 'L:source.yaml -comment -string');
  for (const rule of ['pattern-block', 'anchor-key', 'operators']) assert.ok(rule in g.repository, rule);
});

interface Token { text: string; scopes: string[] }
type Tokenize = (text: string) => Token[][];

async function loadTokenizer(): Promise<Tokenize> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tm = require(path.join(VSCODE, 'node_modules', 'vscode-textmate'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const onig = require(path.join(VSCODE, 'node_modules', 'vscode-oniguruma'));
  await onig.loadWASM(fs.readFileSync(path.join(VSCODE, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer);
  const yamlDir = path.join(VSCODE, 'extensions', 'yaml', 'syntaxes');
  const files: Record<string, string> = {
    'source.yaml': path.join(yamlDir, 'yaml.tmLanguage.json'),
    'kyverno.pattern.injection': GRAMMAR,
  };
  for (const v of ['1.0', '1.1', '1.2', '1.3']) files[`source.yaml.${v}`] = path.join(yamlDir, `yaml-${v}.tmLanguage.json`);
  files['source.yaml.embedded'] = path.join(yamlDir, 'yaml-embedded.tmLanguage.json');
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new onig.OnigScanner(s), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => (files[scope] && fs.existsSync(files[scope]) ? tm.parseRawGrammar(fs.readFileSync(files[scope], 'utf8'), files[scope]) : null),
    getInjections: (scope: string) => (scope === 'source.yaml' ? ['kyverno.pattern.injection'] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  return (text: string) => {
    let state = tm.INITIAL;
    return text.split('\n').map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      return r.tokens.map((t: { startIndex: number; endIndex: number; scopes: string[] }) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}

/** The texts of the tokens on `line` that carry a scope starting with `scope`. */
function scoped(lines: Token[][], line: number, scope: string): string[] {
  return lines[line].filter((t) => t.scopes.some((s) => s.startsWith(scope))).map((t) => t.text);
}

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
spec:
  rules:
    - name: r
      validate:
        message: "not a pattern: a | b*"
        pattern:
          spec:
            =(initContainers):
              - image: "public.ecr.aws/* | ghcr.io/*" # comment with | and *
            containers:
              - (image): '*:latest & !*:1.?'
                X(hostPath): "null"
        anyPattern:
        - spec:
            ^(containers):
              - image: public.ecr.aws/*
      foreach:
        - list: "request.object.spec.containers"
          pattern:
            image: ">=1"
    - name: other
      schedule: "*/5 * * * *"
`;

test('anchors in keys and operators in pattern values, nowhere else', { skip: haveVsCode ? false : 'code-server (e2e/node_modules) not installed: run e2e/setup.sh to tokenize with VS Code\'s engine' }, async () => {
  const tokenize = await loadTokenizer();
  const lines = tokenize(POLICY);
  // Anchors: modifier, parentheses and name.
  assert.deepEqual(scoped(lines, 9, 'keyword.operator.anchor.kyverno'), ['=']);
  assert.deepEqual(scoped(lines, 9, 'entity.name.tag.anchor.kyverno'), ['initContainers']);
  assert.deepEqual(scoped(lines, 12, 'punctuation.definition.anchor'), ['(', ')']);
  assert.deepEqual(scoped(lines, 13, 'keyword.operator.anchor.kyverno'), ['X']);
  assert.deepEqual(scoped(lines, 16, 'keyword.operator.anchor.kyverno'), ['^']);
  // Operators inside pattern strings (double, single, plain), not in the trailing comment.
  assert.deepEqual(scoped(lines, 10, 'keyword.operator.'), ['*', '|', '*']);
  assert.deepEqual(scoped(lines, 12, 'keyword.operator.wildcard.kyverno'), ['*', '*', '?']);
  assert.deepEqual(scoped(lines, 12, 'keyword.operator.logical.kyverno'), ['&']);
  assert.deepEqual(scoped(lines, 12, 'keyword.operator.negation.kyverno'), ['!']);
  assert.deepEqual(scoped(lines, 17, 'keyword.operator.wildcard.kyverno'), ['*']);
  assert.deepEqual(scoped(lines, 21, 'keyword.operator.comparison.kyverno'), ['>=']);
  // Outside pattern blocks: a message and a cron schedule keep their plain YAML string scopes.
  for (const line of [6, 19, 23]) assert.deepEqual(scoped(lines, line, 'keyword.operator.'), [], POLICY.split('\n')[line]);
  // YAML's own scopes are kept for keys and strings inside pattern blocks.
  assert.ok(lines[10].some((t) => t.text === 'image' && t.scopes.includes('entity.name.tag.yaml')));
  assert.ok(lines[10].some((t) => t.text.trim() === 'ghcr.io/' && t.scopes.includes('string.quoted.double.yaml')));
});

test('a plain Kubernetes manifest gets no Kyverno scopes', { skip: haveVsCode ? false : 'code-server (e2e/node_modules) not installed' }, async () => {
  const tokenize = await loadTokenizer();
  const lines = tokenize('apiVersion: batch/v1\nkind: CronJob\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - image: "nginx:1.*"\n');
  assert.deepEqual(lines.flatMap((l) => l.filter((t) => t.scopes.some((s) => s.endsWith('.kyverno')))), []);
});
