// Go standard-library string and number helpers that Kyverno's JMESPath functions call, with Go's
// exact behaviour where it differs from JavaScript's built-ins.

import { compareGoStrings } from '../../pattern/goValue';
import { runes } from '../values';

/** strings.ToUpper / ToLower map rune by rune (simple case mapping): a rune never becomes two. */
export function goToUpper(text: string): string {
  return mapRunes(text, (r) => r.toUpperCase());
}
export function goToLower(text: string): string {
  return mapRunes(text, (r) => (r === '\u0130' ? 'i' : r.toLowerCase()));
}
function mapRunes(text: string, map: (r: string) => string): string {
  let out = '';
  for (const r of runes(text)) {
    const mapped = map(r);
    out += Array.from(mapped).length === 1 ? mapped : r;
  }
  return out;
}

/** strings.EqualFold: equal under simple Unicode case folding. */
export function goEqualFold(a: string, b: string): boolean {
  const ra = runes(a);
  const rb = runes(b);
  if (ra.length !== rb.length) return false;
  return ra.every((r, i) => r === rb[i] || goToLower(r) === goToLower(rb[i]) || goToUpper(r) === goToUpper(rb[i]));
}

/** strings.Compare: -1, 0 or 1 in byte order. */
export function goCompare(a: string, b: string): number {
  return Math.sign(compareGoStrings(a, b));
}

/** strings.Trim: drops leading and trailing runes that appear in cutset. */
export function goTrim(text: string, cutset: string): string {
  if (text === '' || cutset === '') return text;
  const cut = new Set(runes(cutset));
  const rs = runes(text);
  let start = 0;
  let end = rs.length;
  while (start < end && cut.has(rs[start])) start++;
  while (end > start && cut.has(rs[end - 1])) end--;
  return rs.slice(start, end).join('');
}

/** strings.Split: an empty separator splits into runes. */
export function goSplit(text: string, separator: string): string[] {
  if (separator === '') return runes(text);
  return text.split(separator);
}

/** strings.Replace with Go's count semantics (n < 0: all) and empty `old` inserting between runes. */
export function goReplace(text: string, old: string, replacement: string, n: number): string {
  if (n === 0 || old === replacement) return text;
  if (old === '') {
    const rs = runes(text);
    const limit = n < 0 ? rs.length + 1 : Math.min(n, rs.length + 1);
    let out = '';
    for (let i = 0; i <= rs.length; i++) {
      if (i < limit) out += replacement;
      if (i < rs.length) out += rs[i];
    }
    return out;
  }
  let out = '';
  let rest = text;
  let done = 0;
  while (n < 0 || done < n) {
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + replacement;
    rest = rest.slice(at + old.length);
    done++;
  }
  return out + rest;
}

/** path.Clean (and filepath.Join of one element, which is Clean except that "" stays ""). */
export function goCleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * Kyverno's ifaceToString for regex and object_from_lists arguments: strings as they are, booleans as
 * true/false, numbers through strconv.FormatFloat(v, 'f', -1, 32), i.e. the shortest decimal that
 * identifies the float32 nearest to the value, never in exponent form.
 */
export function goIfaceToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatFloat32Fixed(value);
  return undefined;
}

export function formatFloat32Fixed(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let shortest = f.toPrecision(9);
  for (let p = 1; p <= 9; p++) {
    const candidate = f.toPrecision(p);
    if (Math.fround(Number(candidate)) === f) {
      shortest = candidate;
      break;
    }
  }
  return plainDecimal(shortest);
}

/** Positional notation (no exponent) of the shortest decimal form of a finite number string. */
function plainDecimal(text: string): string {
  const n = Number(text);
  const negative = n < 0;
  const [mantissa, exponentText] = Math.abs(n).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  let out: string;
  if (exponent < 0) out = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  else if (digits.length <= exponent + 1) out = digits + '0'.repeat(exponent + 1 - digits.length);
  else out = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return (negative ? '-' : '') + out;
}

/** base64.StdEncoding.DecodeString: padded quanta of four, `\r` and `\n` ignored; bytes read as UTF-8. */
export function goBase64Decode(text: string): string | { error: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const chars: { c: string; at: number }[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] !== '\r' && text[i] !== '\n') chars.push({ c: text[i], at: i });
  const illegal = (at: number): { error: string } => ({ error: `illegal base64 data at input byte ${at}` });
  const bytes: number[] = [];
  for (let q = 0; q < chars.length; q += 4) {
    const quad = chars.slice(q, q + 4);
    const last = q + 4 >= chars.length;
    const values: number[] = [];
    for (let j = 0; j < quad.length; j++) {
      const { c, at } = quad[j];
      if (c === '=') {
        if (j < 2 || !last || quad.length < 4 || (j === 2 && quad[3].c !== '=')) return illegal(at);
        break;
      }
      const v = alphabet.indexOf(c);
      if (v < 0) return illegal(at);
      values.push(v);
    }
    if (quad.length < 4) return illegal(text.length);
    const v = (values[0] << 18) | (values[1] << 12) | ((values[2] ?? 0) << 6) | (values[3] ?? 0);
    bytes.push((v >> 16) & 0xff);
    if (values.length > 2) bytes.push((v >> 8) & 0xff);
    if (values.length > 3) bytes.push(v & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

export function goBase64Encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** math.Round: half away from zero. */
export function goRound(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}
