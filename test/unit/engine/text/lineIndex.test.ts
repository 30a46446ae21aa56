import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../../../server/src/engine/text/lineIndex';

describe('LineIndex', () => {
  it('maps offsets to 0-based lines and UTF-16 characters', () => {
    const text = 'ab\ncd\r\nef\rg😀h';
    const idx = new LineIndex(text);
    assert.equal(idx.lineCount, 4);
    assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(idx.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(idx.positionAt(text.indexOf('e')), { line: 2, character: 0 });
    assert.deepEqual(idx.positionAt(text.indexOf('h')), { line: 3, character: 3 }, 'the emoji counts as two UTF-16 units');
    assert.equal(idx.offsetAt(3, 3), text.indexOf('h'));
    assert.equal(idx.offsetAt(1, 1), 4);
  });

  it('maps an offset inside a CRLF to the end of the line content', () => {
    const idx = new LineIndex('ab\r\ncd');
    assert.deepEqual(idx.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(idx.positionAt(3), { line: 0, character: 2 });
    assert.deepEqual(idx.positionAt(4), { line: 1, character: 0 });
  });

  it('clamps out-of-range input', () => {
    const idx = new LineIndex('ab\ncd');
    assert.deepEqual(idx.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(idx.positionAt(99), { line: 1, character: 2 });
    assert.deepEqual(idx.positionAt(NaN), { line: 0, character: 0 });
    assert.equal(idx.offsetAt(0, 99), 2, 'a character past the end stops before the line break');
    assert.equal(idx.offsetAt(7, 0), 5);
    assert.equal(idx.offsetAt(-1, 3), 0);
    assert.equal(idx.offsetAt(1, -3), 3);
  });

  it('handles empty text and a trailing line break', () => {
    assert.deepEqual(new LineIndex('').positionAt(0), { line: 0, character: 0 });
    const idx = new LineIndex('a\n');
    assert.equal(idx.lineCount, 2);
    assert.deepEqual(idx.positionAt(2), { line: 1, character: 0 });
    assert.equal(idx.offsetAt(1, 0), 2);
  });

  it('agrees with vscode-languageserver-textdocument on arbitrary text', () => {
    const chars = fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '😀', '\t', 'é');
    fc.assert(fc.property(fc.array(chars, { maxLength: 60 }).map((a) => a.join('')), fc.array(fc.integer({ min: -3, max: 130 }), { maxLength: 20 }), fc.array(fc.tuple(fc.integer({ min: -2, max: 20 }), fc.integer({ min: -2, max: 20 })), { maxLength: 20 }), (text, offsets, positions) => {
      const ours = new LineIndex(text);
      const theirs = TextDocument.create('file:///x', 'yaml', 1, text);
      assert.equal(ours.lineCount, theirs.lineCount);
      for (const o of offsets) assert.deepEqual(ours.positionAt(o), theirs.positionAt(o), `positionAt(${o}) in ${JSON.stringify(text)}`);
      for (const [line, character] of positions) {
        assert.equal(ours.offsetAt(line, character), theirs.offsetAt({ line, character }), `offsetAt(${line}, ${character}) in ${JSON.stringify(text)}`);
      }
    }), { numRuns: 500 });
  });
});
