// The YAML model every other layer codes against: a syntax tree with source ranges, split into
// independently parsed documents.
//
// Offsets inside a ParsedDocument are relative to that document's own text, so a parsed document does
// not depend on where it sits in the file: an edit re-parses only the documents it touches and the
// others are reused as they are, with a new `start`. Absolute offset = YamlDocument.start + node offset.
//
// Ranges of a node cover its content and exclude its properties: `&anchor` and `!tag` written before a
// node are not part of `start..end` (the same holds for collections, whose start is the first key /
// `-` / opening bracket).

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

export interface YScalar {
  kind: 'scalar';
  /** The whole node text: quotes included; for block scalars from the `|`/`>` header to the end of the content. */
  start: number;
  end: number;
  /**
   * The scalar's own text: inside the quotes; for block scalars the content lines (as written, with
   * their indentation and line breaks). An empty (missing) value has a zero-length range where the
   * value would go, e.g. right after `key:`.
   */
  valueStart: number;
  valueEnd: number;
  /** YAML 1.2 core schema for plain scalars; quoted and block scalars are strings; explicit `!!` tags honoured. */
  value: string | number | boolean | null;
  style: ScalarStyle;
  /** The tag as written, e.g. `!!str` or `!Ref`. */
  tag?: string;
  anchor?: string;
}

/** `value` is always a node for parsed input: a missing value is an empty plain scalar (value null). */
export interface YPair { key: YNode; value: YNode | null }

export interface YMap { kind: 'map'; start: number; end: number; items: YPair[]; flow: boolean; tag?: string; anchor?: string }

export interface YSeq { kind: 'seq'; start: number; end: number; items: YNode[]; flow: boolean; tag?: string; anchor?: string }

/** The range is where the alias (`*name`) is written; `target` is the anchored node, null if no such anchor. */
export interface YAlias { kind: 'alias'; start: number; end: number; name: string; target: YNode | null }

export type YNode = YScalar | YMap | YSeq | YAlias;

/** Relative to the document, like node offsets. */
export interface YamlError { message: string; offset: number; length: number }

/** Immutable (do not modify it or its nodes) and position-independent, so it can be shared between versions of a file. */
export interface ParsedDocument {
  /** This document's slice of the file. */
  text: string;
  /** null for an empty document or one that could not be parsed. */
  contents: YNode | null;
  /** At most one syntax error per document (the first one), plus problems found while composing (unknown alias, ...). */
  errors: YamlError[];
  /** Plain JSON-like value; memoized; aliases resolved, merge keys applied, bounded against alias bombs. */
  toJS(): unknown;
}

/** `start`/`end` are absolute offsets in the file. */
export interface YamlDocument { index: number; start: number; end: number; parsed: ParsedDocument }

export interface YamlFile { text: string; documents: YamlDocument[] }

export interface TextChange { start: number; end: number; text: string }

// The functions of the contract, re-exported so `engine/yaml/model` is a complete entry point.
export { parseYamlFile, updateYamlFile } from './file';
export { nodeAtPath, nodeAtPathAsWritten } from './path';
