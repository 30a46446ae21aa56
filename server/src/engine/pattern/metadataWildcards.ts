// Kyverno's wildcards.ExpandInMetadata: in a pattern map that has `metadata`, the keys of
// `metadata.labels` and `metadata.annotations` may contain `*`/`?`. Each such key is replaced by the
// first resource key it matches (an anchor around it is kept); a key that matches nothing stays
// literal and so fails as a missing field.
//
// Differences from Kyverno, both invisible in its tests: Go iterates maps in random order, so "first"
// is arbitrary there; here it is the resource's key order. Kyverno also rewrites the policy's pattern
// in place; here a new map is returned and the pattern is never mutated.

import { anchorString, parseAnchor } from './anchor';
import { hasOwn, isGoMap, setOwn } from './goValue';
import { containsWildcard, wildcardMatch } from './wildcard';

export function expandInMetadata(
  patternMap: Record<string, unknown>,
  resourceMap: Record<string, unknown>,
): Record<string, unknown> {
  const metadataKey = findTagKey('metadata', patternMap);
  if (metadataKey === undefined) return patternMap;
  const patternMetadata = patternMap[metadataKey];
  if (patternMetadata === null || !hasOwn(resourceMap, 'metadata')) return patternMap;
  const resourceMetadata = resourceMap.metadata;
  // Go would panic on these shapes (its type assertions are unchecked); leaving the pattern as it is
  // lets the walker report the structural mismatch instead.
  if (resourceMetadata === null || !isGoMap(patternMetadata) || !isGoMap(resourceMetadata)) return patternMap;

  let expanded: Record<string, unknown> | undefined;
  for (const tag of ['labels', 'annotations']) {
    const patternTag = stringMapUnder(tag, patternMetadata);
    if (patternTag === undefined) continue;
    const resourceTag = stringMapUnder(tag, resourceMetadata);
    if (resourceTag === undefined) continue;
    expanded ??= { ...patternMetadata };
    setOwn(expanded, patternTag.key, expandKeys(patternTag.map, resourceTag.map));
  }
  return expanded === undefined ? patternMap : { ...patternMap, [metadataKey]: expanded };
}

/** The key holding `tag`, written plainly or inside an anchor such as `=(labels)`. */
function findTagKey(tag: string, map: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(map)) {
    if (key === tag || parseAnchor(key)?.key === tag) return key;
  }
  return undefined;
}

function stringMapUnder(tag: string, data: Record<string, unknown>): { key: string; map: Record<string, string> } | undefined {
  const key = findTagKey(tag, data);
  if (key === undefined) return undefined;
  const value = data[key];
  if (!isGoMap(value)) return undefined;
  for (const v of Object.values(value)) if (typeof v !== 'string') return undefined;
  return { key, map: value as Record<string, string> };
}

function expandKeys(patternData: Record<string, string>, resourceData: Record<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const resourceKeys = Object.keys(resourceData);
  for (const [key, value] of Object.entries(patternData)) {
    if (!containsWildcard(key)) {
      setOwn(result, key, value);
      continue;
    }
    const anchor = parseAnchor(key);
    if (anchor !== undefined) {
      setOwn(result, anchorString(anchor.type, firstMatch(anchor.key, resourceKeys)), value);
    } else {
      setOwn(result, firstMatch(key, resourceKeys), value);
    }
  }
  return result;
}

function firstMatch(pattern: string, keys: readonly string[]): string {
  return keys.find((k) => wildcardMatch(pattern, k)) ?? pattern;
}
