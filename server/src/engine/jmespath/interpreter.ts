// A tree-walking evaluator for the syntax trees of @jmespath-community/jmespath, with the semantics of
// Kyverno's own interpreter (pkg/engine/jmespath/interpreter.go):
// - a field missing from an object raises NotFoundError ("Unknown key ...") instead of yielding null;
// - that error travels up through sub-expressions and index expressions, and is absorbed (the value
//   becomes null) by projections, filters, flattening, pipes, `||`, `!`, comparisons, multi-selects
//   and function arguments;
// - ordering comparisons and arithmetic apply to numbers only (null otherwise).
// Evaluation is bounded by a step budget so that no expression can run away on large data.

import { JmesPathError, NotFoundError } from './errors';
import { deepEqual, isFalse, isObject, runes } from './values';

/** The syntax tree produced by @jmespath-community/jmespath `compile` (only the fields we read). */
export type AstNode =
  | { type: 'Field'; name: string }
  | { type: 'Literal'; value: unknown }
  | { type: 'Index'; value: number }
  | { type: 'Slice'; start: number | null; stop: number | null; step: number | null }
  | { type: 'Identity' | 'Current' | 'Root' }
  | { type: 'Subexpression' | 'IndexExpression' | 'Projection' | 'ValueProjection' | 'Pipe' | 'OrExpression' | 'AndExpression'; left: AstNode; right: AstNode }
  | { type: 'FilterProjection'; left: AstNode; right: AstNode; condition: AstNode }
  | { type: 'Flatten' | 'NotExpression' | 'ExpressionReference'; child: AstNode }
  | { type: 'Comparator'; name: 'GT' | 'LT' | 'GTE' | 'LTE' | 'NE' | 'EQ'; left: AstNode; right: AstNode }
  | { type: 'MultiSelectList'; children: AstNode[] }
  | { type: 'MultiSelectHash'; children: { type: 'KeyValuePair'; name: string; value: AstNode }[] }
  | { type: 'Function'; name: string; children: AstNode[] }
  | { type: 'LetExpression'; bindings: { type: 'Binding'; variable: string; reference: AstNode }[]; expression: AstNode }
  | { type: 'Variable'; name: string }
  | { type: 'Ternary'; condition: AstNode; trueExpr: AstNode; falseExpr: AstNode }
  | { type: 'Unary'; operator: 'Plus' | 'Minus'; operand: AstNode }
  | { type: 'Arithmetic'; operator: string; left: AstNode; right: AstNode };

/** An `&expr` argument, applied by functions such as sort_by and map. */
export class ExpressionRef {
  constructor(
    readonly node: AstNode,
    private readonly evaluator: Evaluator,
  ) {}
  apply(value: unknown): unknown {
    return this.evaluator.absorbing(this.node, value);
  }
}

export type FunctionImpl = (args: unknown[]) => unknown;
export interface FunctionCaller {
  call(name: string, args: unknown[]): unknown;
}

/** Steps one evaluation may take; far above what any policy expression over a manifest needs. */
export const DEFAULT_STEP_BUDGET = 2_000_000;

type Scope = ReadonlyMap<string, unknown>;

/** The scope outside any `let`: shared, as scopes are never changed (a `let` copies its outer scope). */
const NO_BINDINGS: Scope = new Map();

export class Evaluator {
  private steps: number;

  constructor(
    private readonly root: unknown,
    private readonly functions: FunctionCaller,
    budget: number = DEFAULT_STEP_BUDGET,
  ) {
    this.steps = budget;
  }

  evaluate(node: AstNode, value: unknown): unknown {
    return this.visit(node, value, NO_BINDINGS);
  }

