// CEL policies: Kyverno ValidatingPolicy / NamespacedValidatingPolicy, Kubernetes ValidatingAdmissionPolicy
// with its bindings, CEL PolicyExceptions, ClusterPolicy `validate.cel`, and Kyverno's CEL image library.
export { loadCelPolicies, validateCelLoadErrors, type CelLoadOutput } from './load';
export { evaluateCelDocument, evaluateValidateCel, type ValidateCelOutcome } from './evaluate';
export type { CelEvaluateOptions } from './activation';
export type { CelLoadNotice, CelPolicy, CelPolicyKind, ValidationAction } from './model';
export { compileCel, evaluateCel, type CelProgram, type CompileResult } from './interpreter';
export { parseContainerImageReference, type ContainerImageReference } from './imageReference';
