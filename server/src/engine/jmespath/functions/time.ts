// Kyverno's time_* JMESPath functions over RFC 3339 timestamps, with Go's time.Duration formatting.
// Custom Go layouts (time_parse, time_since with a layout) are not supported: they report an error.

import { parseGoDuration } from '../../pattern/duration';
import { functionError } from '../errors';
import { spec, type FunctionSpec } from './registry';

/** An instant in Unix nanoseconds plus the UTC offset it was written with (minutes). */
interface GoTime {
  ns: bigint;
  offsetMinutes: number;
}

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MINUTE = 60n * NS_PER_SECOND;
/** Seconds from Go's zero time (0001-01-01 UTC) to the Unix epoch; Truncate works from the zero time. */
const ZERO_TO_UNIX_NS = 62_135_596_800n * NS_PER_SECOND;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function parseRfc3339(text: string): GoTime | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  const localSeconds = BigInt(Date.UTC(year, month - 1, day, hour, minute, second) / 1000);
  return { ns: (localSeconds - BigInt(offsetMinutes) * 60n) * NS_PER_SECOND + fraction, offsetMinutes };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** time.Format(time.RFC3339): seconds precision, `Z` for a zero offset. */
export function formatRfc3339(t: GoTime): string {
  const localNs = t.ns + BigInt(t.offsetMinutes) * NS_PER_MINUTE;
  const seconds = floorDiv(localNs, NS_PER_SECOND);
  const d = new Date(Number(seconds) * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (t.offsetMinutes === 0) return `${date}Z`;
  const abs = Math.abs(t.offsetMinutes);
  return `${date}${t.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  let out: string;
  if (u < NS_PER_SECOND) {
    let unit: string;
    let precision: number;
    if (u < 1_000n) {
      unit = 'ns';
      precision = 0;
    } else if (u < 1_000_000n) {
      unit = '\u00b5s';
      precision = 3;
    } else {
      unit = 'ms';
      precision = 6;
    }
    const [whole, frac] = splitFraction(u, precision);
    out = `${whole}${frac}${unit}`;
  } else {
    const [wholeSeconds, frac] = splitFraction(u, 9);
    u = wholeSeconds;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return negative ? `-${out}` : out;
}

/** Go's fmtFrac: `.123` with trailing zeros (and the point) dropped. */
function splitFraction(value: bigint, precision: number): [bigint, string] {
  if (precision === 0) return [value, ''];
  const scale = 10n ** BigInt(precision);
  const digits = (value % scale).toString().padStart(precision, '0').replace(/0+$/, '');
  return [value / scale, digits === '' ? '' : `.${digits}`];
}

function time(name: string, text: unknown): GoTime {
  const t = parseRfc3339(text as string);
  if (t === undefined) throw functionError(name, `parsing time "${text as string}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return t;
}

function duration(name: string, text: unknown): bigint {
  const d = parseGoDuration(text as string);
  if (d === undefined) throw functionError(name, `time: invalid duration "${text as string}"`);
  return d;
}

function now(offsetMinutes = 0): GoTime {
  return { ns: BigInt(Date.now()) * 1_000_000n, offsetMinutes };
}

function unsupportedLayout(name: string): never {
  throw functionError(name, 'custom time layouts are not supported by Registry Guard');
}

export const TIME_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  [
    'time_since',
    spec([['string'], ['string'], ['string']], ([layout, from, to]) => {
      if (layout !== '') unsupportedLayout('time_since');
      const start = time('time_since', from);
      const end = to === '' ? now() : time('time_since', to);
      return formatGoDuration(end.ns - start.ns);
    }),
  ],
  ['time_now', spec([], () => formatRfc3339(now()))],
  ['time_now_utc', spec([], () => formatRfc3339(now()))],
  ['time_add', spec([['string'], ['string']], ([t, d]) => {
    const start = time('time_add', t);
    return formatRfc3339({ ns: start.ns + duration('time_add', d), offsetMinutes: start.offsetMinutes });
  })],
  ['time_utc', spec([['string']], ([t]) => formatRfc3339({ ns: time('time_utc', t).ns, offsetMinutes: 0 }))],
  ['time_diff', spec([['string'], ['string']], ([a, b]) => formatGoDuration(time('time_diff', b).ns - time('time_diff', a).ns))],
  ['time_before', spec([['string'], ['string']], ([a, b]) => time('time_before', a).ns < time('time_before', b).ns)],
  ['time_after', spec([['string'], ['string']], ([a, b]) => time('time_after', a).ns > time('time_after', b).ns)],
  [
    'time_between',
    spec([['string'], ['string'], ['string']], ([t, start, end]) => {
      const x = time('time_between', t).ns;
      return x > time('time_between', start).ns && x < time('time_between', end).ns;
    }),
  ],
  [
    'time_truncate',
    spec([['string'], ['string']], ([t, d]) => {
      const value = time('time_truncate', t);
      const step = duration('time_truncate', d);
      if (step <= 0n) return formatRfc3339(value);
      const sinceZero = value.ns + ZERO_TO_UNIX_NS;
      return formatRfc3339({ ns: value.ns - (((sinceZero % step) + step) % step), offsetMinutes: value.offsetMinutes });
    }),
  ],
  [
    'time_to_cron',
    spec([['string']], ([t]) => {
      const value = time('time_to_cron', t);
      const local = new Date(Number(floorDiv(value.ns + BigInt(value.offsetMinutes) * NS_PER_MINUTE, 1_000_000n)));
      return `${local.getUTCMinutes()} ${local.getUTCHours()} ${local.getUTCDate()} ${local.getUTCMonth() + 1} ${local.getUTCDay()}`;
    }),
  ],
  ['time_parse', spec([['string'], ['string']], () => unsupportedLayout('time_parse'))],
]);
