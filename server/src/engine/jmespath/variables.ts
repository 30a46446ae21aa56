// Kyverno's `{{ }}` variable substitution (pkg/engine/variables/vars.go substituteVariablesIfAny over
// the jsonutils traversal): every string leaf and every map key of a JSON value is scanned for
// variables; a string that is exactly one variable becomes the typed result, embedded variables are
// replaced by the string (or Go JSON) form; `\{{...}}` is an escape for a literal `{{...}}`.

import { Float64 } from '../pattern/goValue';
import { queryContext, type EvalContext, type QueryOptions, type RootCache } from './context';
import { goJsonMarshal, isObject } from './values';

export interface SubstituteOptions extends QueryOptions {
  /** Kyverno's JSON path of `value` inside the document being substituted ("" for a lone value); used in messages and by `{{@}}`. */
  path?: string;
}

export class VariableSubstitutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableSubstitutionError';
  }
}

/** Variables resolved per call; a value that keeps expanding into new variables stops here. */
const MAX_RESOLUTIONS = 10_000;

/**
 * Substitutes every variable in `value` (strings, nested objects and arrays, map keys). Throws
 * VariableSubstitutionError with Kyverno's message ("failed to resolve <var> at path <p>: ...").
 */
export function substituteVariables(value: unknown, ctx: EvalContext, options: SubstituteOptions = {}): unknown {
  const state: State = { ctx, options, remaining: MAX_RESOLUTIONS, roots: {} };
  return traverse(value, options.path ?? '', state);
}

/** The same, with the error as data. */
export function trySubstituteVariables(value: unknown, ctx: EvalContext, options: SubstituteOptions = {}): { value: unknown } | { error: string } {
  try {
    return { value: substituteVariables(value, ctx, options) };
  } catch (error) {
    if (error instanceof VariableSubstitutionError) return { error: error.message };
    throw error;
  }
}

interface State {
  ctx: EvalContext;
  options: SubstituteOptions;
  remaining: number;
  /** The context does not change while one value is substituted: its query root is built once. */
  roots: RootCache;
}

