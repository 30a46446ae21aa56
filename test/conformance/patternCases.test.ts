// Runs every case of Kyverno's pattern-cases.json (426 cases lifted from Kyverno's and go-wildcard's
// Go unit tests) against engine/pattern.
//
// Go types. Each scalar case names the Go type its test passed (`valueGoType`/`patternGoType`). JSON
// cannot tell 7 from 7.0, so `toGo` rebuilds the Go value: float64 becomes the engine's Float64 box,
// int/int64 stay plain integers, a typed nil map becomes an empty map (Go reads a nil map as empty).
// The tree cases (MatchPattern, validateResourceElement) were decoded in Go with encoding/json, which
// yields float64 for every number, so their numbers are boxed as Float64 too.
//
// Deviations. Five MatchPattern cases are labelled "fail" by the Go table, but its helper never
// asserts "fail", and a trace of Kyverno's code gives "skip" (a global anchor mismatch is reached
// before the failing sibling and skips the element). These cases carry `inferredStatusByCodeTrace`;
// we follow the traced status, because a global anchor `<()` is documented to skip the rule when it
// does not match, and the sibling that would fail is never evaluated. Every other case is held to its
// recorded expectation.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kyvernoDataDir } from '../support/paths';
import { evaluatePattern, validateValue, wildcardMatch } from '../../server/src/engine/pattern';
import { Float64 } from '../../server/src/engine/pattern/goValue';
import { parseAnchor } from '../../server/src/engine/pattern/anchor';
import { getOperatorFromStringPattern, OPERATOR_NAMES, type Operator } from '../../server/src/engine/pattern/operator';
import {
  compareString,
  convertNumberToString,
  validateString,
  validateStringPattern,
  validateStringPatterns,
} from '../../server/src/engine/pattern/validateValue';

interface PatternCase {
  id: number;
  function: string;
  test: string;
  name?: string | null;
  line: number;
  value?: unknown;
  valueGoType?: string;
  pattern?: unknown;
  patternGoType?: string;
  resource?: unknown;
  expected?: unknown;
  expectedError?: boolean;
  expectedOperator?: string;
  expectedOperatorSymbol?: string;
  expectedAnchor?: { type: string; key: string } | null;
  expectedPath?: string;
  expectedNoError?: boolean;
  expectedStatus?: string;
  inferredStatusByCodeTrace?: string;
  operator?: string;
  equivalentPatternString?: string;
}

const data = JSON.parse(fs.readFileSync(path.join(kyvernoDataDir, 'pattern-cases.json'), 'utf8')) as {
  total: number;
  counts: Record<string, number>;
  cases: PatternCase[];
};

const OPERATOR_BY_NAME = new Map<string, Operator>(
  (Object.entries(OPERATOR_NAMES) as [Operator, string][]).map(([symbol, name]) => [name, symbol]),
);

/** The Go value a case's test passed, from its JSON value and declared Go type. */
function toGo(value: unknown, goType: string | undefined): unknown {
  if (goType === undefined) return value;
  if (goType === 'float64') return new Float64(value as number);
  if (goType.startsWith('map[string]interface{}(nil)')) return {};
  if (goType.startsWith('map[string]interface{}') && value === null) return {};
  return value;
}

/** encoding/json decoding: every number is a float64. */
function decodedByEncodingJson(value: unknown): unknown {
  if (typeof value === 'number') return new Float64(value);
  if (Array.isArray(value)) return value.map(decodedByEncodingJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodedByEncodingJson(v);
    return out;
  }
  return value;
}

function operatorOf(c: PatternCase): Operator {
  const op = OPERATOR_BY_NAME.get(c.operator ?? '');
  assert.ok(op !== undefined, `case ${c.id}: unknown operator ${c.operator}`);
  return op;
}

/** Runs one case; returns normally when it agrees with its expectation, throws otherwise. */
function check(c: PatternCase): void {
  const value = toGo(c.value, c.valueGoType);
  const pattern = toGo(c.pattern, c.patternGoType);
  switch (c.function) {
    case 'validateFloatPattern':
    case 'Validate':
    case 'validateMapPattern':
    case 'validateNilPattern': {
      const patternForType = c.function === 'validateMapPattern' ? {} : c.function === 'validateNilPattern' ? null : pattern;
      assert.equal(validateValue(value, patternForType), c.expected);
      return;
    }
    case 'validateStringPattern':
      assert.equal(validateStringPattern(value, c.pattern as string), c.expected);
      return;
    case 'validateStringPatterns':
      assert.equal(validateStringPatterns(value, c.pattern as string), c.expected);
      return;
    case 'validateString':
      assert.equal(validateString(value, c.pattern as string, operatorOf(c)), c.expected);
      // The same comparison reached the way a policy reaches it: through the whole pattern string.
      assert.equal(validateValue(value, c.equivalentPatternString), c.expected, 'through the equivalent pattern string');
      return;
    case 'compareString':
      assert.equal(compareString(value, c.pattern as string, operatorOf(c)), c.expected);
      return;
    case 'convertNumberToString':
      if (c.expectedError === true) assert.equal(convertNumberToString(value), undefined);
      else assert.equal(convertNumberToString(value), c.expected);
      return;
    case 'GetOperatorFromStringPattern': {
      const op = getOperatorFromStringPattern(c.pattern as string);
      assert.equal(OPERATOR_NAMES[op], c.expectedOperator);
      assert.equal(op, c.expectedOperatorSymbol);
      return;
    }
    case 'wildcard.Match':
      assert.equal(wildcardMatch(c.pattern as string, c.value as string), c.expected);
      return;
    case 'anchor.Parse': {
      const anchor = parseAnchor(c.pattern as string);
      assert.deepEqual(anchor === undefined ? null : { type: anchor.type, key: anchor.key }, c.expectedAnchor);
      return;
    }
    case 'validate.validateResourceElement': {
      const outcome = evaluatePattern(decodedByEncodingJson(c.resource), decodedByEncodingJson(c.pattern));
      if (c.expectedNoError === true) {
        assert.equal(outcome.status, 'pass', outcome.message);
      } else {
        assert.equal(outcome.status, 'fail');
        assert.equal(outcome.path, c.expectedPath);
      }
      return;
    }
    case 'validate.MatchPattern': {
      const outcome = evaluatePattern(decodedByEncodingJson(c.resource), decodedByEncodingJson(c.pattern));
      assert.equal(outcome.status, c.inferredStatusByCodeTrace ?? c.expectedStatus, outcome.message);
      return;
    }
    default:
      assert.fail(`case ${c.id}: no runner for function ${c.function}`);
  }
}