  /** Evaluates, turning a NotFoundError into null (how most composite nodes treat their children). */
  absorbing(node: AstNode, value: unknown, scope: Scope = NO_BINDINGS): unknown {
    try {
      return this.visit(node, value, scope);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Evaluates, turning any error into null (flatten, filter and value projections do this to their left side). */
  private swallowing(node: AstNode, value: unknown, scope: Scope): unknown {
    try {
      return this.visit(node, value, scope);
    } catch (error) {
      if (error instanceof BudgetExceededError) throw error;
      return null;
    }
  }

  private visit(node: AstNode, value: unknown, scope: Scope): unknown {
    if (--this.steps < 0) throw new BudgetExceededError();
    switch (node.type) {
      case 'Field':
        if (value === null || value === undefined) return null;
        if (isObject(value)) {
          if (Object.prototype.hasOwnProperty.call(value, node.name)) return value[node.name] ?? null;
          throw new NotFoundError(node.name);
        }
        return null;
      case 'Literal':
        return node.value;
      case 'Identity':
      case 'Current':
        return value ?? null;
      case 'Root':
        return this.root ?? null;
      case 'Subexpression':
      case 'IndexExpression': {
        const left = this.visit(node.left, value, scope);
        if (left === null || left === undefined) return null;
        return this.visit(node.right, left, scope);
      }
      case 'Index': {
        if (!Array.isArray(value)) return null;
        const index = node.value < 0 ? node.value + value.length : node.value;
        return index >= 0 && index < value.length ? (value[index] ?? null) : null;
      }
      case 'Slice':
        return this.slice(node, value);
      case 'Projection': {
        const allowString = node.left.type === 'IndexExpression' && node.left.right.type === 'Slice';
        const left = this.absorbing(node.left, value, scope);
        if (!Array.isArray(left)) return allowString && typeof left === 'string' ? left : null;
        const collected: unknown[] = [];
        for (const element of left) {
          const current = this.absorbing(node.right, element, scope);
          if (current !== null && current !== undefined) collected.push(current);
        }
        return collected;
      }
      case 'ValueProjection': {
        const left = this.swallowing(node.left, value, scope);
        if (!isObject(left)) return null;
        const collected: unknown[] = [];
        for (const element of Object.values(left)) {
          const current = this.absorbing(node.right, element, scope);
          if (current !== null && current !== undefined) collected.push(current);
        }
        return collected;
      }
      case 'FilterProjection': {
        const left = this.swallowing(node.left, value, scope);
        if (!Array.isArray(left)) return null;
        const collected: unknown[] = [];
        for (const element of left) {
          if (isFalse(this.absorbing(node.condition, element, scope))) continue;
          const current = this.absorbing(node.right, element, scope);
          if (current !== null && current !== undefined) collected.push(current);
        }
        return collected;
      }
      case 'Flatten': {
        const left = this.swallowing(node.child, value, scope);
        if (!Array.isArray(left)) return null;
        const flattened: unknown[] = [];
        for (const element of left) {
          if (Array.isArray(element)) flattened.push(...element);
          else flattened.push(element);
        }
        return flattened;
      }
      case 'Pipe': {
        const left = this.absorbing(node.left, value, scope);
        return this.absorbing(node.right, left, scope);
      }
      case 'OrExpression': {
        const left = this.absorbing(node.left, value, scope);
        return isFalse(left) ? this.absorbing(node.right, value, scope) : left;
      }
      case 'AndExpression': {
        const left = this.absorbing(node.left, value, scope);
        return isFalse(left) ? left : this.visit(node.right, value, scope);
      }
      case 'NotExpression':
        return isFalse(this.absorbing(node.child, value, scope));
      case 'Comparator': {
        const left = this.absorbing(node.left, value, scope);
        const right = this.absorbing(node.right, value, scope);
        if (node.name === 'EQ') return deepEqual(left, right);
        if (node.name === 'NE') return !deepEqual(left, right);
        if (typeof left !== 'number' || typeof right !== 'number') return null;
        switch (node.name) {
          case 'GT':
            return left > right;
          case 'GTE':
            return left >= right;
          case 'LT':
            return left < right;
          default:
            return left <= right;
        }
      }
      case 'MultiSelectList':
        return node.children.map((child) => this.absorbing(child, value, scope) ?? null);
      case 'MultiSelectHash': {
        const collected: Record<string, unknown> = {};
        for (const pair of node.children) {
          Object.defineProperty(collected, pair.name, { value: this.absorbing(pair.value, value, scope) ?? null, enumerable: true, writable: true, configurable: true });
        }
        return collected;
      }
      case 'ExpressionReference':
        return new ExpressionRef(node.child, this);
      case 'Function': {
        const args = node.children.map((child) => (child.type === 'ExpressionReference' ? new ExpressionRef(child.child, this) : (this.absorbing(child, value, scope) ?? null)));
        return this.functions.call(node.name, args);
      }
      case 'LetExpression': {
        const inner = new Map(scope);
        for (const binding of node.bindings) inner.set(binding.variable, this.absorbing(binding.reference, value, scope) ?? null);
        return this.absorbing(node.expression, value, inner);
      }
      case 'Variable':
        if (!scope.has(node.name)) throw new JmesPathError(`variable not defined: $${node.name}`, 'runtime');
        return scope.get(node.name);
      case 'Ternary':
        return isFalse(this.absorbing(node.condition, value, scope)) ? this.absorbing(node.falseExpr, value, scope) : this.absorbing(node.trueExpr, value, scope);
      case 'Unary': {
        const operand = this.absorbing(node.operand, value, scope);
        if (typeof operand !== 'number') return null;
        return node.operator === 'Minus' ? -operand : operand;
      }
      case 'Arithmetic': {
        const left = this.absorbing(node.left, value, scope);
        const right = this.absorbing(node.right, value, scope);
        if (typeof left !== 'number' || typeof right !== 'number') return null;
        return arithmetic(node.operator, left, right);
      }
      default:
        throw new JmesPathError(`Unknown AST node: ${(node as { type: string }).type}`, 'runtime');
    }
  }

  private slice(node: { start: number | null; stop: number | null; step: number | null }, value: unknown): unknown {
    if (Array.isArray(value)) return sliceArray(value, node);
    if (typeof value === 'string') {
      try {
        return sliceArray(runes(value), node).join('');
      } catch {
        return null;
      }
    }
    return null;
  }
}

class BudgetExceededError extends JmesPathError {
  constructor() {
    super('evaluation budget exceeded', 'runtime');
  }
}

function arithmetic(operator: string, left: number, right: number): number {
  switch (operator) {
    case 'Plus':
      return left + right;
    case 'Minus':
      return left - right;
    case 'Multiply':
    case 'Star':
      return left * right;
    case 'Divide':
      return left / right;
    case 'Modulo':
      return left % right;
    case 'Div':
      return Math.floor(left / right);
    default:
      throw new JmesPathError(`unknown arithmetic operator ${operator}`, 'runtime');
  }
}

/** JMESPath slice semantics (negative indices count from the end; step 0 is an error). */
function sliceArray<T>(items: T[], node: { start: number | null; stop: number | null; step: number | null }): T[] {
  const step = node.step ?? 1;
  if (step === 0) throw new JmesPathError('Invalid slice, step cannot be 0', 'runtime');
  const length = items.length;
  const capped = (index: number | null, fallback: number): number => {
    if (index === null) return fallback;
    if (index < 0) {
      const adjusted = index + length;
      return adjusted < 0 ? (step < 0 ? -1 : 0) : adjusted;
    }
    return index >= length ? (step < 0 ? length - 1 : length) : index;
  };
  const start = capped(node.start, step < 0 ? length - 1 : 0);
  const stop = capped(node.stop, step < 0 ? -1 : length);
  const out: T[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(items[i]);
  else for (let i = start; i > stop; i += step) out.push(items[i]);
  return out;
}
