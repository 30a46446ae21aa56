// The loaded form of CEL policies: ValidatingPolicy / NamespacedValidatingPolicy (policies.kyverno.io),
// ValidatingAdmissionPolicy with its bindings (admissionregistration.k8s.io), and the CEL
// PolicyException (policies.kyverno.io). Expressions are compiled once, at load.

import type { FailureAction, SourceRef } from '../policy/types';
import type { CelProgram } from './interpreter';
import type { MatchResources } from './matchConstraints';

export type CelPolicyKind = 'ValidatingPolicy' | 'NamespacedValidatingPolicy' | 'ValidatingAdmissionPolicy';

export type ValidationAction = 'Deny' | 'Audit' | 'Warn';

export interface NamedProgram {
  name: string;
  program: CelProgram;
}

export interface CompiledValidation {
  index: number;
  program: CelProgram;
  message?: string;
  messageExpression?: CelProgram;
  /** The expression scalar in the policy file (absolute offsets). */
  source?: SourceRef;
}

/** One evaluable spec: the policy's own, or one generated for Pod controllers. */
export interface CompiledSpec {
  /** "" for the policy's own spec; "autogen" / "autogen-cronjobs" for generated ones. */
  autogen: '' | 'autogen' | 'autogen-cronjobs';
  match: MatchResources;
  matchConditions: NamedProgram[];
  variables: NamedProgram[];
  validations: CompiledValidation[];
}

export interface CompiledBinding {
  name: string;
  validationActions: ValidationAction[];
  action: FailureAction;
  actionNote?: string;
  /** undefined: the binding does not narrow the policy's own constraints. */
  match?: MatchResources;
  paramRef?: { name?: string; namespace?: string; parameterNotFoundAction?: string };
}

export interface CompiledCelException {
  name: string;
  namespace: string;
  /** `<namespace>/<name>`, as Kyverno prints it. */
  key: string;
  policyRefs: { name: string; kind: string }[];
  matchConditions: NamedProgram[];
  images: string[];
  allowedValues: string[];
  reportResult: 'skip' | 'pass';
  file: string;
}

export interface CelPolicy {
  kind: CelPolicyKind;
  apiVersion: string;
  name: string;
  /** "" unless NamespacedValidatingPolicy. */
  namespace: string;
  /** The name results use: name, or namespace/name for a NamespacedValidatingPolicy. */
  key: string;
  file: string;
  /** Absolute offset of the document in its file. */
  offset: number;
  /** ValidatingPolicy: spec.validationActions; a VAP carries them per binding. */
  validationActions: ValidationAction[];
  /** Deny → Enforce; Audit or Warn → Audit; Audit as well when admission evaluation is disabled. */
  action: FailureAction;
  /** What the action does not say: Warn (a warning, not a block) or admission evaluation disabled. */
  actionNote?: string;
  failurePolicy: 'Fail' | 'Ignore';
  /** The policy's own spec first, then its autogen specs. */
  specs: CompiledSpec[];
  /** Kinds the autogen specs cover (for display); [] when autogen does not apply. */
  autogenKinds: string[];
  /** The `validations` key in the policy file, for results that no single validation decided. */
  validationsSource?: SourceRef;
  /** ValidatingAdmissionPolicy only: its bindings in the workspace. */
  bindings: CompiledBinding[];
  /** VAP `spec.paramKind`, when set. */
  paramKind?: { apiVersion?: string; kind?: string };
  exceptions: CompiledCelException[];
}

export interface CelLoadNotice {
  file: string;
  offset: number;
  message: string;
}
