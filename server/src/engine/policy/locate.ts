// Maps Kyverno paths ("/spec/containers/1/image/") and evaluated values (foreach elements) back to
// source ranges in the evaluated YAML document.

import { nodeAtPath, nodeAtPathAsWritten, type YNode } from '../yaml/model';
import { deref, type ResourceView } from './resource';
import { isRecord } from './selector';
import type { Violation } from './types';

export type Segments = (string | number)[];

export class Locator {
  private identity: ObjectIndex | undefined;
  /**
   * Violations already located, by typed segments. The locator is shared by every policy that judges
   * the resource, and policies tend to fail on the same images (anyPattern alternatives do every time).
   */
  private readonly located = new Map<string, Violation>();
  /** The same by Kyverno path (and base), which saves typing the path again. */
  private readonly byKyvernoPath = new Map<string, Violation>();

  constructor(private readonly res: ResourceView) {}

  get root(): YNode | null {
    return this.res.root;
  }

  kindViolation(detail?: string, path = ''): Violation {
    const v: Violation = { path, start: this.res.kindStart, end: this.res.kindEnd };
    if (detail !== undefined) v.detail = detail;
    return v;
  }

  /** Typed segments for a Kyverno path below `base`: numbers where the object holds a list. */
  segmentsOf(kyvernoPath: string, base: Segments = []): Segments {
    const segs: Segments = [...base];
    let cur: unknown = valueAt(this.res.object, base);
    for (const raw of kyvernoPath.split('/')) {
      if (raw === '') continue;
      if (Array.isArray(cur) && /^\d+$/.test(raw)) {
        const i = Number(raw);
        segs.push(i);
        cur = cur[i];
      } else {
        segs.push(raw);
        cur = isRecord(cur) ? cur[raw] : undefined;
      }
    }
    return segs;
  }

  /** Kyverno path string for segments, with the trailing slash Kyverno prints. */
  static pathText(segs: Segments): string {
    return segs.length === 0 ? '/' : `/${segs.join('/')}/`;
  }

  fromKyvernoPath(kyvernoPath: string, base: Segments = [], alternative?: number): Violation {
    // Kyverno paths start with "/" (or are empty); a non-empty base is JSON, starting with "[".
    const key = base.length === 0 ? kyvernoPath : `${JSON.stringify(base)}${kyvernoPath}`;
    let located = this.byKyvernoPath.get(key);
    if (located === undefined) {
      located = this.locatedAt(this.segmentsOf(kyvernoPath, base));
      this.byKyvernoPath.set(key, located);
    }
    const v = Object.assign({}, located);
    if (alternative !== undefined) v.alternative = alternative;
    return v;
  }

  /** A violation at the node for `segs`, or at the deepest existing ancestor's key, or at `kind`. */
  at(segs: Segments): Violation {
    // A copy: callers add `alternative` and `detail` to what they get. (Object.assign: spreading
    // objects of several shapes is V8's slow path.)
    return Object.assign({}, this.locatedAt(segs));
  }

  private locatedAt(segs: Segments): Violation {
    // Typed: `0` and `'0'` may locate differently (a key named "0" versus a list index).
    const key = JSON.stringify(segs);
    let v = this.located.get(key);
    if (v === undefined) {
      v = this.locate(segs);
      this.located.set(key, v);
    }
    return v;
  }

  private locate(segs: Segments): Violation {
    const path = Locator.pathText(segs);
    const found = nodeAtPathAsWritten(this.root, segs);
    const node = found?.node ?? null;
    if (node !== null) {
      if (found?.alias !== undefined) {
        // Written as `*name`: underline the alias the user wrote, not the shared anchored value.
        const v: Violation = { path, start: found.alias.start, end: found.alias.end };
        if (segs[segs.length - 1] === 'image' && node.kind === 'scalar' && typeof node.value === 'string') v.image = node.value;
        return v;
      }
      if (node.kind === 'scalar') {
        // An empty value (`image:` with nothing after it) has no text to underline: use its key.
        const key = node.valueStart === node.valueEnd ? this.keyNode(segs) : undefined;
        const v: Violation = key !== undefined ? { path, start: key.start, end: key.end } : { path, start: node.valueStart, end: node.valueEnd };
        if (segs[segs.length - 1] === 'image' && typeof node.value === 'string') v.image = node.value;
        return v;
      }
      const range = this.collectionRange(segs, node);
      if (range !== undefined) return { path, ...range };
      return this.kindViolation(undefined, path);
    }
    for (let n = segs.length - 1; n > 0; n--) {
      const prefix = segs.slice(0, n);
      const anc = deref(nodeAtPath(this.root, prefix) ?? null);
      if (anc === null) continue;
      const range = anc.kind === 'scalar' ? { start: anc.valueStart, end: anc.valueEnd } : this.collectionRange(prefix, anc);
      if (range !== undefined) return { path, ...range };
      break;
    }
    return this.kindViolation(undefined, path);
  }

