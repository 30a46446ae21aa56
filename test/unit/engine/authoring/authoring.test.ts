// Completion and hover knowledge for policy files, on half-typed text as well as on complete policies.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { policyCompletions, policyHover, type CompletionItemData } from '../../../../server/src/engine/authoring';
import { cursorAt } from '../../../../server/src/engine/authoring/cursor';
import { WORKSHOP_POLICY } from '../policyLint/lintHelpers';

/** Completions with the cursor placed at `|` in `text`. */
function complete(textWithCursor: string): CompletionItemData[] {
  const offset = textWithCursor.indexOf('|');
  assert.ok(offset >= 0);
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  return policyCompletions(parseYamlFile(text).documents[0].parsed, offset);
}

const labels = (items: CompletionItemData[]): string[] => items.map((i) => i.label);

test('cursor: ancestors from indentation, through list items and compact lists', () => {
  const text = WORKSHOP_POLICY.replace('            containers:', '            =(|\n            containers:');
  const offset = text.indexOf('|');
  const c = cursorAt(text.replace('|', ''), offset);
  assert.deepEqual(c.ancestors, ['spec', 'rules', 'validate', 'pattern', 'spec']);
  assert.equal(c.position, 'key');
  assert.equal(c.typed, '=(');
  const compact = 'spec:\n  rules:\n  - name: a\n    match:\n      any:\n      - resources:\n          kinds:\n          - Po';
  const k = cursorAt(compact, compact.length);
  assert.deepEqual(k.ancestors, ['spec', 'rules', 'match', 'any', 'resources', 'kinds']);
  assert.equal(k.listItem, true);
  assert.equal(k.key, 'kinds');
  const valueText = 'spec:\n  validationFailureAction: Enf';
  const value = cursorAt(valueText, valueText.length);
  assert.deepEqual([value.position, value.key, value.typed, value.ancestors], ['value', 'validationFailureAction', 'Enf', ['spec']]);
});

test('anchors and pod-spec keys inside a pattern', () => {
  const items = complete(WORKSHOP_POLICY.replace('            containers:', '            |\n            containers:'));
  assert.deepEqual(labels(items.filter((i) => i.kind === 'anchor')), ['(key)', '=(key)', 'X(key)', '^(key)', '<(key)']);
  assert.deepEqual(labels(items.filter((i) => i.kind === 'key')), ['containers', '=(initContainers)', '=(ephemeralContainers)']);
  for (const i of items) {
    assert.ok(i.detail.length > 0 && i.documentation.includes('```yaml'), `${i.label} has an explanation and an example`);
  }
  const eq = items.find((i) => i.label === '=(key)');
  assert.match(eq?.documentation ?? '', /If `key` is present, its value must match/);
  // Typing narrows the list.
  assert.deepEqual(labels(complete(WORKSHOP_POLICY.replace('            containers:', '            =(e|\n            containers:'))), ['=(ephemeralContainers)']);
});

test('pattern operators in a pattern value', () => {
  const items = complete(WORKSHOP_POLICY.replace('- image: "public.ecr.aws/*"', '- image: "public.ecr.aws/|"'));
  assert.deepEqual(labels(items), ['*', '?', '|', '&', '!', '>', '<', '>=', '<=', 'a-b', 'a!-b']);
  assert.ok(items.every((i) => i.kind === 'operator' && i.documentation.includes('```yaml')));
  assert.match(items[0].documentation, /including `\/`, `:` and `@`/);
});

test('kinds with their group/version forms', () => {
  const items = complete(WORKSHOP_POLICY.replace('                - Pod', '                - Pod\n                - |'));
  const l = labels(items);
  for (const k of ['Pod', 'v1/Pod', 'Deployment', 'apps/v1/Deployment', 'CronJob', 'batch/v1/CronJob']) assert.ok(l.includes(k), k);
  assert.ok(items.every((i) => i.kind === 'kind'));
  const flow = complete(WORKSHOP_POLICY.replace('              kinds:\n                - Pod', '              kinds: [Pod, |]'));
  assert.ok(labels(flow).includes('apps/v1/Deployment'));
});

test('failure actions', () => {
  for (const text of [
    WORKSHOP_POLICY.replace('validationFailureAction: Enforce', 'validationFailureAction: |'),
    WORKSHOP_POLICY.replace('        message: "Unknown Image registry."', '        failureAction: |\n        message: "Unknown Image registry."'),
  ]) {
    const items = complete(text);
    assert.deepEqual(labels(items), ['Enforce', 'Audit']);
    assert.match(items[0].documentation, /rejected/);
    assert.match(items[1].documentation, /admitted/);
  }
});

