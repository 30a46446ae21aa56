// Scalar typing with the YAML 1.2 core schema.
//
// Kubernetes tooling (sigs.k8s.io/yaml on go-yaml) is YAML 1.1-ish: it also reads yes/no/on/off as
// booleans, 0755 as octal and 1_000 as an int. We keep the 1.2 core schema, which is what the YAML
// spec and js-yaml use; the difference only matters for unquoted values like `on` or `0755`, which are
// not image references.

export type ScalarValue = string | number | boolean | null;

const INT_DEC = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

function resolveNull(s: string): null | undefined {
  return s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL' ? null : undefined;
}

function resolveBool(s: string): boolean | undefined {
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  return undefined;
}

function resolveInt(s: string): number | undefined {
  if (INT_DEC.test(s)) return Number(s);
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  return undefined;
}

function resolveFloat(s: string): number | undefined {
  if (FLOAT.test(s)) return Number(s);
  if (INF.test(s)) return s.charCodeAt(0) === 45 /* - */ ? -Infinity : Infinity;
  if (NAN.test(s)) return NaN;
  return undefined;
}

/** The value of an untagged plain scalar. */
export function resolvePlain(s: string): ScalarValue {
  if (s.length === 0) return null;
  const c = s.charCodeAt(0);
  // Most plain scalars start with a letter that no null/bool/number form can start with.
  if (c === 126 /* ~ */) return s.length === 1 ? null : s;
  if (c === 110 /* n */ || c === 78 /* N */) return resolveNull(s) === null ? null : s;
  if (c === 116 /* t */ || c === 84 /* T */ || c === 102 /* f */ || c === 70 /* F */) return resolveBool(s) ?? s;
  if ((c >= 48 && c <= 57) || c === 43 /* + */ || c === 45 /* - */ || c === 46 /* . */) {
    return resolveInt(s) ?? resolveFloat(s) ?? s;
  }
  return s;
}

/**
 * The name of a YAML core tag (`str`, `int`, ...) from the tag as written (`!!int`,
 * `!<tag:yaml.org,2002:int>`), or undefined for local/custom tags.
 */
export function coreTagName(tag: string): string | undefined {
  if (tag.startsWith('!!')) return tag.slice(2);
  const verbatim = '!<tag:yaml.org,2002:';
  if (tag.startsWith(verbatim) && tag.endsWith('>')) return tag.slice(verbatim.length, -1);
  return undefined;
}

/**
 * The value of a scalar carrying an explicit tag. `error` is set when the text does not fit the tag
 * (e.g. `!!int abc`); the value is then the text itself.
 */
export function resolveTagged(text: string, tag: string): { value: ScalarValue; error?: string } {
  const name = coreTagName(tag);
  let value: ScalarValue | undefined;
  switch (name) {
    case 'null': value = resolveNull(text); break;
    case 'bool': value = resolveBool(text); break;
    case 'int': value = resolveInt(text); break;
    case 'float': value = resolveFloat(text) ?? resolveInt(text); break;
    default: return { value: text };   // !!str, other core tags, and custom tags keep the text
  }
  if (value === undefined) return { value: text, error: `cannot read ${JSON.stringify(text)} as ${tag}` };
  return { value };
}
