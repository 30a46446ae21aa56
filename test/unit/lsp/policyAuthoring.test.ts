// Policy files in the editor: lint problems as diagnostics, completion items with replace ranges, hover that
// lists workspace images; and the workspace inventory that feeds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionItemKind, DiagnosticSeverity, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol';
import { parseYamlFile } from '../../../server/src/engine/yaml/model';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { inventoryOf, WorkspaceInventory } from '../../../server/src/lsp/inventory';
import { PolicyAuthoring } from '../../../server/src/lsp/policyAuthoring';
import { CLUSTER_POLICY, NGINX_POD } from './fakes';

function authoring(images = [{ image: 'nginx', file: '/ws/pod.yaml', line: 6 }, { image: 'public.ecr.aws/x/y:1', file: '/ws/ok.yaml', line: 3 }], kinds = ['Pod']) {
  return new PolicyAuthoring({ kinds: () => new Set(kinds), images: () => images });
}

test('lint problems are diagnostics with source Registry Guard and the problem code, at absolute positions', () => {
  const documents = new DocumentStore();
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n---\n${CLUSTER_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws*"')}`;
  const doc = documents.didOpen('file:///ws/p.yaml', 'yaml', 1, text);
  const diagnostics = authoring().diagnostics(doc);
  const lookalike = diagnostics.find((d) => d.code === 'registry-lookalike-host');
  assert.ok(lookalike, JSON.stringify(diagnostics.map((d) => d.code)));
  assert.equal(lookalike.source, 'Registry Guard');
  assert.equal(lookalike.severity, DiagnosticSeverity.Warning);
  const at = text.indexOf('public.ecr.aws*');
  assert.deepEqual(lookalike.range.start, doc.document.positionAt(at));
  assert.deepEqual(authoring().diagnostics(documents.didOpen('file:///ws/pod.yaml', 'yaml', 1, NGINX_POD)), [], 'manifests are not linted');
});

test('completion: failure actions after `failureAction: ` replace what is typed; operators are inserted at the cursor', () => {
  const documents = new DocumentStore();
  const text = CLUSTER_POLICY.replace('failureAction: Enforce', 'failureAction: Enf');
  const doc = documents.didOpen('file:///ws/p.yaml', 'yaml', 1, text);
  const offset = text.indexOf('Enf') + 3;
  const items = authoring().completion(doc, offset);
  const enforce = items.find((i) => i.label === 'Enforce');
  assert.ok(enforce, items.map((i) => i.label).join(','));
  assert.equal(enforce.kind, CompletionItemKind.EnumMember);
  const edit = enforce.textEdit as TextEdit;
  assert.deepEqual(edit.range, { start: doc.document.positionAt(offset - 3), end: doc.document.positionAt(offset) });
  assert.equal(edit.newText, 'Enforce');

  const inPattern = text.indexOf('public.ecr.aws/*') + 'public.ecr.aws/'.length;
  const operators = authoring().completion(doc, inPattern);
  const star = operators.find((i) => i.label === '*');
  assert.ok(star, operators.map((i) => i.label).join(','));
  assert.deepEqual((star.textEdit as TextEdit).range, { start: doc.document.positionAt(inPattern), end: doc.document.positionAt(inPattern) });
  assert.deepEqual(authoring().completion(documents.didOpen('file:///ws/pod.yaml', 'yaml', 1, NGINX_POD), 10), []);
});

test('hover on an image pattern lists which workspace images match and which do not', () => {
  const documents = new DocumentStore();
  const doc = documents.didOpen('file:///ws/p.yaml', 'yaml', 1, CLUSTER_POLICY);
  const hover = authoring().hover(doc, CLUSTER_POLICY.indexOf('public.ecr.aws/*') + 3);
  assert.ok(hover);
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /1 of 2 match/);
  assert.match(value, /Does not match:\n- `nginx` — pod\.yaml:7/);
  assert.match(value, /Matches:\n- `public\.ecr\.aws\/x\/y:1`/);
});

test('inventory: kinds and container images of manifests (not policies), open documents over checked files', () => {
  const yaml = parseYamlFile(`${NGINX_POD}---\n${CLUSTER_POLICY}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  image: not-a-container\n`);
  const inventory = inventoryOf('/ws/a.yaml', yaml);
  assert.deepEqual(inventory.kinds.sort(), ['ConfigMap', 'Pod']);
  assert.deepEqual(inventory.images, [{ image: 'nginx', file: '/ws/a.yaml', line: 6 }]);

  const documents = new DocumentStore();
  const workspace = new WorkspaceInventory(() => documents.all());
  workspace.record('file:///ws/d.yaml', '/ws/d.yaml', parseYamlFile('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: redis}]\n'));
  documents.didOpen('file:///ws/a.yaml', 'yaml', 1, NGINX_POD);
  assert.deepEqual([...workspace.kinds()].sort(), ['Deployment', 'Pod']);
  assert.deepEqual(workspace.images().map((i) => i.image).sort(), ['nginx', 'redis']);
  workspace.forget('file:///ws/d.yaml');
  assert.deepEqual([...workspace.kinds()], ['Pod']);
});
