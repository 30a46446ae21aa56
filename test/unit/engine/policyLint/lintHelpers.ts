// Shared helpers for the policy-lint tests: lint a text, apply a fix, find problems by code.
import * as assert from 'node:assert/strict';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { lintPolicyDocument, type LintContext, type PolicyProblem, type TextEdit } from '../../../../server/src/engine/policyLint';

export function lintText(text: string, context?: LintContext): PolicyProblem[] {
  const file = parseYamlFile(text);
  assert.equal(file.documents.length, 1, 'test texts hold one document');
  return lintPolicyDocument(file.documents[0].parsed, context);
}

export function docOf(text: string) {
  return parseYamlFile(text).documents[0].parsed;
}

/** Applies non-overlapping edits (offsets into `text`). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    assert.ok(e.end <= lastStart, 'edits overlap');
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}

export function withCode(problems: readonly PolicyProblem[], code: string): PolicyProblem[] {
  return problems.filter((p) => p.code === code);
}

export function only(problems: readonly PolicyProblem[], code: string): PolicyProblem {
  const found = withCode(problems, code);
  assert.equal(found.length, 1, `exactly one ${code}, got ${JSON.stringify(problems.map((p) => `${p.code}: ${p.message}`), null, 1)}`);
  return found[0];
}

export function errors(problems: readonly PolicyProblem[]): PolicyProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

/** The source text a problem points at. */
export function spanOf(text: string, p: { start: number; end: number }): string {
  return text.slice(p.start, p.end);
}

/** Applies a problem's fix, re-parses, and asserts the result is YAML without syntax errors. */
export function applyFix(text: string, p: PolicyProblem): string {
  assert.ok(p.fix, `${p.code} has a fix`);
  const fixed = applyEdits(text, p.fix.edits);
  const file = parseYamlFile(fixed);
  for (const d of file.documents) assert.deepEqual(d.parsed.errors, [], `fixed text parses:\n${fixed}`);
  return fixed;
}

/** The EKS workshop policy (examples/seed), the running example of the brief. */
export const WORKSHOP_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
  annotations:
    policies.kyverno.io/title: Restrict Image Registries
    policies.kyverno.io/category: Best Practices, EKS Best Practices
    policies.kyverno.io/severity: medium
spec:
  validationFailureAction: Enforce
  background: true
  rules:
    - name: validate-registries
      match:
        any:
          - resources:
              kinds:
                - Pod
      validate:
        message: "Unknown Image registry."
        pattern:
          spec:
            containers:
              - image: "public.ecr.aws/*"
`;
