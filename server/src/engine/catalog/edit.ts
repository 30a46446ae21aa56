// The text edit that puts a new image into an image scalar. It replaces only the scalar's own text
// (inside the quotes), so quotes, tags, anchors, comments, indentation, flow/block layout and line
// endings stay as they are; when the new text would not read back as the same string in that style, it
// refuses instead of re-quoting.
import type { ParsedDocument, YScalar } from '../yaml/model';
import type { TextEdit } from './model';

export function rewriteImageEdit(doc: ParsedDocument, scalar: YScalar, newImage: string): TextEdit | { error: string } {
  if (scalar === null || typeof scalar !== 'object' || scalar.kind !== 'scalar') return { error: 'not a scalar node' };
  const { valueStart, valueEnd } = scalar;
  if (!(Number.isInteger(valueStart) && Number.isInteger(valueEnd) && valueStart >= 0 && valueStart <= valueEnd && valueEnd <= doc.text.length)) {
    return { error: 'the scalar\'s range is not inside this document' };
  }
  if (typeof newImage !== 'string' || newImage === '') return { error: 'the new image is empty' };
  if (scalar.tag !== undefined && !isStringTag(scalar.tag)) {
    return { error: `the scalar has the tag ${scalar.tag}; a new value could change its meaning` };
  }
  const unprintable = firstUnprintable(newImage);
  if (unprintable !== undefined) return { error: `the new image contains ${describe(unprintable)}, which would need escaping` };

  const problem = styleProblem(scalar.style, newImage);
  if (problem !== undefined) return { error: problem };
  return { start: valueStart, end: valueEnd, newText: newImage };
}

function styleProblem(style: YScalar['style'], text: string): string | undefined {
  switch (style) {
    case 'double':
      if (text.includes('"') || text.includes('\\')) return 'the new image contains " or \\, which would need escaping in a double-quoted scalar';
      return undefined;
    case 'single':
      if (text.includes('\'')) return 'the new image contains \', which would need escaping in a single-quoted scalar';
      return undefined;
    case 'plain':
      return plainProblem(text);
    case 'literal':
    case 'folded':
      return 'the image is written as a block scalar (| or >); rewrite it by hand';
  }
}

/**
 * A plain scalar keeps its text as a string only if nothing in it is YAML syntax and it does not
 * resolve to another type. The checks hold in block and in flow context alike (the stricter one).
 */
function plainProblem(text: string): string | undefined {
  if (/^\s|\s$/.test(text)) return 'the new image starts or ends with white space, which a plain scalar would drop';
  if (INDICATORS.includes(text[0])) return `the new image starts with "${text[0]}", which is YAML syntax in a plain scalar`;
  if (text.startsWith('...')) return 'the new image starts with "...", a document end marker';
  if (text.includes(': ') || text.endsWith(':') || text.includes(':\t')) return 'the new image contains ": " or ends with ":", which would make it a mapping';
  if (text.includes(' #') || text.includes('\t#')) return 'the new image contains " #", which would start a comment';
  const flow = /[,[\]{}]/.exec(text);
  if (flow) return `the new image contains "${flow[0]}", a flow indicator`;
  if (!resolvesToString(text)) return `the plain scalar ${text} would read back as a ${resolvedKind(text)}, not a string`;
  return undefined;
}

const INDICATORS = '-?:,[]{}#&*!|>\'"%@`';

function resolvesToString(text: string): boolean {
  return resolvedKind(text) === 'string';
}

/** YAML 1.2 core schema, plus the YAML 1.1 booleans other tools still read (yes/no/on/off, y/n). */
function resolvedKind(text: string): 'string' | 'null' | 'boolean' | 'number' | 'timestamp' {
  if (/^(?:~|null|Null|NULL)$/.test(text)) return 'null';
  if (/^(?:true|True|TRUE|false|False|FALSE)$/.test(text)) return 'boolean';
  if (/^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(text)) return 'boolean';
  if (/^[-+]?[0-9]+$/.test(text) || /^0o[0-7]+$/.test(text) || /^0x[0-9a-fA-F]+$/.test(text)) return 'number';
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return 'number';
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text) || /^\.(?:nan|NaN|NAN)$/.test(text)) return 'number';
  // YAML 1.1 binary, sexagesimal and underscore numbers (0b101, 1:20, 1_000) and timestamps are still
  // read as such by some tools.
  if (/^[-+]?0b[01_]+$/.test(text)) return 'number';
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text) || /^[-+]?[0-9][0-9_]*_[0-9_]*$/.test(text)) return 'number';
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt ])/.test(text)) return 'timestamp';
  return 'string';
}

function isStringTag(tag: string): boolean {
  return tag === '!!str' || tag === '!' || tag === '!<tag:yaml.org,2002:str>' || tag === 'tag:yaml.org,2002:str';
}

/** Characters a YAML scalar cannot hold unescaped on one line: controls, line breaks, DEL, C1, BOM, lone surrogates. */
function firstUnprintable(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09) continue;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f) || c === 0xfeff || c === 0x2028 || c === 0x2029) return c;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { i++; continue; }
      return c;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return c;
  }
  return undefined;
}

function describe(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