  /** A mapping entry's key; for a list item, the item's `image` (or `name`, or first) value. */
  private collectionRange(segs: Segments, node: YNode): { start: number; end: number } | undefined {
    const key = this.keyNode(segs);
    if (key !== undefined) return { start: key.start, end: key.end };
    if (node.kind === 'map') {
      for (const wanted of ['image', 'name']) {
        const child = this.childOf(node, wanted);
        if (child !== undefined && child.kind === 'scalar') return { start: child.valueStart, end: child.valueEnd };
      }
      const first = node.items[0] !== undefined ? deref(node.items[0].key) : null;
      if (first !== null) return { start: first.start, end: first.end };
    }
    return undefined;
  }

  private childOf(map: YNode, key: string): YNode | undefined {
    if (map.kind !== 'map') return undefined;
    for (const pair of map.items) {
      const k = deref(pair.key);
      if (k !== null && k.kind === 'scalar' && String(k.value) === key) return deref(pair.value) ?? undefined;
    }
    return undefined;
  }

  private keyNode(segs: Segments): YNode | undefined {
    const last = segs[segs.length - 1];
    if (typeof last !== 'string') return undefined;
    const parent = deref(nodeAtPath(this.root, segs.slice(0, -1)) ?? null);
    if (parent === null || parent.kind !== 'map') return undefined;
    for (const pair of parent.items) {
      const k = deref(pair.key);
      if (k !== null && k.kind === 'scalar' && String(k.value) === last) return k;
    }
    return undefined;
  }

  /** Where an evaluated object or list (e.g. a foreach element) sits in the resource, by identity. */
  pathOf(value: unknown): Segments | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    this.identity ??= new ObjectIndex(this.res.object);
    return this.identity.pathOf(value);
  }

  /**
   * Where a string element sits: the `occurrence`-th string leaf with this value, preferring `image`
   * fields (foreach lists such as `containers[].image` yield bare strings).
   */
  pathOfString(value: string, occurrence: number): Segments | undefined {
    const images: Segments[] = [];
    const others: Segments[] = [];
    collectStrings(this.res.object, [], value, images, others);
    const all = [...images, ...others];
    return all[Math.min(occurrence, all.length - 1)];
  }

  /** The violation for a failing foreach element: its image when it has one, else the element itself. */
  elementViolation(element: unknown, occurrence: number): Violation {
    if (typeof element === 'string') {
      const segs = this.pathOfString(element, occurrence);
      return segs !== undefined ? this.at(segs) : this.kindViolation();
    }
    const segs = this.pathOf(element);
    if (segs === undefined) return this.kindViolation();
    if (isRecord(element) && typeof element.image === 'string') return this.at([...segs, 'image']);
    return this.at(segs);
  }
}

export function valueAt(root: unknown, segs: Segments): unknown {
  let cur = root;
  for (const s of segs) {
    if (Array.isArray(cur) && typeof s === 'number') cur = cur[s];
    else if (isRecord(cur)) cur = cur[String(s)];
    else return undefined;
  }
  return cur;
}

/** How an object was first reached: its parent and the key or index under it (no parent for the root). */
interface Link { parent: object | undefined; key: string | number }

interface Frame { value: object; keys: string[] | undefined; next: number }

/**
 * Where each object of a resource is first met in a depth-first walk (the path of a shared object is
 * its first occurrence). The walk is resumable and goes only as far as a lookup needs: foreach
 * elements usually sit early in the resource, and most resources never need a lookup at all.
 */
class ObjectIndex {
  private readonly links = new Map<object, Link>();
  private readonly stack: Frame[] = [];

  constructor(root: unknown) {
    if (typeof root !== 'object' || root === null) return;
    this.links.set(root, { parent: undefined, key: '' });
    this.stack.push(frameOf(root));
  }

  pathOf(value: object): Segments | undefined {
    while (!this.links.has(value) && this.stack.length > 0) this.step();
    if (!this.links.has(value)) return undefined;
    const segs: Segments = [];
    for (let link = this.links.get(value); link !== undefined && link.parent !== undefined; link = this.links.get(link.parent)) segs.push(link.key);
    return segs.reverse();
  }

  /** One child of the innermost unfinished object; a newly met object is entered before its siblings. */
  private step(): void {
    const frame = this.stack[this.stack.length - 1];
    const { value, keys } = frame;
    let key: string | number;
    let child: unknown;
    if (keys === undefined) {
      const list = value as unknown[];
      while (frame.next < list.length && !(frame.next in list)) frame.next++;   // holes, as forEach skips them
      if (frame.next >= list.length) {
        this.stack.pop();
        return;
      }
      key = frame.next++;
      child = list[key];
    } else {
      if (frame.next >= keys.length) {
        this.stack.pop();
        return;
      }
      key = keys[frame.next++];
      child = (value as Record<string, unknown>)[key];
    }
    if (typeof child === 'object' && child !== null && !this.links.has(child)) {
      this.links.set(child, { parent: value, key });
      this.stack.push(frameOf(child));
    }
  }
}

function frameOf(value: object): Frame {
  return { value, keys: Array.isArray(value) ? undefined : Object.keys(value), next: 0 };
}

function collectStrings(value: unknown, path: Segments, wanted: string, images: Segments[], others: Segments[]): void {
  if (typeof value === 'string') {
    if (value === wanted) (path[path.length - 1] === 'image' ? images : others).push(path);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => collectStrings(v, [...path, i], wanted, images, others));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) collectStrings(v, [...path, k], wanted, images, others);
}
