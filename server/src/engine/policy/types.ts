// The engine/policy contract: results, violations, load errors and the loaded policy model.

export interface SourceRef { file: string; start: number; end: number }

export interface Violation {
  /** Kyverno path of the failure, e.g. "/spec/template/spec/containers/1/image/"; "" when none applies. */
  path: string;
  /** The image string when the violation points at a container image. */
  image?: string;
  /** Offsets relative to the evaluated document; for a scalar, its text inside the quotes. */
  start: number;
  end: number;
  /** For anyPattern: the index of the alternative that failed here. */
  alternative?: number;
  detail?: string;
}

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error';
export type FailureAction = 'Enforce' | 'Audit';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  documentIndex: number;
  kindStart: number;
  kindEnd: number;
}

export interface RuleResult {
  /** "<name>" for ClusterPolicy, "<namespace>/<name>" for Policy. */
  policy: string;
  /** Evaluated rule name, e.g. "autogen-validate-registries". */
  rule: string;
  resource: ResourceRef;
  status: RuleStatus;
  action: FailureAction;
  /** Kyverno's text, e.g. "validation error: Unknown image registry. rule validate-registries failed at path /spec/containers/0/image/". */
  message: string;
  /** Every failing image or element (Kyverno reports only the first); never changes status or message. */
  violations: Violation[];
  /** The rule's pattern/anyPattern/deny/foreach key in the policy file (absolute offsets in that file). */
  ruleSource?: SourceRef;
  /** The policy author's `validate.message`, variables substituted when possible. */
  ruleMessage?: string;
}

export interface PolicyLoadError { file: string; offset: number; message: string }

export type RuleForm = 'pattern' | 'anyPattern' | 'deny' | 'foreach' | 'cel';

export interface LoadedRule {
  name: string;
  /** undefined for rules this engine does not evaluate (mutate, generate, verifyImages, validate.cel/podSecurity/assert). */
  form?: RuleForm;
  /** Why the rule is not evaluated, e.g. "validate.cel is not evaluated yet". */
  unsupported?: string;
  source?: SourceRef;
}

export interface LoadedPolicy {
  kind: 'ClusterPolicy' | 'Policy';
  apiVersion: string;
  name: string;
  /** "" for a ClusterPolicy. */
  namespace: string;
  /** The name results and exceptions use: name, or namespace/name for a Policy. */
  key: string;
  file: string;
  /** Absolute offset of the document in its file. */
  offset: number;
  rules: readonly LoadedRule[];
}

export interface LoadedException {
  name: string;
  namespace: string;
  /** namespace/name, as Kyverno prints it in the skip message. */
  key: string;
  file: string;
  offset: number;
}
