import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash, sha256Hex, stableJson } from '../src/hash.js';

/** What the engine computed before it left `node:crypto`: the reference. */
const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex (no Node built-ins) equals node:crypto', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['ASCII', 'abc'],
    ['ASCII, longer than one block', 'The quick brown fox jumps over the lazy dog. '.repeat(5)],
    ['CJK', '西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）'],
    ['astral plane', '𠮷野家 🏙️ 𝔰𝔞𝔣𝔢 \u{10FFFF}'],
    ['lone surrogates (both encode U+FFFD)', 'a\uD800b\uDFFFc'],
    ['64-byte block boundary', 'x'.repeat(55) + '|' + 'y'.repeat(64)],
  ];
  for (const [name, text] of cases) {
    it(name, () => expect(sha256Hex(text)).toBe(nodeSha256(text)));
  }

  it('a known vector: sha256("abc")', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('any string, any code point', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => sha256Hex(text) === nodeSha256(text)), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => sha256Hex(text) === nodeSha256(text)), { numRuns: 300 });
  });

  it('contentHash is sha256: over the deterministic JSON, whatever the key order', () => {
    const a = { unit: { id: 'lintong', name: '临潼区' }, values: { b: 2, a: [1, '𠮷'] } };
    const b = { values: { a: [1, '𠮷'], b: 2 }, unit: { name: '临潼区', id: 'lintong' } };
    expect(contentHash(a)).toBe('sha256:' + nodeSha256(stableJson(a)));
    expect(contentHash(b)).toBe(contentHash(a));
  });
});
