// Function signatures and the caller that checks arity and argument types before running a function,
// as the go-jmespath function caller does (its messages are what Kyverno reports).

import { formatGoValue } from '../../pattern/goValue';
import { JmesPathError } from '../errors';
import { ExpressionRef, type FunctionCaller } from '../interpreter';
import { isObject } from '../values';

export type ArgType = 'any' | 'number' | 'string' | 'boolean' | 'null' | 'array' | 'object' | 'expref' | 'array[number]' | 'array[string]';

export interface ArgSpec {
  types: readonly ArgType[];
  optional?: boolean;
  variadic?: boolean;
}

export interface FunctionSpec {
  args: readonly ArgSpec[];
  run: (args: unknown[]) => unknown;
}

export type FunctionTable = ReadonlyMap<string, FunctionSpec>;

export function spec(args: readonly (readonly ArgType[] | ArgSpec)[], run: (args: unknown[]) => unknown): FunctionSpec {
  return { args: args.map((a) => (Array.isArray(a) ? { types: a as readonly ArgType[] } : (a as ArgSpec))), run };
}

export class TableFunctionCaller implements FunctionCaller {
  constructor(private readonly table: FunctionTable) {}

  call(name: string, args: unknown[]): unknown {
    const fn = this.table.get(name);
    if (fn === undefined) throw new JmesPathError(`unknown function: ${name}`, 'function');
    checkArity(name, fn.args, args.length);
    args.forEach((arg, i) => {
      const argSpec = fn.args[Math.min(i, fn.args.length - 1)];
      if (!argSpec.types.some((t) => matchesType(t, arg))) {
        throw new JmesPathError(`Invalid type for: ${describe(arg)}, expected: []jpType{${argSpec.types.map((t) => `"${t}"`).join(', ')}}`, 'function');
      }
    });
    return fn.run(args);
  }
}

function checkArity(name: string, specs: readonly ArgSpec[], count: number): void {
  const variadic = specs.length > 0 && specs[specs.length - 1].variadic === true;
  const required = specs.filter((s) => !s.optional && !s.variadic).length + (variadic ? 1 : 0);
  const maximum = variadic ? Infinity : specs.length;
  if (count < required || count > maximum) {
    throw new JmesPathError(`invalid arity for function ${name}: expected ${variadic ? `at least ${required}` : required === maximum ? `${required}` : `${required} to ${maximum}`} arguments, got ${count}`, 'function');
  }
}

function matchesType(type: ArgType, value: unknown): boolean {
  switch (type) {
    case 'any':
      return !(value instanceof ExpressionRef);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null || value === undefined;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value) && !(value instanceof ExpressionRef);
    case 'expref':
      return value instanceof ExpressionRef;
    case 'array[number]':
      return Array.isArray(value) && value.every((v) => typeof v === 'number');
    case 'array[string]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}

function describe(value: unknown): string {
  if (value instanceof ExpressionRef) return '<expression>';
  return formatGoValue(value ?? null);
}
