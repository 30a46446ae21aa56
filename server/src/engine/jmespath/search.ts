// Compiling and running JMESPath expressions with Kyverno's function set and semantics.

import type { ImageConfig } from '../image';
import { JmesPathError } from './errors';
import { kyvernoFunctions } from './functions/kyverno';
import { TableFunctionCaller, type FunctionSpec } from './functions/registry';
import { STANDARD_FUNCTIONS } from './functions/standard';
import { Evaluator, type AstNode } from './interpreter';

// The package is an ES module with a CommonJS build; its type declarations are ESM-only, so TypeScript
// refuses a static import from this CommonJS project. We only need the parser.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile } = require('@jmespath-community/jmespath') as { compile(expression: string): unknown };

/** Longer expressions are refused outright; policy expressions are a few hundred characters at most. */
const MAX_EXPRESSION_LENGTH = 20_000;

const compiled = new Map<string, AstNode | JmesPathError>();
const COMPILE_CACHE_LIMIT = 2_000;

/** Parses an expression (memoized); throws JmesPathError of kind 'syntax'. */
export function compileExpression(expression: string): AstNode {
  let entry = compiled.get(expression);
  if (entry === undefined) {
    entry = parse(expression);
    if (compiled.size >= COMPILE_CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
    compiled.set(expression, entry);
  }
  if (entry instanceof JmesPathError) throw entry;
  return entry;
}

function parse(expression: string): AstNode | JmesPathError {
  if (expression.length > MAX_EXPRESSION_LENGTH) return new JmesPathError(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`, 'syntax');
  try {
    return compile(expression) as unknown as AstNode;
  } catch (error) {
    return new JmesPathError(error instanceof Error ? error.message : String(error), 'syntax');
  }
}

const callers = new Map<string, TableFunctionCaller>();

function callerFor(imageConfig: ImageConfig | undefined): TableFunctionCaller {
  const key = imageConfig === undefined ? '' : `${imageConfig.defaultRegistry}\u0000${imageConfig.enableDefaultRegistryMutation}`;
  let caller = callers.get(key);
  if (caller === undefined) {
    const table = new Map<string, FunctionSpec>([...STANDARD_FUNCTIONS, ...kyvernoFunctions(imageConfig)]);
    caller = new TableFunctionCaller(table);
    callers.set(key, caller);
  }
  return caller;
}

export interface SearchOptions {
  /** The default-registry settings `image_normalize` uses (Kyverno's ConfigMap); docker.io / true by default. */
  imageConfig?: ImageConfig;
}

/**
 * Evaluates `expression` against `data` the way Kyverno's JMESPath does. Throws JmesPathError: kind
 * 'syntax' for a bad expression, 'notFound' for Kyverno's "Unknown key" error, 'function' or
 * 'runtime' otherwise.
 */
export function jmespathSearch(expression: string, data: unknown, options: SearchOptions = {}): unknown {
  const ast = compileExpression(expression);
  try {
    const result = new Evaluator(data, callerFor(options.imageConfig)).evaluate(ast, data);
    return result === undefined ? null : result;
  } catch (error) {
    if (error instanceof JmesPathError) throw error;
    // Anything else (a regex budget, a stack overflow on absurd nesting) is still an evaluation error.
    throw new JmesPathError(error instanceof Error ? error.message : String(error), 'runtime');
  }
}