function traverse(element: unknown, path: string, state: State): unknown {
  const replaced = typeof element === 'string' ? substituteString(element, path, state) : element;
  if (Array.isArray(replaced)) return replaced.map((item, i) => traverse(item, `${path}/${i}`, state));
  if (isObject(replaced) && !(replaced instanceof Float64)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(replaced)) {
      const newKey = traverseKey(key, path, state);
      const value = traverse(child, `${path}/${key}`, state);
      Object.defineProperty(out, newKey, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return replaced;
}

function traverseKey(key: string, path: string, state: State): string {
  const replaced = traverse(key, path, state);
  if (replaced === null || replaced === undefined) return key;
  if (typeof replaced !== 'string') throw new VariableSubstitutionError(`expected string after substituting variables in key "${key}"`);
  return replaced;
}

function substituteString(text: string, path: string, state: State): unknown {
  // Variables and escaped variables both contain `{{`: most strings (pattern values, condition values,
  // messages) have none and come back unchanged.
  if (!text.includes('{{')) return text;
  let value = text;
  const deleteRequest = state.ctx.request?.operation === 'DELETE';
  let vars = variablesIn(value);
  while (vars.length > 0) {
    const originalPattern = value;
    for (const found of vars) {
      const initial = variableEndAt(found, 0) >= 0;
      const v = initial ? found : found.slice(1);
      let variable = replaceBracesAndTrimSpaces(v);
      if (variable === '@') variable = atVariable(path, state.ctx, state.options);
      if (deleteRequest) variable = variable.split('request.object').join('request.oldObject');
      if (--state.remaining < 0) throw new VariableSubstitutionError(`failed to resolve ${variable} at path ${path}: too many nested variable substitutions`);
      let resolved: unknown;
      try {
        resolved = queryContext(variable, state.ctx, state.options, state.roots);
      } catch (error) {
        throw new VariableSubstitutionError(`failed to resolve ${variable} at path ${path}: ${(error as Error).message}`);
      }
      if (originalPattern === v) return resolved ?? null;
      const prefix = initial ? '' : found[0];
      let replacement: string;
      try {
        replacement = typeof resolved === 'string' ? resolved : goJsonMarshal(resolved ?? null);
      } catch (error) {
        throw new VariableSubstitutionError(`failed to resolve ${variable} at path ${path}: ${(error as Error).message}`);
      }
      // Kyverno replaces in the pattern as it was before this round (so only the last replacement of a
      // round survives; the loop finds the others again).
      value = replaceFirst(originalPattern, prefix + v, prefix + replacement);
    }
    vars = variablesIn(value);
  }
  for (const escaped of findEscapedVariables(value)) value = value.split(escaped).join(escaped.slice(1));
  return value;
}

function replaceFirst(text: string, search: string, replacement: string): string {
  const at = text.indexOf(search);
  return at < 0 ? text : text.slice(0, at) + replacement + text.slice(at + search.length);
}

const strippedVariables = new Map<string, string>();

function replaceBracesAndTrimSpaces(v: string): string {
  if (v.length > CACHED_TEXT_LENGTH) return stripBraces(v);
  // The same variable texts recur; the same result string also keeps the expression cache lookups
  // that follow cheap (its hash is computed once).
  let stripped = strippedVariables.get(v);
  if (stripped === undefined) {
    stripped = stripBraces(v);
    if (strippedVariables.size >= VARIABLES_BY_TEXT_LIMIT) strippedVariables.clear();
    strippedVariables.set(v, stripped);
  }
  return stripped;
}

function stripBraces(v: string): string {
  return v.replaceAll('{{', '').replaceAll('}}', '').trim();
}

/**
 * End index (exclusive) of a variable `{{ ( {[^{}]*} | [^{}] )* }}` starting at `start`, or -1. The
 * grammar is deterministic (a `{` always opens a one-level group, a `}` always ends the body), so a
 * single forward scan decides it.
 */
function variableEndAt(text: string, start: number): number {
  if (text[start] !== '{' || text[start + 1] !== '{') return -1;
  let i = start + 2;
  while (i < text.length) {
    const c = text[i];
    if (c === '}') return text[i + 1] === '}' ? i + 2 : -1;
    if (c === '{') {
      let j = i + 1;
      while (j < text.length && text[j] !== '{' && text[j] !== '}') j++;
      if (text[j] !== '}') return -1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return -1;
}

/**
 * findVariables, remembered per text: the texts are a policy's few strings (and their forms after an
 * inner variable was replaced), substituted again for every resource and foreach element.
 */
const variablesByText = new Map<string, readonly string[]>();
const VARIABLES_BY_TEXT_LIMIT = 5_000;
/** Longer texts (a substituted value can be a whole resource) are scanned each time, not kept. */
const CACHED_TEXT_LENGTH = 1_000;

function variablesIn(text: string): readonly string[] {
  if (text.length > CACHED_TEXT_LENGTH) return findVariables(text);
  let vars = variablesByText.get(text);
  if (vars === undefined) {
    vars = findVariables(text);
    if (variablesByText.size >= VARIABLES_BY_TEXT_LIMIT) variablesByText.clear();
    variablesByText.set(text, vars);
  }
  return vars;
}

/**
 * Go `FindAllString` of `(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})`: leftmost, non-overlapping matches;
 * a match not at the start of the text includes the one character before the `{{`. Linear: a scan from
 * one `{{` never runs past the next `{{`.
 */
export function findVariables(text: string): string[] {
  const found: string[] = [];
  let p = 0;
  while (p < text.length) {
    if (p === 0) {
      const end = variableEndAt(text, 0);
      if (end >= 0) {
        found.push(text.slice(0, end));
        p = end;
        continue;
      }
    }
    if (text[p] !== '\\') {
      const end = variableEndAt(text, p + 1);
      if (end >= 0) {
        found.push(text.slice(p, end));
        p = end;
        continue;
      }
    }
    p++;
  }
  return found;
}

/** Go `FindAllString` of `\\\{\{(\{[^{}]*\}|[^{}])*\}\}`. */
function findEscapedVariables(text: string): string[] {
  const found: string[] = [];
  let p = 0;
  while (p < text.length) {
    if (text[p] === '\\') {
      const end = variableEndAt(text, p + 1);
      if (end >= 0) {
        found.push(text.slice(p, end));
        p = end;
        continue;
      }
    }
    p++;
  }
  return found;
}

/**
 * `{{@}}`: the JMESPath of the current leaf, relative to the resource: the document path after any
 * `foreach` element, minus the first two elements (e.g. `validate/pattern`), under `target` when the
 * context has one and `request.object` otherwise.
 */
function atVariable(path: string, ctx: EvalContext, options: QueryOptions): string {
  let elements = path.split('/').filter((e) => e !== '');
  const foreachAt = elements.indexOf('foreach');
  if (foreachAt >= 0) elements = elements.slice(foreachAt + 1);
  elements = elements.slice(2);
  let prefix = ['request', 'object'];
  try {
    queryContext('target', ctx, options);
    prefix = ['target'];
  } catch {
    // no target: request.object
  }
  let out = '';
  for (const element of [...prefix, ...elements]) {
    if (/^[0-9]+$/.test(element)) {
      out += `[${Number(element)}]`;
      continue;
    }
    if (out !== '') out += '.';
    out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(element) ? element : JSON.stringify(element);
  }
  return out;
}