/**
 * Every case as a resource/pattern tree, so collectAll can be checked on all 426: tree cases as they
 * are, scalar cases with the value and pattern placed at container images (arrays of maps, like an
 * image rule): twice in containers, once in initContainers.
 */
function asTree(c: PatternCase): { resource: unknown; pattern: unknown } {
  if (c.resource !== undefined) return { resource: decodedByEncodingJson(c.resource), pattern: decodedByEncodingJson(c.pattern) };
  const value = toGo(c.value ?? null, c.valueGoType);
  const pattern = c.function === 'validateString' ? c.equivalentPatternString : toGo(c.pattern ?? null, c.patternGoType);
  const container = (image: unknown): Record<string, unknown> => ({ name: 'c', image });
  const rule = [{ name: '?*', image: pattern === undefined ? null : pattern }];
  return {
    resource: { spec: { containers: [container(value), container(value)], initContainers: [container(value)] } },
    pattern: { spec: { containers: rule, initContainers: rule } },
  };
}

test(`pattern-cases.json holds the ${data.total} cases it announces`, () => {
  assert.equal(data.cases.length, data.total);
  const counted: Record<string, number> = {};
  for (const c of data.cases) counted[c.function] = (counted[c.function] ?? 0) + 1;
  assert.deepEqual(counted, data.counts);
});

test('every Kyverno pattern case agrees with engine/pattern', () => {
  const failures: string[] = [];
  const perFunction = new Map<string, { passed: number; total: number }>();
  for (const c of data.cases) {
    const tally = perFunction.get(c.function) ?? { passed: 0, total: 0 };
    perFunction.set(c.function, tally);
    tally.total++;
    try {
      check(c);
      tally.passed++;
    } catch (err) {
      failures.push(`#${c.id} ${c.function} ${c.test}${c.name ? ` [${c.name}]` : ''} (line ${c.line}): ${(err as Error).message}`);
    }
  }
  const passed = data.cases.length - failures.length;
  const breakdown = [...perFunction].map(([fn, t]) => `${fn} ${t.passed}/${t.total}`).join(', ');
  const deviations = data.cases.filter((c) => c.inferredStatusByCodeTrace !== undefined).map((c) => c.id);
  console.log(`pattern conformance: ${passed}/${data.cases.length} (${breakdown}); traced-status cases followed: ${deviations.join(', ')}`);
  assert.deepEqual(failures, []);
});

test('collectAll never changes status, path or message on any of the cases', () => {
  const problems: string[] = [];
  for (const c of data.cases) {
    const { resource, pattern } = asTree(c);
    const plain = evaluatePattern(resource, pattern);
    const all = evaluatePattern(resource, pattern, { collectAll: true });
    const where = `#${c.id} ${c.function}`;
    if (plain.status !== all.status || plain.path !== all.path || plain.message !== all.message) {
      problems.push(`${where}: ${JSON.stringify(plain)} vs ${JSON.stringify(all)}`);
    }
    if (plain.status === 'fail') {
      if (plain.failures.length !== 1 || plain.failures[0] !== plain.path) problems.push(`${where}: failures without collectAll ${JSON.stringify(plain.failures)}`);
      if (all.failures[0] !== all.path) problems.push(`${where}: first collected failure ${all.failures[0]} is not the path ${all.path}`);
    } else if (plain.failures.length !== 0 || all.failures.length !== 0) {
      problems.push(`${where}: ${plain.status} outcome with failures`);
    }
  }
  assert.deepEqual(problems, []);
});

test('collectAll reports every failing copy of a scalar case that does not match', () => {
  let checked = 0;
  for (const c of data.cases) {
    // A scalar pattern checks each element of an array value, so an empty array value passes there.
    if (c.resource !== undefined || c.expected !== false || Array.isArray(c.value)) continue;
    const { resource, pattern } = asTree(c);
    const plain = evaluatePattern(resource, pattern);
    const all = evaluatePattern(resource, pattern, { collectAll: true });
    assert.equal(plain.status, 'fail', `#${c.id}`);
    assert.deepEqual(plain.failures, ['/spec/containers/0/image/'], `#${c.id}`);
    assert.deepEqual(all.failures, ['/spec/containers/0/image/', '/spec/containers/1/image/', '/spec/initContainers/0/image/'], `#${c.id}`);
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} cases exercised`);
});