test('the autogen annotation and its values', () => {
  const key = complete(WORKSHOP_POLICY.replace('    policies.kyverno.io/severity: medium', '    policies.kyverno.io/severity: medium\n    pod-|'));
  assert.deepEqual(labels(key), ['pod-policies.kyverno.io/autogen-controllers']);
  assert.equal(key[0].kind, 'annotation');
  assert.match(key[0].documentation, /without trimming/);
  const values = complete(WORKSHOP_POLICY.replace('    policies.kyverno.io/severity: medium', '    policies.kyverno.io/severity: medium\n    pod-policies.kyverno.io/autogen-controllers: |'));
  assert.ok(labels(values).includes('none'));
  assert.ok(labels(values).includes('Deployment,CronJob'));
});

test('CRD field names elsewhere, with their descriptions', () => {
  const items = complete(WORKSHOP_POLICY.replace('  background: true', '  background: true\n  webhook|'));
  assert.deepEqual(labels(items), ['webhookConfiguration', 'webhookTimeoutSeconds']);
  assert.match(items[1].detail, /deprecated/);
  const rule = complete(WORKSHOP_POLICY.replace('      validate:', '      pre|\n      validate:'));
  assert.deepEqual(labels(rule), ['preconditions']);
});

test('no completions outside Kyverno documents', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: |';
  assert.deepEqual(complete(pod), []);
});

test('hover on an anchor', () => {
  const text = WORKSHOP_POLICY.replace('            containers:', '            =(initContainers):\n              - image: "public.ecr.aws/*"\n            containers:');
  const doc = parseYamlFile(text).documents[0].parsed;
  const at = text.indexOf('=(initContainers)') + 3;
  const h = policyHover(doc, at);
  assert.ok(h);
  assert.equal(text.slice(h.start, h.end), '=(initContainers)');
  assert.match(h.markdown, /^\*\*equality anchor\*\* `=\(initContainers\)` on field `initContainers`/);
});

test('hover on a pattern: meaning, and which workspace images match (Kyverno semantics, raw strings)', () => {
  const text = WORKSHOP_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws/* | docker.io/*"');
  const doc = parseYamlFile(text).documents[0].parsed;
  const images = [
    { image: 'nginx', file: '/ws/pod.yaml', line: 9 },
    { image: 'docker.io/library/nginx', file: '/ws/deploy.yaml', line: 20 },
    { image: 'public.ecr.aws/nginx/nginx', file: '/ws/ecr.yaml', line: 9 },
    { image: 'public.ecr.aws/nginx/nginx', file: '/ws/ecr2.yaml', line: 3 },
  ];
  const h = policyHover(doc, text.indexOf('public.ecr.aws/*') + 2, images);
  assert.ok(h);
  assert.equal(text.slice(h.start, h.end), '"public.ecr.aws/* | docker.io/*"');
  assert.match(h.markdown, /one\*\* of these holds/);
  assert.match(h.markdown, /\*\*Workspace images:\*\* 2 of 3 match\./);
  assert.match(h.markdown, /Matches:\n- `docker\.io\/library\/nginx` — deploy\.yaml:21\n- `public\.ecr\.aws\/nginx\/nginx` — ecr\.yaml:10 \(\+1\)/);
  assert.match(h.markdown, /Does not match:\n- `nginx` — pod\.yaml:10/);
});

test('hover on kinds, failure actions, the autogen annotation and CRD fields', () => {
  const text = WORKSHOP_POLICY.replace('    policies.kyverno.io/severity: medium', '    policies.kyverno.io/severity: medium\n    pod-policies.kyverno.io/autogen-controllers: Deployment,CronJob')
    .replace('                - Pod', '                - apps/v1/Deployment');
  const doc = parseYamlFile(text).documents[0].parsed;
  const hover = (needle: string, delta = 1): string => policyHover(doc, text.indexOf(needle) + delta)?.markdown ?? '';
  assert.match(hover('apps/v1/Deployment'), /kind `Deployment`, group `apps`, version `v1`/);
  assert.match(hover('Enforce'), /^\*\*Enforce\*\*: Block the request/);
  assert.match(hover('Deployment,CronJob'), /Rules are generated for: `Deployment`, `CronJob`/);
  assert.match(hover('pod-policies.kyverno.io/autogen-controllers'), /split on `,` \*\*without trimming\*\*/);
  assert.match(hover('background'), /^\*\*background\*\* \(boolean\)/);
  assert.equal(policyHover(doc, text.indexOf('Unknown Image')), undefined);
});
