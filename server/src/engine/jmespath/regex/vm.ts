// Thompson-NFA program and Pike VM for the trees of ./parse.ts: every input position is visited once
// and every instruction at most once per position, so a match costs O(input × program) whatever the
// pattern (no backtracking). Submatches follow Go's leftmost-first (Perl-like) preference.

import { isWordChar, type Assertion, type CharTest, type RegexNode } from './parse';

type Instruction =
  | { op: 'char'; test: CharTest; next: number }
  | { op: 'split'; first: number; second: number }
  | { op: 'jump'; next: number }
  | { op: 'save'; slot: number; next: number }
  | { op: 'assert'; assertion: Assertion; next: number }
  | { op: 'match' };

/** Programs larger than this are refused, like RE2's "expression too large". */
export const MAX_PROGRAM_SIZE = 20_000;

export class ProgramTooLargeError extends Error {}

export class Program {
  readonly instructions: Instruction[] = [];

  constructor(
    root: RegexNode,
    readonly groupCount: number,
  ) {
    // Whole match is group 0: save 0, body, save 1, match.
    const start = this.emit({ op: 'save', slot: 0, next: -1 });
    const bodyEnd = this.compile(root, start + 1);
    const save1 = this.emit({ op: 'save', slot: 1, next: -1 });
    this.patch(bodyEnd, save1);
    (this.instructions[start] as { next: number }).next = start + 1;
    const match = this.emit({ op: 'match' });
    (this.instructions[save1] as { next: number }).next = match;
  }

  private emit(instruction: Instruction): number {
    if (this.instructions.length >= MAX_PROGRAM_SIZE) throw new ProgramTooLargeError('expression too large');
    this.instructions.push(instruction);
    return this.instructions.length - 1;
  }

  /** Points every dangling exit in `exits` at `target`. */
  private patch(exits: number[], target: number): void {
    for (const pc of exits) {
      const ins = this.instructions[pc];
      if (ins.op === 'split') {
        if (ins.first === -1) ins.first = target;
        if (ins.second === -1) ins.second = target;
      } else if (ins.op !== 'match') {
        if (ins.next === -1) ins.next = target;
      }
    }
  }

  /**
   * Compiles `node` so that it starts at the next emitted instruction (which must equal `entry`) and
   * returns the list of instructions whose exits still dangle.
   */
  private compile(node: RegexNode, entry: number): number[] {
    switch (node.kind) {
      case 'empty': {
        const pc = this.emit({ op: 'jump', next: -1 });
        return [pc];
      }
      case 'char':
        return [this.emit({ op: 'char', test: node.test, next: -1 })];
      case 'assert':
        return [this.emit({ op: 'assert', assertion: node.assertion, next: -1 })];
      case 'group': {
        if (node.index === null) return this.compile(node.item, entry);
        const open = this.emit({ op: 'save', slot: node.index * 2, next: -1 });
        const innerExits = this.compile(node.item, open + 1);
        (this.instructions[open] as { next: number }).next = open + 1;
        const close = this.emit({ op: 'save', slot: node.index * 2 + 1, next: -1 });
        this.patch(innerExits, close);
        return [close];
      }
      case 'concat': {
        let exits: number[] | undefined;
        for (const item of node.items) {
          const start = this.instructions.length;
          const itemExits = this.compile(item, start);
          if (exits !== undefined) this.patch(exits, start);
          exits = itemExits;
        }
        return exits ?? [this.emit({ op: 'jump', next: -1 })];
      }
      case 'alternate': {
        // split L1, next-split ; L1: a ; jump end ; ...
        const exits: number[] = [];
        for (let i = 0; i < node.items.length; i++) {
          if (i === node.items.length - 1) {
            exits.push(...this.compile(node.items[i], this.instructions.length));
            break;
          }
          const split = this.emit({ op: 'split', first: -1, second: -1 });
          (this.instructions[split] as { first: number }).first = split + 1;
          exits.push(...this.compile(node.items[i], split + 1));
          (this.instructions[split] as { second: number }).second = this.instructions.length;
        }
        return exits;
      }
      case 'repeat':
        return this.compileRepeat(node);
    }
  }

