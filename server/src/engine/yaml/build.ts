// One document chunk → syntax tree with ranges, from js-yaml's flat event stream.
//
// js-yaml gives scalars their value range (inside quotes) and collections only their start, so the
// builder computes the rest: the quotes / block header of a scalar, the end of a collection (its last
// child, plus the closing bracket for flow style), and where an empty value sits. `cursor` is the end of
// the last thing read; everything between the cursor and the next node is indicators, white space and
// comments, which is what the small forward scans below skip.

import type { Event, ScalarEvent } from 'js-yaml';
// `require`, not `import`: bundlers then take js-yaml's CommonJS build, as Node does for out/. Its ES
// module build creates the parser state with native object spread, and V8 reads that state about 2.5×
// slower on every character (measured on the 1 MB benchmark file), which made the bundled server and
// CLI parse far slower than the same code unbundled.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import jsYaml = require('js-yaml');
import type { ParsedDocument, ScalarStyle, YAlias, YamlError, YMap, YNode, YPair, YScalar, YSeq } from './model';
import { resolvePlain, resolveTagged } from './scalar';
import { analyseAliases, toJSValue } from './toJS';
import { MAX_DEPTH } from './limits';
import { deref, isMergeKey, isMergeSource, scalarKeyString } from './nodes';


const EV_DOCUMENT = 1, EV_SEQUENCE = 2, EV_MAPPING = 3, EV_SCALAR = 4, EV_ALIAS = 5, EV_POP = 6;
const STYLE_FLOW = 2;
const STYLES: readonly ScalarStyle[] = ['plain', 'plain', 'single', 'double', 'literal', 'folded'];

const LF = 10, CR = 13, SPACE = 32, TAB = 9, HASH = 35, PERCENT = 37, BOM = 0xfeff;

class Document implements ParsedDocument {
  private js: unknown;
  private jsDone = false;

  constructor(
    readonly text: string,
    readonly contents: YNode | null,
    readonly errors: YamlError[],
    /** Set when aliases expand beyond the limits or into a cycle: toJS() then gives null. */
    private readonly unusable: boolean,
  ) {}

  toJS(): unknown {
    if (!this.jsDone) {
      this.js = this.unusable || this.contents === null ? null : toJSValue(this.contents);
      this.jsDone = true;
    }
    return this.js;
  }
}

