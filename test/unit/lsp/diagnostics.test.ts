import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Location } from 'vscode-languageserver-protocol';
import { findingDiagnostic, findingMessage, noticeDiagnostic, toDiagnostics, type PolicySourceLocator } from '../../../server/src/lsp/diagnostics';
import { documentSettings } from '../../../server/src/lsp/settings';
import type { Finding } from '../../../server/src/engine/analysis';
import { messageOf, NGINX_POD } from './fakes';

const uri = 'file:///ws/pod.yaml';
const document = TextDocument.create(uri, 'yaml', 3, NGINX_POD);
const imageStart = NGINX_POD.indexOf('nginx\n      name');

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    policy: 'restrict-image-registries', rule: 'validate-registries', action: 'Enforce', status: 'fail',
    message: 'validation error: Unknown Image registry. rule validate-registries failed at path /spec/containers/0/image/',
    policyMessage: 'Unknown Image registry.', path: '/spec/containers/0/image/', image: 'nginx',
    start: imageStart, end: imageStart + 5,
    ruleSource: { file: '/ws/policy.yaml', start: 100, end: 120 },
    resource: { kind: 'Pod', namespace: '', name: 'nginx' },
    ...overrides,
  };
}

const located: Location = { uri: 'file:///ws/policy.yaml', range: { start: { line: 16, character: 14 }, end: { line: 16, character: 34 } } };
const locator: PolicySourceLocator = { locate: (file, start, end) => (file === '/ws/policy.yaml' && start === 100 && end === 120 ? located : undefined) };

test('an Enforce finding becomes an Error on exactly the image text', () => {
  const d = findingDiagnostic(document, finding(), documentSettings(undefined), locator);
  assert.deepEqual(d.range, { start: { line: 6, character: 13 }, end: { line: 6, character: 18 } });
  assert.equal(document.getText(d.range), 'nginx');
  assert.equal(d.severity, DiagnosticSeverity.Error);
  assert.equal(d.source, 'Registry Guard');
  assert.equal(d.code, 'restrict-image-registries/validate-registries');
  assert.ok(messageOf(d).startsWith('Unknown Image registry.'), messageOf(d));
  assert.match(messageOf(d), /policy restrict-image-registries, rule validate-registries/);
  assert.match(messageOf(d), /admission would block Pod nginx \(Enforce\)/);
});

test('relatedInformation points at the rule in the policy file', () => {
  const d = findingDiagnostic(document, finding(), documentSettings(undefined), locator);
  assert.deepEqual(d.relatedInformation?.map((r) => r.location), [located]);
  assert.match(d.relatedInformation![0].message, /validate-registries/);
  const unknown = findingDiagnostic(document, finding({ ruleSource: undefined }), documentSettings(undefined), locator);
  assert.equal(unknown.relatedInformation, undefined);
});

test('a finding diagnostic carries no data: quick fixes look the finding up in the server\'s analysis', () => {
  const d = findingDiagnostic(document, finding(), documentSettings(undefined), locator);
  assert.equal('data' in d, false);
  assert.deepEqual(Object.keys(d).sort(), ['code', 'message', 'range', 'relatedInformation', 'severity', 'source']);
});

test('an Audit finding is a Warning that says admission reports it', () => {
  const d = findingDiagnostic(document, finding({ action: 'Audit' }), documentSettings(undefined), locator);
  assert.equal(d.severity, DiagnosticSeverity.Warning);
  assert.match(messageOf(d), /admission would allow Pod nginx and report the violation \(Audit\)/);
});

test('severities follow the settings', () => {
  const settings = documentSettings({ severity: { enforce: 'warning', audit: 'hint' } });
  assert.equal(findingDiagnostic(document, finding(), settings, locator).severity, DiagnosticSeverity.Warning);
  assert.equal(findingDiagnostic(document, finding({ action: 'Audit' }), settings, locator).severity, DiagnosticSeverity.Hint);
  const info = documentSettings({ severity: { audit: 'information' } });
  assert.equal(findingDiagnostic(document, finding({ action: 'Audit' }), info, locator).severity, DiagnosticSeverity.Information);
});

test('a rule error says the rule could not be evaluated and keeps Kyverno\'s text', () => {
  const message = findingMessage(finding({ status: 'error', message: 'failed to substitute variables', policyMessage: 'Unknown Image registry.' }));
  assert.match(message, /^Unknown Image registry\. — policy restrict-image-registries, rule validate-registries could not be evaluated \(failed to substitute variables\)/);
});

test('an unnamed resource and a missing policy message still read well', () => {
  const message = findingMessage(finding({ resource: { kind: 'Deployment', namespace: '', name: '' }, policyMessage: '' }));
  assert.ok(message.startsWith('validation error: Unknown Image registry.'), message);
  assert.match(message, /admission would block this Deployment/);
});

test('notices map their severity and code; toDiagnostics lists notices and findings', () => {
  const notice = noticeDiagnostic(document, { severity: 'hint', code: 'helm-template', message: 'Helm template', start: 0, end: 0 });
  assert.equal(notice.severity, DiagnosticSeverity.Hint);
  assert.equal(notice.code, 'helm-template');
  assert.equal(notice.source, 'Registry Guard');
  const all = toDiagnostics(document, {
    kind: 'manifest', results: [], findings: [finding(), finding({ image: 'redis' })],
    notices: [{ severity: 'error', code: 'yaml-syntax', message: 'YAML syntax error', start: 2, end: 3 }],
  }, documentSettings(undefined), locator);
  assert.deepEqual(all.map((d) => d.code), ['yaml-syntax', 'restrict-image-registries/validate-registries', 'restrict-image-registries/validate-registries']);
  assert.equal(all[0].severity, DiagnosticSeverity.Error);
});
