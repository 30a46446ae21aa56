// Go regular expressions (regexp.Compile syntax) matched in linear time: Kyverno's regex_match,
// regex_replace_all and regex_replace_all_literal take their patterns from policy files, so a
// backtracking engine would let a workspace file stall the language server.

import { parseRegex, RegexSyntaxError } from './parse';
import { Program, ProgramTooLargeError, search } from './vm';

export interface GoRegex {
  /** regexp.Match: is there a match anywhere in the text. */
  test(text: string): boolean;
  /** regexp.ReplaceAll (with $1 / ${name} expansion) or ReplaceAllLiteral. */
  replaceAll(text: string, replacement: string, literal: boolean): string;
}

const cache = new Map<string, GoRegex | { error: string }>();
const CACHE_LIMIT = 256;

export function compileGoRegex(pattern: string): GoRegex | { error: string } {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(pattern);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

function compileUncached(pattern: string): GoRegex | { error: string } {
  let program: Program;
  let groupNames: Map<string, number>;
  try {
    const parsed = parseRegex(pattern);
    program = new Program(parsed.root, parsed.groupCount);
    groupNames = parsed.groupNames;
  } catch (error) {
    if (error instanceof RegexSyntaxError) return { error: error.message };
    if (error instanceof ProgramTooLargeError) return { error: `error parsing regexp: expression too large` };
    throw error;
  }
  // A VmBudgetError (pathological pattern on a long input) propagates to the caller as an error.
  const run = (input: number[], from: number) => search(program, input, from);
  return {
    test(text: string): boolean {
      return run(codePoints(text), 0) !== undefined;
    },
    replaceAll(text: string, replacement: string, literal: boolean): string {
      const input = codePoints(text);
      const chars = Array.from(text);
      let out = '';
      let lastMatchEnd = 0;
      let searchPos = 0;
      while (searchPos <= input.length) {
        const match = run(input, searchPos);
        if (match === undefined) break;
        const [start, end] = match.slots;
        out += chars.slice(lastMatchEnd, start).join('');
        // An empty match right after the previous match is not replaced (Go's rule).
        if (end > lastMatchEnd || start === 0) {
          out += literal ? replacement : expand(replacement, match.slots, chars, groupNames);
        }
        lastMatchEnd = end;
        searchPos = searchPos + 1 > end ? searchPos + 1 : end;
      }
      return out + chars.slice(lastMatchEnd).join('');
    },
  };
}

function codePoints(text: string): number[] {
  return Array.from(text, (ch) => ch.codePointAt(0) as number);
}

/** regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown or unmatched groups expand to "". */
function expand(template: string, slots: number[], chars: string[], names: Map<string, number>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      const candidate = close < 0 ? '' : template.slice(i + 1, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(candidate)) {
        out += '$'; // malformed: the `$` is kept as text
        continue;
      }
      name = candidate;
      i = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (m === null) {
        out += '$';
        continue;
      }
      name = m[0];
      i += name.length;
    }
    const index = /^[0-9]+$/.test(name) ? Number(name) : (names.get(name) ?? -1);
    if (index >= 0 && index * 2 + 1 < slots.length && slots[index * 2] >= 0 && slots[index * 2 + 1] >= 0) {
      out += chars.slice(slots[index * 2], slots[index * 2 + 1]).join('');
    }
  }
  return out;
}
