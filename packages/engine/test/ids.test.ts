// The unit-id grammar: one pattern, checked where ids enter; hostile ids (paths, device names,
// control characters, unicode, upper case, long) are refused with a message saying what an id
// may contain; the pattern is linear on long adversarial text.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isUnitId, mergeEvidence, showId, UNIT_ID_PATTERN, UNIT_ID_RULE, unitIdProblem, type EvidencePart } from '../src/index.js';

/** Ids a hostile file might carry: path traversal, absolute paths, separators, NUL, device names, … */
export const HOSTILE_IDS = [
  '',
  '.',
  '..',
  '../x',
  '../../x',
  '/etc/passwd',
  '/tmp/x',
  'C:\\x',
  'a/b',
  'a\\b',
  'a\u0000b',
  'lin\ntong',
  '-lintong',
  '_x',
  '.hidden',
  'lintong.',
  'a.b',
  'Lintong',
  'LINTONG',
  '临潼',
  'lintong\u202e',
  'ｌｉｎｔｏｎｇ',
  'con',
  'nul',
  'aux',
  'prn',
  'com1',
  'lpt9',
  'a'.repeat(65),
  'a b',
  'a:b',
  '%2e%2e',
];

const reference = (s: string): boolean => /^[a-z0-9][a-z0-9_-]{0,63}$/.test(s) && !/^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/.test(s);

describe('unit-id grammar', () => {
  it('today\'s ids fit it', () => {
    for (const id of ['lintong', 'weishengjiankangwei', 'xixian', 'yanta', 'xian', 'a', '0', 'a-b_c', 'a'.repeat(64), 'com10', 'console', 'lpt']) expect(isUnitId(id), id).toBe(true);
  });
  it('every hostile id is refused, with a message saying what an id may contain', () => {
    for (const id of HOSTILE_IDS) {
      expect(isUnitId(id), JSON.stringify(id)).toBe(false);
      const m = unitIdProblem(id);
      expect(m).toContain(UNIT_ID_RULE.zh);
      // The id is shown quoted with control characters escaped: no raw NUL, newline or bidi override in a message.
      expect(m).not.toMatch(/[\u0000-\u001f\u202e]/);
    }
    for (const v of [undefined, null, 3, {}, ['a']]) expect(unitIdProblem(v)).toContain('应为文本');
  });
  it('agrees with the documented pattern on generated strings (property)', () => {
    const re = new RegExp(UNIT_ID_PATTERN);
    const alphabet = fc.constantFrom(...'abcxyz019-_./\\:ABC临 \u0000\n'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 70 }), fc.constantFrom(...HOSTILE_IDS)), (s) => {
        expect(isUnitId(s)).toBe(reference(s));
        if (isUnitId(s)) {
          expect(re.test(s)).toBe(true);
          expect(unitIdProblem(s)).toBeUndefined();
          // An accepted id is a plain file-name stem: no separator, no dot, not empty.
          expect(s).not.toMatch(/[/\\.]|^$/);
        } else expect(unitIdProblem(s)).toContain(UNIT_ID_RULE.zh);
      }),
      { numRuns: 500 },
    );
  });
  it('long adversarial strings are answered (the pattern is linear) and shown cut', () => {
    for (const s of ['a'.repeat(200_000) + '!', 'a-'.repeat(100_000) + '/', '_'.repeat(200_000)]) {
      expect(isUnitId(s)).toBe(false);
      const m = unitIdProblem(s) as string;
      expect(m.length).toBeLessThan(400);
      expect(m).toContain('过长');
    }
    expect(showId('x'.repeat(100))).toContain('（共100个字符）');
  });
  it('mergeEvidence, where every adapter\'s parts meet, refuses a part whose unit id is outside the grammar', () => {
    const part = (id: string): EvidencePart => ({ unit: { id, name: '某单位', kind: 'district' }, values: { a: 1 }, sources: { a: [`${id}.json#/items/1/a`] } });
    const { units, issues } = mergeEvidence([part('lintong'), part('../x'), part('CON')]);
    expect(units.map((u) => u.unit.id)).toEqual(['lintong']);
    expect(issues).toHaveLength(2);
    expect(issues[0]?.message).toContain('"../x" 含不允许的字符');
    expect(issues[1]?.message).toContain(UNIT_ID_RULE.zh);
  });
});
