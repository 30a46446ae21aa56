// Which images made a CEL validation fail. Kyverno only says "false"; the editor wants a squiggle under
// each offending image. The expression's AST is walked from the root with the value that made it fail
// (false at the root; flipped under `!`), through `&&`, `||`, `?:` and `variables.x` references, to the
// quantifier macros (`all`, `exists`, `exists_one`) whose target is a list of objects of the resource,
// such as `object.spec.containers`, a variable built from container lists, or a `.map()`/`.filter()` of
// them. Their predicate is re-run per element with the iteration variable bound; the elements whose
// predicate has the failing value are the culprits. Sub-expressions are compiled from their source text
// (cached), so no CEL internals are needed.

import type { Locator } from '../policy/locate';
import { isRecord } from '../policy/selector';
import type { Violation } from '../policy/types';
import { compileCel, evaluateCel, isNode, type CelNode, type CelProgram } from './interpreter';
import type { CelInput, Segments } from './values';

const QUANTIFIERS = new Set(['all', 'exists', 'exists_one']);
const MAX_DEPTH = 32;

export interface CulpritContext {
  activation: Record<string, unknown>;
  input: CelInput;
  locator: Locator;
  /** The compiled program of `variables.<name>`, to follow references into variable definitions. */
  variable(name: string): CelProgram | undefined;
}

/** Violations at the failing elements, or [] when the failure cannot be attributed to elements. */
export function findCulprits(program: CelProgram, ctx: CulpritContext): Violation[] {
  const out: Violation[] = [];
  walk(program, program.ast, false, ctx, out, 0);
  return out;
}

function sub(program: CelProgram, node: CelNode): CelProgram | undefined {
  if (node === program.ast) return program;
  const compiled = compileCel(program.text.slice(node.range.start, node.range.end));
  return 'program' in compiled ? compiled.program : undefined;
}

function valueOf(program: CelProgram, node: CelNode, activation: Record<string, unknown>): unknown {
  const p = sub(program, node);
  if (p === undefined) return undefined;
  const r = evaluateCel(p, activation);
  return 'value' in r ? r.value : undefined;
}

function walk(program: CelProgram, node: CelNode, failing: boolean, ctx: CulpritContext, out: Violation[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  const next = (n: CelNode, value: boolean, p: CelProgram = program): void => walk(p, n, value, ctx, out, depth + 1);
  switch (node.op) {
    case '!_':
      next(node.args, !failing);
      return;
    case '&&':
    case '||': {
      // An operand shares the failing value when it has it: for `a && b` failing false, the false
      // operands; for `a || b` failing false, both; and the mirror cases under negation.
      for (const operand of node.args) {
        if ((node.op === '&&') === failing || valueOf(program, operand, ctx.activation) === failing) next(operand, failing);
      }
      return;
    }
    case '?:': {
      const cond = valueOf(program, node.args[0], ctx.activation);
      if (cond === true) next(node.args[1], failing);
      else if (cond === false) next(node.args[2], failing);
      return;
    }
    case '.': {
      const [target, field] = node.args;
      if (target.op === 'id' && target.args === 'variables') {
        const v = ctx.variable(field);
        if (v !== undefined) next(v.ast, failing, v);
      }
      return;
    }
    case 'rcall': {
      const [name, target, macroArgs] = node.args;
      if (!QUANTIFIERS.has(name) || macroArgs.length !== 2) return;
      const [iter, predicate] = macroArgs;
      if (iter.op !== 'id' || !isNode(predicate)) return;
      quantifier(program, name, target, iter.args, predicate, failing, ctx, out);
      return;
    }
    default:
      return;
  }
}

interface Element {
  value: unknown;
  violation?: Violation;
}

function quantifier(
  program: CelProgram, name: string, target: CelNode, iterVar: string, predicate: CelNode, failing: boolean, ctx: CulpritContext, out: Violation[],
): void {
  const elements = elementsOf(program, target, ctx);
  if (elements === undefined || !elements.some((e) => e.violation !== undefined)) return;
  const pred = sub(program, predicate);
  if (pred === undefined) return;
  const results = elements.map((e) => {
    const activation = Object.create(ctx.activation) as Record<string, unknown>;
    activation[iterVar] = e.value;
    const r = evaluateCel(pred, activation);
    return 'value' in r ? r.value : undefined;
  });
  let culprit: (r: unknown) => boolean = (r) => r === failing;
  if (name === 'exists_one' && !failing) {
    // exists_one is false with none or with several true elements: blame the extra ones, or all.
    const trues = results.filter((r) => r === true).length;
    culprit = trues === 0 ? (r) => r === false : (r) => r === true;
  }
  results.forEach((r, i) => {
    const v = elements[i].violation;
    if (v !== undefined && culprit(r)) out.push(v);
  });
}

/** The target list with each element's place in the resource, when it has one. */
function elementsOf(program: CelProgram, target: CelNode, ctx: CulpritContext): Element[] | undefined {
  const list = valueOf(program, target, ctx.activation);
  if (!Array.isArray(list)) return undefined;
  const direct = list.map((value) => ({ value, violation: violationOf(value, ctx) }));
  if (direct.some((e) => e.violation !== undefined)) return direct;
  // `xs.map(x, f(x))`: element i comes from element i of xs.
  if (target.op === 'rcall' && target.args[0] === 'map' && target.args[2].length === 2) {
    const source = valueOf(program, target.args[1], ctx.activation);
    if (Array.isArray(source) && source.length === list.length) {
      return list.map((value, i) => ({ value, violation: violationOf(source[i], ctx) }));
    }
  }
  return direct;
}

function violationOf(value: unknown, ctx: CulpritContext): Violation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const segs: Segments | undefined = ctx.input.paths.get(value);
  if (segs === undefined) return undefined;
  if (isRecord(value) && typeof value.image === 'string') return ctx.locator.at([...segs, 'image']);
  return ctx.locator.at(segs);
}
