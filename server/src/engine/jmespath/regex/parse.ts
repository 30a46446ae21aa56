// Parser for Go's regexp syntax (RE2, the Perl flavour `regexp.Compile` accepts) into a small tree.
// Constructs Go rejects (backreferences, lookarounds, possessive quantifiers) are rejected with Go's
// error wording; the resulting tree is matched by the linear-time VM in ./vm.ts, never by a
// backtracking engine.

export type CharTest = (codePoint: number) => boolean;

export type RegexNode =
  | { kind: 'empty' }
  | { kind: 'char'; test: CharTest }
  | { kind: 'assert'; assertion: Assertion }
  | { kind: 'concat'; items: RegexNode[] }
  | { kind: 'alternate'; items: RegexNode[] }
  | { kind: 'repeat'; item: RegexNode; min: number; max: number; greedy: boolean }
  | { kind: 'group'; item: RegexNode; index: number | null };

export type Assertion = 'beginLine' | 'endLine' | 'beginText' | 'endText' | 'wordBoundary' | 'notWordBoundary';

export interface ParsedRegex {
  root: RegexNode;
  groupCount: number;
  groupNames: Map<string, number>;
}

interface Flags {
  caseInsensitive: boolean;
  multiLine: boolean;
  dotAll: boolean;
  ungreedy: boolean;
}

/** RE2's limit on counted repetition. */
const MAX_REPEAT = 1000;

export class RegexSyntaxError extends Error {}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isWordChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
export { isWordChar };

