/**
 * CEL policies in a real extension host: test/fixtures/workspace-cel holds the seed Pod (`kubectl run nginx
 * --image=nginx`) and the seed policy written as a Kyverno ValidatingPolicy (policies.kyverno.io/v1,
 * validationActions [Deny], the expression `object.spec.containers.all(c, c.image.startsWith('public.ecr.aws/'))`,
 * message "Unknown Image registry."). The Pod must be flagged exactly where the ClusterPolicy flags it, and the
 * validation action must set the severity as the failure action does. Edits are unsaved, as a user typing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixturesDir } from '../../../support/paths';
import { EXTENSION_ID, SOURCE, codeOf, describeDiagnostics, ours, rangeIn, replace, waitFor, workspaceFile } from '../support';

const POLICY = 'restrict-image-registries';
const IMAGE_LINE = /^\s*- image:/;

suite('Registry Guard in a real extension host: the seed policy as a CEL ValidatingPolicy', () => {
  const podUri = workspaceFile('pod.yaml');
  const policyUri = workspaceFile('restrict-image-registries.yaml');
  let pod: vscode.TextDocument;
  let policy: vscode.TextDocument;

  /** The ValidatingPolicy's diagnostics on the Pod (the ClusterPolicy's carry the code of its rule validate-registries). */
  const celDiagnostics = (): vscode.Diagnostic[] => ours(podUri).filter((d) => codeOf(d) !== `${POLICY}/validate-registries`);

  suiteSetup(async () => {
    policy = await vscode.workspace.openTextDocument(policyUri);
    pod = await vscode.workspace.openTextDocument(podUri);
    await vscode.window.showTextDocument(pod);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded as the extension under development`);
    await waitFor('the extension to activate', () => extension.isActive);
  });

  test('the workspace holds the Pod and the ValidatingPolicy (Deny) only, no ClusterPolicy', async () => {
    const text = policy.getText();
    assert.match(text, /^apiVersion: policies\.kyverno\.io\/v1$/m);
    assert.match(text, /^kind: ValidatingPolicy$/m);
    assert.match(text, /^\s*- Deny$/m);
    assert.match(text, /expression: "object\.spec\.containers\.all\(c, c\.image\.startsWith\('public\.ecr\.aws\/'\)\)"/);
    const yamlFiles = await vscode.workspace.findFiles('**/*.{yaml,yml}');
    const clusterPolicies = yamlFiles.filter((f) => /^kind: ClusterPolicy$/m.test(fs.readFileSync(f.fsPath, 'utf8')));
    assert.deepEqual(clusterPolicies.map((f) => f.fsPath), [], 'no ClusterPolicy in this workspace');
  });

  test('the Pod gets an Error from Registry Guard exactly under `nginx`, with the policy\'s message', async () => {
    const expected = rangeIn(pod, IMAGE_LINE, 'nginx');
    const diagnostics = await waitFor('a Registry Guard diagnostic on pod.yaml', () => {
      const found = ours(podUri);
      return found.length > 0 && found;
    });
    assert.equal(diagnostics.length, 1, describeDiagnostics(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.source, SOURCE);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error, describeDiagnostics([d]));
    assert.ok(d.range.isEqual(expected), `range ${describeDiagnostics([d])} is the image text ${JSON.stringify([expected.start, expected.end])}`);
    assert.match(d.message, /^Unknown Image registry\./);
    assert.ok(String(codeOf(d)).startsWith(`${POLICY}/`), `the code names the policy: ${describeDiagnostics([d])}`);
  });

  test('the seed ClusterPolicy (opened unsaved beside it) flags the very same range, and leaves when closed', async () => {
    const seedPolicy = fs.readFileSync(path.join(fixturesDir, 'workspace-seed', 'restrict-image-registries.yaml'), 'utf8');
    assert.match(seedPolicy, /^kind: ClusterPolicy$/m);
    // An untitled document is a policy source as soon as it is open (the user wrote it), without touching the disk.
    const untitled = await vscode.workspace.openTextDocument({ language: 'yaml', content: seedPolicy });
    await vscode.window.showTextDocument(untitled);
    try {
      const both = await waitFor('the ClusterPolicy\'s diagnostic beside the ValidatingPolicy\'s', () => {
        const found = ours(podUri);
        return found.length === 2 && found;
      });
      const clusterPolicy = both.find((d) => codeOf(d) === `${POLICY}/validate-registries`);
      const validatingPolicy = both.find((d) => d !== clusterPolicy);
      assert.ok(clusterPolicy && validatingPolicy, describeDiagnostics(both));
      assert.ok(validatingPolicy.range.isEqual(clusterPolicy.range), `same range: ${describeDiagnostics(both)}`);
      assert.equal(validatingPolicy.severity, clusterPolicy.severity, `same severity (Deny and Enforce): ${describeDiagnostics(both)}`);
    } finally {
      await vscode.window.showTextDocument(untitled);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await waitFor('only the ValidatingPolicy\'s diagnostic once the ClusterPolicy is closed', () => {
      const found = ours(podUri);
      return found.length === 1 && celDiagnostics().length === 1;
    });
  });

  test('switching validationActions to [Audit] (unsaved edit of the policy) turns it into a Warning on the same range', async () => {
    await replace(policyUri, rangeIn(policy, /^\s*- Deny\s*$/, 'Deny'), 'Audit');
    assert.match(policy.getText(), /validationActions:\n\s*- Audit\n/);
    assert.equal(policy.isDirty, true, 'the policy edit is not saved');
    const [d] = await waitFor('a Warning on pod.yaml', () => {
      const found = ours(podUri);
      return found.length === 1 && found[0].severity === vscode.DiagnosticSeverity.Warning && found;
    });
    assert.ok(d.range.isEqual(rangeIn(pod, IMAGE_LINE, 'nginx')), describeDiagnostics([d]));
    assert.match(d.message, /^Unknown Image registry\./);
  });

  test('switching back to [Deny] makes it an Error again', async () => {
    await replace(policyUri, rangeIn(policy, /^\s*- Audit\s*$/, 'Audit'), 'Deny');
    const [d] = await waitFor('an Error on pod.yaml', () => {
      const found = ours(podUri);
      return found.length === 1 && found[0].severity === vscode.DiagnosticSeverity.Error && found;
    });
    assert.ok(d.range.isEqual(rangeIn(pod, IMAGE_LINE, 'nginx')), describeDiagnostics([d]));
  });
});