  private compileRepeat(node: { item: RegexNode; min: number; max: number; greedy: boolean }): number[] {
    let exits: number[] | undefined;
    const chain = (compileOne: () => number[]): void => {
      const start = this.instructions.length;
      const itemExits = compileOne();
      if (exits !== undefined) this.patch(exits, start);
      exits = itemExits;
    };
    for (let i = 0; i < node.min; i++) chain(() => this.compile(node.item, this.instructions.length));
    if (node.max === Infinity) {
      // L: split body, out ; body ; jump L
      chain(() => {
        const split = this.emit({ op: 'split', first: -1, second: -1 });
        const bodyExits = this.compile(node.item, split + 1);
        const loop = this.emit({ op: 'jump', next: split });
        this.patch(bodyExits, loop);
        const ins = this.instructions[split] as { first: number; second: number };
        if (node.greedy) ins.first = split + 1;
        else ins.second = split + 1;
        return [split];
      });
    } else {
      // Optional copies nest: (x(x(x)?)?)? so that a later copy is only tried after an earlier one.
      const optionalExits: number[] = [];
      for (let i = node.min; i < node.max; i++) {
        chain(() => {
          const split = this.emit({ op: 'split', first: -1, second: -1 });
          const ins = this.instructions[split] as { first: number; second: number };
          if (node.greedy) ins.first = split + 1;
          else ins.second = split + 1;
          optionalExits.push(split);
          return this.compile(node.item, split + 1);
        });
      }
      if (exits !== undefined) exits = [...exits, ...optionalExits];
    }
    return exits ?? [this.emit({ op: 'jump', next: -1 })];
  }
}

export interface MatchResult {
  /** Code-point offsets: [start0, end0, start1, end1, ...]; -1 when a group did not take part. */
  slots: number[];
}

/** Budget of instruction visits for one search; matching manifest strings needs a tiny fraction. */
export const MAX_VM_STEPS = 50_000_000;

export class VmBudgetError extends Error {}

interface Thread {
  pc: number;
  slots: number[];
}

/** Leftmost-first search for a match starting at or after `from` in `input` (code points). */
export function search(program: Program, input: number[], from: number): MatchResult | undefined {
  const ins = program.instructions;
  const slotCount = (program.groupCount + 1) * 2;
  let steps = 0;
  let current: Thread[] = [];
  let matched: number[] | undefined;
  const visitedAt = new Int32Array(ins.length).fill(-1);

  const addThread = (list: Thread[], pc: number, slots: number[], pos: number): void => {
    // Iterative depth-first expansion keeps the preference order without recursion.
    const stack: { pc: number; slots: number[] }[] = [{ pc, slots }];
    while (stack.length > 0) {
      const { pc: p, slots: s } = stack.pop() as { pc: number; slots: number[] };
      if (visitedAt[p] === pos) continue;
      visitedAt[p] = pos;
      if (++steps > MAX_VM_STEPS) throw new VmBudgetError('regular expression evaluation budget exceeded');
      const instruction = ins[p];
      switch (instruction.op) {
        case 'jump':
          stack.push({ pc: instruction.next, slots: s });
          break;
        case 'split':
          // Push the second alternative first so that the first is explored first.
          stack.push({ pc: instruction.second, slots: s });
          stack.push({ pc: instruction.first, slots: s });
          break;
        case 'save': {
          const copy = s.slice();
          copy[instruction.slot] = pos;
          stack.push({ pc: instruction.next, slots: copy });
          break;
        }
        case 'assert':
          if (assertionHolds(instruction.assertion, input, pos)) stack.push({ pc: instruction.next, slots: s });
          break;
        default:
          list.push({ pc: p, slots: s });
      }
    }
  };

  for (let pos = from; pos <= input.length; pos++) {
    if (matched === undefined) addThread(current, 0, new Array<number>(slotCount).fill(-1), pos);
    else if (current.length === 0) break;
    const next: Thread[] = [];
    for (const thread of current) {
      const instruction = ins[thread.pc];
      if (instruction.op === 'match') {
        matched = thread.slots;
        break; // lower-priority threads are cut
      }
      if (instruction.op === 'char' && pos < input.length && instruction.test(input[pos])) {
        addThread(next, instruction.next, thread.slots, pos + 1);
      }
    }
    current = next;
  }
  for (const thread of current) {
    if (ins[thread.pc].op === 'match') {
      matched = thread.slots;
      break;
    }
  }
  return matched === undefined ? undefined : { slots: matched };
}

function assertionHolds(assertion: Assertion, input: number[], pos: number): boolean {
  switch (assertion) {
    case 'beginText':
      return pos === 0;
    case 'endText':
      return pos === input.length;
    case 'beginLine':
      return pos === 0 || input[pos - 1] === 0x0a;
    case 'endLine':
      return pos === input.length || input[pos] === 0x0a;
    case 'wordBoundary':
    case 'notWordBoundary': {
      const before = pos > 0 && isWordChar(input[pos - 1]);
      const after = pos < input.length && isWordChar(input[pos]);
      return (before !== after) === (assertion === 'wordBoundary');
    }
  }
}