const PERL_CLASSES: Record<string, CharTest> = {
  d: isDigit,
  s: (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d,
  w: isWordChar,
};

const POSIX_CLASSES: Record<string, CharTest> = {
  alnum: (c) => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a),
  alpha: (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a),
  ascii: (c) => c <= 0x7f,
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: (c) => c >= 0x21 && c <= 0x7e,
  lower: (c) => c >= 0x61 && c <= 0x7a,
  print: (c) => c >= 0x20 && c <= 0x7e,
  punct: (c) => (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => c >= 0x41 && c <= 0x5a,
  word: isWordChar,
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

export function parseRegex(pattern: string): ParsedRegex {
  return new Parser(pattern).parseAll();
}

class Parser {
  private readonly cps: number[];
  private pos = 0;
  private groupCount = 0;
  private readonly groupNames = new Map<string, number>();

  constructor(private readonly source: string) {
    this.cps = Array.from(source, (ch) => ch.codePointAt(0) as number);
  }

  parseAll(): ParsedRegex {
    const flags: Flags = { caseInsensitive: false, multiLine: false, dotAll: false, ungreedy: false };
    const root = this.parseAlternation(flags, 0);
    if (this.pos < this.cps.length) this.fail('unexpected )', this.source);
    return { root, groupCount: this.groupCount, groupNames: this.groupNames };
  }

  private fail(code: string, fragment: string): never {
    throw new RegexSyntaxError(`error parsing regexp: ${code}: \`${fragment}\``);
  }

  private peek(offset = 0): number | undefined {
    return this.cps[this.pos + offset];
  }

  private parseAlternation(flags: Flags, depth: number): RegexNode {
    const branches: RegexNode[] = [this.parseConcat(flags, depth)];
    while (this.peek() === 0x7c) {
      this.pos++;
      branches.push(this.parseConcat(flags, depth));
    }
    return branches.length === 1 ? branches[0] : { kind: 'alternate', items: branches };
  }

  private parseConcat(flags: Flags, depth: number): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x7c) break;
      if (c === 0x29) {
        if (depth === 0) this.fail('unexpected )', this.source);
        break;
      }
      const start = this.pos;
      const atom = this.parseAtom(flags, depth);
      if (atom === undefined) continue; // a flag group such as (?i) changes flags and matches nothing
      items.push(this.parseQuantifiers(atom, flags, start));
    }
    if (items.length === 0) return { kind: 'empty' };
    return items.length === 1 ? items[0] : { kind: 'concat', items };
  }

  private parseQuantifiers(atom: RegexNode, flags: Flags, start: number): RegexNode {
    let node = atom;
    let quantified = false;
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      const opStart = this.pos;
      if (c === 0x2a) [min, max] = [0, Infinity];
      else if (c === 0x2b) [min, max] = [1, Infinity];
      else if (c === 0x3f) [min, max] = [0, 1];
      else if (c === 0x7b) {
        const counted = this.tryCountedRepeat();
        if (counted === undefined) break;
        [min, max] = counted;
        this.pos--; // tryCountedRepeat leaves pos after `}`; the shared step below advances by one
      } else break;
      this.pos++;
      let greedy = !flags.ungreedy;
      if (this.peek() === 0x3f) {
        greedy = !greedy;
        this.pos++;
      }
      const fragment = String.fromCodePoint(...this.cps.slice(start, this.pos));
      if (quantified) this.fail('invalid nested repetition operator', String.fromCodePoint(...this.cps.slice(opStart - 1, this.pos)));
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT) || max < min) this.fail('invalid repeat count', fragment);
      node = { kind: 'repeat', item: node, min, max, greedy };
      quantified = true;
    }
    return node;
  }

  /** `{n}`, `{n,}` or `{n,m}` at pos; undefined (pos unchanged) when the brace is a literal. */
  private tryCountedRepeat(): [number, number] | undefined {
    const save = this.pos;
    this.pos++;
    const readNumber = (): number | undefined => {
      const begin = this.pos;
      while (this.peek() !== undefined && isDigit(this.peek() as number)) this.pos++;
      if (this.pos === begin) return undefined;
      const text = String.fromCodePoint(...this.cps.slice(begin, this.pos));
      return text.length > 8 ? MAX_REPEAT + 1 : Number(text);
    };
    const min = readNumber();
    let max = min;
    if (min !== undefined && this.peek() === 0x2c) {
      this.pos++;
      max = this.peek() === 0x7d ? Infinity : readNumber();
    }
    if (min === undefined || max === undefined || this.peek() !== 0x7d) {
      this.pos = save;
      return undefined;
    }
    this.pos++;
    return [min, max];
  }

  private parseAtom(flags: Flags, depth: number): RegexNode | undefined {
    const c = this.cps[this.pos];
    switch (c) {
      case 0x28:
        return this.parseGroup(flags, depth);
      case 0x5b:
        return this.literalOrClass(this.parseClass(flags));
      case 0x2e:
        this.pos++;
        return { kind: 'char', test: flags.dotAll ? () => true : (cp) => cp !== 0x0a };
      case 0x5e:
        this.pos++;
        return { kind: 'assert', assertion: flags.multiLine ? 'beginLine' : 'beginText' };
      case 0x24:
        this.pos++;
        return { kind: 'assert', assertion: flags.multiLine ? 'endLine' : 'endText' };
      case 0x2a:
      case 0x2b:
      case 0x3f:
        this.fail('missing argument to repetition operator', String.fromCodePoint(c));
        break;
      case 0x5c:
        return this.parseEscape(flags);
      default:
        break;
    }
    this.pos++;
    return { kind: 'char', test: literalTest(c, flags.caseInsensitive) };
  }

  private literalOrClass(test: CharTest): RegexNode {
    return { kind: 'char', test };
  }

  private parseGroup(flags: Flags, depth: number): RegexNode | undefined {
    const open = this.pos;
    this.pos++;
    let index: number | null = null;
    const inner: Flags = { ...flags };
    if (this.peek() === 0x3f) {
      this.pos++;
      const next = this.peek();
      if (next === 0x50 || next === 0x3c) {
        // (?P<name>re) or (?<name>re)
        if (next === 0x50) this.pos++;
        if (this.peek() !== 0x3c) this.fail('invalid or unsupported Perl syntax', String.fromCodePoint(...this.cps.slice(open, this.pos + 1)));
        this.pos++;
        const nameStart = this.pos;
        while (this.peek() !== undefined && this.peek() !== 0x3e) this.pos++;
        const name = String.fromCodePoint(...this.cps.slice(nameStart, this.pos));
        if (this.peek() !== 0x3e || !/^[A-Za-z0-9_]+$/.test(name) || this.groupNames.has(name)) {
          this.fail('invalid named capture', String.fromCodePoint(...this.cps.slice(open, Math.min(this.pos + 1, this.cps.length))));
        }
        this.pos++;
        index = ++this.groupCount;
        this.groupNames.set(name, index);
      } else {
        // flags: (?flags) or (?flags:re)
        let negate = false;
        let sawFlag = false;
        for (;;) {
          const f = this.peek();
          if (f === undefined) this.fail('missing closing )', String.fromCodePoint(...this.cps.slice(open)));
          if (f === 0x69) inner.caseInsensitive = !negate;
          else if (f === 0x6d) inner.multiLine = !negate;
          else if (f === 0x73) inner.dotAll = !negate;
          else if (f === 0x55) inner.ungreedy = !negate;
          else if (f === 0x2d && !negate) {
            negate = true;
            this.pos++;
            continue;
          } else if (f === 0x29 && sawFlag && !(negate && this.cps[this.pos - 1] === 0x2d)) {
            this.pos++;
            Object.assign(flags, inner); // (?i) applies to the rest of the enclosing group
            return undefined;
          } else if (f === 0x3a && !(negate && this.cps[this.pos - 1] === 0x2d)) {
            this.pos++;
            break;
          } else {
            this.fail('invalid or unsupported Perl syntax', String.fromCodePoint(...this.cps.slice(open, this.pos + 1)));
          }
          sawFlag = true;
          this.pos++;
        }
      }
    } else {
      index = ++this.groupCount;
    }
    const item = this.parseAlternation(inner, depth + 1);
    if (this.peek() !== 0x29) this.fail('missing closing )', this.source);
    this.pos++;
    return { kind: 'group', item, index };
  }

  private parseEscape(flags: Flags): RegexNode {
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === undefined) this.fail('trailing backslash at end of expression', '');
    switch (c) {
      case 0x41:
        this.pos++;
        return { kind: 'assert', assertion: 'beginText' };
      case 0x7a:
        this.pos++;
        return { kind: 'assert', assertion: 'endText' };
      case 0x62:
        this.pos++;
        return { kind: 'assert', assertion: 'wordBoundary' };
      case 0x42:
        this.pos++;
        return { kind: 'assert', assertion: 'notWordBoundary' };
      default: {
        this.pos = start;
        const test = this.parseClassEscape(flags);
        return { kind: 'char', test };
      }
    }
  }

  /** An escape that denotes a set of characters (or one character): used in and outside classes. */
  private parseClassEscape(flags: Flags): CharTest {
    const start = this.pos;
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) this.fail('trailing backslash at end of expression', '');
    this.pos++;
    const letter = String.fromCodePoint(c);
    const lower = letter.toLowerCase();
    if (lower in PERL_CLASSES && 'dswDSW'.includes(letter)) {
      const base = PERL_CLASSES[lower];
      return letter === lower ? base : (cp) => !base(cp);
    }
    if (letter === 'p' || letter === 'P') {
      const test = this.parseUnicodeClass(start);
      return letter === 'p' ? test : (cp) => !test(cp);
    }
    const single = this.escapedCodePoint(c, start);
    return literalTest(single, flags.caseInsensitive);
  }

  private escapedCodePoint(c: number, start: number): number {
    const fragment = (): string => String.fromCodePoint(...this.cps.slice(start, this.pos));
    switch (c) {
      case 0x61:
        return 0x07;
      case 0x66:
        return 0x0c;
      case 0x74:
        return 0x09;
      case 0x6e:
        return 0x0a;
      case 0x72:
        return 0x0d;
      case 0x76:
        return 0x0b;
      case 0x78: {
        if (this.peek() === 0x7b) {
          this.pos++;
          const begin = this.pos;
          while (this.peek() !== undefined && this.peek() !== 0x7d) this.pos++;
          const hex = String.fromCodePoint(...this.cps.slice(begin, this.pos));
          if (this.peek() !== 0x7d || !/^[0-9A-Fa-f]{1,8}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.fail('invalid escape sequence', fragment());
          this.pos++;
          return parseInt(hex, 16);
        }
        const hex = String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 2));
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) this.fail('invalid escape sequence', fragment());
        this.pos += 2;
        return parseInt(hex, 16);
      }
      case 0x30:
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37: {
        // Octal: \0 alone, or \1..\7 followed by more octal digits (a lone \1 is a backreference, which RE2 rejects).
        let digits = String.fromCodePoint(c);
        while (digits.length < 3 && this.peek() !== undefined && (this.peek() as number) >= 0x30 && (this.peek() as number) <= 0x37) {
          digits += String.fromCodePoint(this.peek() as number);
          this.pos++;
        }
        if (c !== 0x30 && digits.length === 1) this.fail('invalid escape sequence', fragment());
        return parseInt(digits, 8);
      }
      default:
        // Punctuation may be escaped; letters and digits with no meaning may not.
        if (c < 0x80 && !/[0-9A-Za-z]/.test(String.fromCodePoint(c))) return c;
        this.fail('invalid escape sequence', fragment());
    }
  }

  private parseUnicodeClass(start: number): CharTest {
    let name: string;
    if (this.peek() === 0x7b) {
      this.pos++;
      const begin = this.pos;
      while (this.peek() !== undefined && this.peek() !== 0x7d) this.pos++;
      if (this.peek() !== 0x7d) this.fail('invalid character class range', String.fromCodePoint(...this.cps.slice(start)));
      name = String.fromCodePoint(...this.cps.slice(begin, this.pos));
      this.pos++;
    } else {
      const c = this.peek();
      if (c === undefined) this.fail('invalid character class range', String.fromCodePoint(...this.cps.slice(start)));
      name = String.fromCodePoint(c);
      this.pos++;
    }
    let negated = false;
    if (name.startsWith('^')) {
      negated = true;
      name = name.slice(1);
    }
    const test = unicodeClassTest(name);
    if (test === undefined) this.fail('invalid character class range', String.fromCodePoint(...this.cps.slice(start, this.pos)));
    return negated ? (cp) => !test(cp) : test;
  }

  private parseClass(flags: Flags): CharTest {
    const open = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.pos++;
    }
    const tests: CharTest[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing closing ]', String.fromCodePoint(...this.cps.slice(open)));
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === 0x5b && this.peek(1) === 0x3a) {
        const close = this.source.indexOf(':]', 0) >= 0 ? this.findPosixEnd() : -1;
        if (close >= 0) {
          let name = String.fromCodePoint(...this.cps.slice(this.pos + 2, close));
          let posixNegated = false;
          if (name.startsWith('^')) {
            posixNegated = true;
            name = name.slice(1);
          }
          const posix = POSIX_CLASSES[name];
          if (posix === undefined) this.fail('invalid character class range', String.fromCodePoint(...this.cps.slice(this.pos, close + 2)));
          tests.push(posixNegated ? (cp) => !posix(cp) : posix);
          this.pos = close + 2;
          continue;
        }
      }
      const lowStart = this.pos;
      let low: number;
      if (c === 0x5c) {
        const escapeStart = this.pos;
        const next = this.peek(1);
        if (next !== undefined && 'dswDSWpP'.includes(String.fromCodePoint(next))) {
          tests.push(this.parseClassEscape({ ...flags, caseInsensitive: false }));
          continue;
        }
        this.pos++;
        if (this.peek() === undefined) this.fail('trailing backslash at end of expression', '');
        const escaped = this.peek() as number;
        this.pos++;
        low = this.escapedCodePoint(escaped, escapeStart);
      } else {
        low = c;
        this.pos++;
      }
      let high = low;
      if (this.peek() === 0x2d && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.pos++;
        const h = this.peek() as number;
        if (h === 0x5c) {
          const escapeStart = this.pos;
          this.pos++;
          const escaped = this.peek();
          if (escaped === undefined) this.fail('trailing backslash at end of expression', '');
          this.pos++;
          high = this.escapedCodePoint(escaped, escapeStart);
        } else {
          high = h;
          this.pos++;
        }
        if (high < low) this.fail('invalid character class range', String.fromCodePoint(...this.cps.slice(lowStart, this.pos)));
      }
      const [lo, hi] = [low, high];
      tests.push((cp) => cp >= lo && cp <= hi);
    }
    const matchesAny = (cp: number): boolean => tests.some((t) => t(cp));
    const folded = flags.caseInsensitive ? (cp: number): boolean => caseVariants(cp).some(matchesAny) : matchesAny;
    return negated ? (cp) => !folded(cp) : folded;
  }

  /** Index of the `:` of the `:]` closing a POSIX class opened at pos, or -1. */
  private findPosixEnd(): number {
    for (let i = this.pos + 2; i + 1 < this.cps.length; i++) {
      if (this.cps[i] === 0x3a && this.cps[i + 1] === 0x5d) return i;
      if (!((this.cps[i] >= 0x61 && this.cps[i] <= 0x7a) || this.cps[i] === 0x5e)) return -1;
    }
    return -1;
  }
}

function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const variants = new Set<number>([cp]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const arr = Array.from(v);
    if (arr.length === 1) variants.add(arr[0].codePointAt(0) as number);
  }
  return [...variants];
}

function literalTest(cp: number, caseInsensitive: boolean): CharTest {
  if (!caseInsensitive) return (x) => x === cp;
  const variants = caseVariants(cp);
  return (x) => variants.includes(x) || caseVariants(x).includes(cp);
}

/** Go's \pX / \p{Name}: a general category (one or two letters) or a script name. */
function unicodeClassTest(name: string): CharTest | undefined {
  if (name === 'Any') return () => true;
  if (!/^[A-Za-z_]+$/.test(name)) return undefined;
  const property = name.length <= 2 ? `gc=${name}` : `sc=${name}`;
  let re: RegExp;
  try {
    // A single-code-point property test: no quantifiers, so no backtracking.
    re = new RegExp(`^\\p{${property}}$`, 'u');
  } catch {
    return undefined;
  }
  return (cp) => re.test(String.fromCodePoint(cp));
}