export function parseDocument(text: string): ParsedDocument {
  let events: Event[];
  try {
    events = jsYaml.parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (e) {
    return new Document(text, null, [syntaxError(text, e)], false);
  }
  try {
    const b = new Builder(text);
    const contents = b.build(events);
    let unusable = false;
    if (b.aliasCount > 0 && contents !== null) {
      const problem = analyseAliases(contents);
      if (problem) {
        b.errors.push({ message: problem.message, offset: problem.node.start, length: problem.node.end - problem.node.start });
        unusable = true;
      }
    }
    return new Document(text, contents, b.errors, unusable);
  } catch (e) {
    // The builder trusts the event stream; should js-yaml ever hand it something unexpected, the
    // document is reported as broken instead of throwing to the caller.
    return new Document(text, null, [{ message: `could not read the YAML structure: ${(e as Error)?.message ?? String(e)}`, offset: 0, length: 0 }], false);
  }
}

function syntaxError(text: string, e: unknown): YamlError {
  const err = e as { reason?: unknown; mark?: { position?: unknown }; message?: unknown };
  let message = typeof err?.reason === 'string' ? err.reason : typeof err?.message === 'string' ? err.message : String(e);
  if (message.startsWith('nesting exceeded maxDepth')) message = `collections nest deeper than ${MAX_DEPTH} levels`;
  let offset = typeof err?.mark?.position === 'number' ? err.mark.position : 0;
  offset = Math.max(0, Math.min(offset, text.length));
  const c = text.charCodeAt(offset);
  // js-yaml calls a value starting with a reserved indicator "bad indentation"; say what is wrong.
  if (c === 64 /* @ */ || c === 96 /* ` */) message = `a plain value cannot start with ${text[offset]}; quote the value`;
  const length = offset < text.length && c !== LF && c !== CR ? 1 : 0;
  return { message, offset, length };
}

/** `base`: where this collection's children start in Builder.children. */
interface Frame { node: YMap | YSeq; key: YNode | null; keys: Set<string> | null; sawMerge: boolean; base: number }

class Builder {
  readonly errors: YamlError[] = [];
  aliasCount = 0;
  private cursor = 0;
  private readonly anchors = new Map<string, YNode>();
  private readonly stack: Frame[] = [];
  /**
   * The children of every open collection, innermost last. A collection gets its own exact-size
   * array when it closes: arrays grown by push keep spare capacity (17 slots for a two-item mapping),
   * which was ~15% of the model's memory, and the tree lives as long as the document.
   */
  private readonly children: (YNode | YPair)[] = [];
  private root: YNode | null = null;
  private rootSet = false;

  constructor(private readonly text: string) {}

  build(events: Event[]): YNode | null {
    let documents = 0;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      switch (ev.type) {
        case EV_DOCUMENT:
          // The splitter gives each chunk one document; a second one would mean it missed a marker.
          if (++documents > 1) {
            this.errors.push({ message: 'unexpected start of a second document', offset: this.cursor, length: 0 });
            return this.root;
          }
          break;
        case EV_SCALAR:
          this.add(this.scalar(ev));
          break;
        case EV_ALIAS: {
          this.aliasCount++;
          const name = this.text.slice(ev.anchorStart, ev.anchorEnd);
          const target = this.anchors.get(name) ?? null;
          const node: YAlias = { kind: 'alias', start: ev.anchorStart - 1, end: ev.anchorEnd, name, target };
          if (target === null) this.errors.push({ message: `unknown alias *${name}`, offset: node.start, length: node.end - node.start });
          this.cursor = node.end;
          this.add(node);
          break;
        }
        case EV_MAPPING:
        case EV_SEQUENCE: {
          const flow = ev.style === STYLE_FLOW;
          const node: YMap | YSeq = ev.type === EV_MAPPING
            ? { kind: 'map', start: ev.start, end: ev.start, items: [], flow }
            : { kind: 'seq', start: ev.start, end: ev.start, items: [], flow };
          this.props(node, ev.anchorStart, ev.anchorEnd, ev.tagStart, ev.tagEnd);
          this.cursor = flow ? ev.start + 1 : ev.start;
          this.stack.push({ node, key: null, keys: null, sawMerge: false, base: this.children.length });
          break;
        }
        case EV_POP: {
          const frame = this.stack.pop();
          if (frame === undefined) break;   // closes the document
          const node = frame.node;
          if (this.children.length > frame.base) {
            if (node.kind === 'map') node.items = this.children.slice(frame.base) as YPair[];
            else node.items = this.children.slice(frame.base) as YNode[];
            this.children.length = frame.base;
          }
          node.end = node.flow ? this.closingBracket(node.kind === 'map' ? 125 /* } */ : 93 /* ] */) : Math.max(this.cursor, node.start);
          this.cursor = node.end;
          this.add(node);
          break;
        }
      }
    }
    return this.root;
  }

  private props(node: YScalar | YMap | YSeq, anchorStart: number, anchorEnd: number, tagStart: number, tagEnd: number): void {
    if (tagStart >= 0) node.tag = this.text.slice(tagStart, tagEnd);
    if (anchorStart >= 0) {
      node.anchor = this.text.slice(anchorStart, anchorEnd);
      // Registered before the children are read, so an alias inside its own anchored collection
      // resolves (to a cycle, which analyseAliases reports).
      this.anchors.set(node.anchor, node);
    }
  }

  private scalar(ev: ScalarEvent): YScalar {
    const text = this.text;
    const style = STYLES[ev.style] ?? 'plain';
    const propsEnd = Math.max(ev.anchorEnd, ev.tagEnd);
    let start: number, end: number, valueStart: number, valueEnd: number;
    if (ev.valueStart < 0) {
      // A missing value (`key:`, `- `, `--- !!str`): a zero-length node where the value would go.
      start = propsEnd >= 0 ? propsEnd : this.afterIndicator(this.cursor);
      end = valueStart = valueEnd = start;
    } else {
      valueStart = ev.valueStart;
      valueEnd = ev.valueEnd;
      if (style === 'single' || style === 'double') {
        start = valueStart - 1;
        end = valueEnd + 1;
      } else if (style === 'literal' || style === 'folded') {
        start = this.blockHeader(Math.max(this.cursor, propsEnd), valueStart);
        end = valueEnd;
      } else {
        start = valueStart;
        end = valueEnd;
      }
    }
    const raw = jsYaml.getScalarValue(text, ev);
    let value: YScalar['value'];
    const node: YScalar = { kind: 'scalar', start, end, valueStart, valueEnd, value: null, style };
    this.props(node, ev.anchorStart, ev.anchorEnd, ev.tagStart, ev.tagEnd);
    if (node.tag !== undefined) {
      const r = resolveTagged(raw, node.tag);
      value = r.value;
      if (r.error) this.errors.push({ message: r.error, offset: ev.tagStart, length: ev.tagEnd - ev.tagStart });
    } else {
      value = style === 'plain' ? resolvePlain(raw) : raw;
    }
    node.value = value;
    this.cursor = Math.max(this.cursor, end, propsEnd);
    return node;
  }

  private add(node: YNode): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      if (!this.rootSet) {
        this.rootSet = true;
        // An empty document (`---` alone, or only comments) has no contents.
        const empty = node.kind === 'scalar' && node.style === 'plain' && node.value === null && node.end === node.start
          && node.tag === undefined && node.anchor === undefined;
        this.root = empty ? null : node;
      }
      return;
    }
    const parent = frame.node;
    if (parent.kind === 'seq') {
      this.children.push(node);
      return;
    }
    if (frame.key === null) {
      frame.key = node;
      return;
    }
    const key = frame.key;
    frame.key = null;
    this.children.push({ key, value: node });
    this.checkKey(frame, key, node);
  }

  /** Duplicate keys and malformed merge keys: the document still loads, but Kubernetes tools reject it. */
  private checkKey(frame: Frame, key: YNode, value: YNode): void {
    if (key.kind !== 'scalar') return;
    if (isMergeKey(key)) {
      if (!this.isMergeSourceSoFar(value)) {
        this.errors.push({ message: 'a merge key (<<) needs a mapping, an alias of one, or a sequence of them', offset: value.start, length: value.end - value.start });
      }
      return;
    }
    const name = scalarKeyString(key.value);
    // This mapping's pairs so far, the new one last.
    const items = this.children as YPair[];
    const count = items.length - frame.base;
    let duplicate = false;
    if (frame.keys === null && count <= 8) {
      for (let i = frame.base; i < items.length - 1; i++) {
        const k = items[i].key;
        if (k.kind === 'scalar' && scalarKeyString(k.value) === name && !isMergeKey(k)) { duplicate = true; break; }
      }
    } else {
      if (frame.keys === null) {
        frame.keys = new Set();
        for (let i = frame.base; i < items.length - 1; i++) {
          const k = items[i].key;
          if (k.kind === 'scalar' && !isMergeKey(k)) frame.keys.add(scalarKeyString(k.value));
        }
      }
      duplicate = frame.keys.has(name);
      frame.keys.add(name);
    }
    if (duplicate) this.errors.push({ message: `duplicate key ${JSON.stringify(name)}`, offset: key.start, length: key.end - key.start });
  }

  /**
   * isMergeSource, where a sequence still being read (an alias to an enclosing anchored sequence)
   * counts with the items read so far: its `items` are only filled in when it closes.
   */
  private isMergeSourceSoFar(value: YNode): boolean {
    const target = deref(value);
    if (target === null || target.kind !== 'seq') return isMergeSource(value);
    const open = this.stack.findIndex((f) => f.node === target);
    if (open < 0) return isMergeSource(value);
    const end = open + 1 < this.stack.length ? this.stack[open + 1].base : this.children.length;
    for (let i = this.stack[open].base; i < end; i++) if (deref(this.children[i] as YNode)?.kind !== 'map') return false;
    return true;
  }

  /** Position after the indicator that introduces an empty value (`key:` → after the colon). */
  private afterIndicator(from: number): number {
    const p = this.skipGap(from, this.text.length);
    const c = this.text.charCodeAt(p);
    if (c === 58 /* : */ || c === 45 /* - */ || c === 63 /* ? */) return p + 1;
    return from;
  }

  /** Skips white space, line breaks, comments and directive lines from `p`. */
  private skipGap(p: number, limit: number): number {
    const text = this.text;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === SPACE || c === TAB || c === LF || c === CR || c === BOM) { p++; continue; }
      if (c === HASH || (c === PERCENT && (p === 0 || isBreak(text.charCodeAt(p - 1))))) {
        while (p < limit && !isBreak(text.charCodeAt(p))) p++;
        continue;
      }
      break;
    }
    return p;
  }

  /** The `|` / `>` of a block scalar whose content starts at `contentStart`. */
  private blockHeader(from: number, contentStart: number): number {
    const text = this.text;
    let p = from;
    for (;;) {
      p = this.skipGap(p, contentStart);
      if (p >= contentStart) break;
      const c = text.charCodeAt(p);
      if (c === 124 /* | */ || c === 62 /* > */) return p;
      if (c === 58 /* : */ || c === 45 /* - */ || c === 63 /* ? */) { p++; continue; }
      break;
    }
    // Not found by the forward scan (should not happen): search the header line backwards.
    let q = contentStart - 1;
    while (q > 0 && isBreak(text.charCodeAt(q - 1))) q--;
    let lineStart = q;
    while (lineStart > 0 && !isBreak(text.charCodeAt(lineStart - 1))) lineStart--;
    for (let i = lineStart; i < q; i++) {
      const c = text.charCodeAt(i);
      if (c === 124 || c === 62) return i;
    }
    return contentStart;
  }

  /** End of a flow collection: just past its closing bracket. */
  private closingBracket(bracket: number): number {
    const text = this.text;
    let p = this.cursor;
    while (p < text.length) {
      p = this.skipGap(p, text.length);
      const c = text.charCodeAt(p);
      if (c === bracket) return p + 1;
      if (c === 44 /* , */ || c === 58 /* : */ || c === 63 /* ? */) { p++; continue; }
      break;
    }
    return this.cursor;
  }
}

function isBreak(c: number): boolean {
  return c === LF || c === CR;
}
