// Label selectors as Kyverno's match.CheckSelector applies them: Kubernetes semantics, plus `*`/`?`
// wildcards in matchLabels keys and values (wildcards.ReplaceInSelector).

import { wildcardMatch } from '../pattern';

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface LabelSelector {
  matchLabels: [string, string][];
  expressions: LabelRequirement[];
  /** Set when Kubernetes would refuse to build the selector; such a selector matches nothing. */
  error?: string;
}

export function compileSelector(raw: unknown): LabelSelector {
  const selector: LabelSelector = { matchLabels: [], expressions: [] };
  if (raw === null || raw === undefined) return selector;
  if (!isRecord(raw)) return { ...selector, error: 'selector is not a mapping' };
  const labels = raw.matchLabels;
  if (isRecord(labels)) {
    for (const [k, v] of Object.entries(labels)) selector.matchLabels.push([k, scalarText(v)]);
  } else if (labels !== undefined && labels !== null) {
    selector.error = 'matchLabels is not a mapping';
  }
  const expressions = raw.matchExpressions;
  if (Array.isArray(expressions)) {
    for (const e of expressions) {
      if (!isRecord(e)) { selector.error = 'matchExpressions entry is not a mapping'; continue; }
      const key = typeof e.key === 'string' ? e.key : '';
      const operator = e.operator;
      const values = Array.isArray(e.values) ? e.values.map(scalarText) : [];
      if (operator === 'In' || operator === 'NotIn') {
        if (values.length === 0) selector.error = `values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`;
        selector.expressions.push({ key, operator, values });
      } else if (operator === 'Exists' || operator === 'DoesNotExist') {
        if (values.length > 0) selector.error = `values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`;
        selector.expressions.push({ key, operator, values });
      } else {
        selector.error = `"${String(operator)}" is not a valid label selector operator`;
      }
    }
  } else if (expressions !== undefined && expressions !== null) {
    selector.error = 'matchExpressions is not a list';
  }
  return selector;
}

const WILDCARD = /[*?]/;

/** Returns false for a selector Kubernetes would reject (Kyverno reports "failed to parse selector" and does not match). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  if (selector.error !== undefined) return false;
  for (const [key, value] of selector.matchLabels) {
    if (WILDCARD.test(key) || WILDCARD.test(value)) {
      // ReplaceInSelector swaps the wildcard entry for the first resource label that matches both
      // parts; without one, the wildcard characters become '0' and the requirement cannot hold.
      let found = false;
      for (const [k, v] of Object.entries(labels)) {
        if (wildcardMatch(key, k) && wildcardMatch(value, v)) { found = true; break; }
      }
      if (!found) {
        const k0 = key.replace(/[*?]/g, '0');
        const v0 = value.replace(/[*?]/g, '0');
        if (labels[k0] !== v0) return false;
      }
    } else if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== value) {
      return false;
    }
  }
  for (const r of selector.expressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In': if (!has || !r.values.includes(labels[r.key])) return false; break;
      case 'NotIn': if (has && r.values.includes(labels[r.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
    }
  }
  return true;
}

/**
 * `{ ...value }`. Object.assign gives the same object unless the value has its own `__proto__` key
 * (assigning that would set the prototype), and V8 runs it much faster than spreading objects of
 * many shapes, which resources are.
 */
export function copyRecord<T extends object>(value: T): T {
  return Object.prototype.hasOwnProperty.call(value, '__proto__') ? { ...value } : Object.assign({}, value);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Kubernetes stores labels and annotations as strings; YAML may have typed a bare `1` or `true`. */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = scalarText(val);
  return out;
}
