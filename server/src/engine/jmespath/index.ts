// JMESPath with Kyverno's semantics and functions, `{{ }}` variable substitution, and condition blocks.
export { JmesPathError, NotFoundError, type JmesPathErrorKind } from './errors';
export { jmespathSearch, compileExpression, type SearchOptions } from './search';
export { contextRoot, queryContext, type EvalContext, type QueryOptions } from './context';
export { substituteVariables, trySubstituteVariables, findVariables, VariableSubstitutionError, type SubstituteOptions } from './variables';
export { evaluateConditions, type ConditionsResult } from './conditions';
export { operatorHandler, CONDITION_OPERATORS } from './operators';
export { goJsonMarshal } from './values';
export { compileGoRegex, type GoRegex } from './regex';
