// The evidence hash's fast serializer (score/hash.ts) against safe-stable-stringify, the
// library `stableJson` is built on: the same text for any JSON value, so the fast path never
// changes a card's evidenceHash.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import stringify from 'safe-stable-stringify';
import { describe, expect, it } from 'vitest';
import { createEngine, type Finding, type UnitEvidence } from '../src/index.js';
import { plainJson } from '../src/score/hash.js';
import { field, rulesetOf } from './helpers.js';

// Configured as hash.ts configures it, independently of that module.
const reference = stringify.configure({ deterministic: true, circularValue: Error, bigint: false });

/** Strings rich in what JSON escapes: quotes, backslashes, controls, lone surrogates, astral characters. */
const hostileChar = fc.constantFrom('"', '\\', '\u0000', '\b', '\t', '\n', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', '\ud83c\udfd9', '𠮷', '临', 'é', '/', '~', ' ', '');
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: hostileChar, maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  // Past 5000 code units the serializer hands the string to JSON.stringify.
  fc.tuple(fc.string({ unit: hostileChar, maxLength: 3 }), fc.integer({ min: 4990, max: 5010 })).map(([s, n]) => 'x'.repeat(n) + s),
);
const key = fc.oneof(fc.constantFrom('', '__proto__', 'constructor', 'toString', '0', '1', '10', '-1', 'a', 'A', 'é', '𠮷', '\ud800'), text);
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1 + 0.2), fc.integer());

/** An object from entries, own keys only (`__proto__` as a key, not the prototype); sometimes without a prototype. */
const objectOf = (entries: Array<[string, unknown]>, bare: boolean): Record<string, unknown> => {
  const o = (bare ? Object.create(null) : {}) as Record<string, unknown>;
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
};

const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 5 }),
    fc.tuple(fc.array(fc.tuple(key, tie('json')), { maxLength: 5 }), fc.boolean()).map(([e, bare]) => objectOf(e, bare)),
  ),
}));

/** The same value with every object's keys inserted in reverse order. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.keys(v).map((k) => [k, reversed((v as Record<string, unknown>)[k])] as [string, unknown]);
  return objectOf(entries.reverse(), Object.getPrototypeOf(v) === null);
}

describe('plainJson (the evidence hash serializer) = safe-stable-stringify', () => {
  it('any JSON value: the same text, whatever the key order', () => {
    fc.assert(
      fc.property(json, (v) => {
        const s = plainJson(v, 0);
        expect(s).toBe(reference(v));
        expect(plainJson(reversed(v), 0)).toBe(s);
      }),
      { numRuns: 3000 },
    );
  });

  it('named cases: -0, escapes, empty keys, astral and lone surrogates, UTF-16 key order', () => {
    const cases: unknown[] = [
      -0,
      [-0, 0, -1e-7, 1e21, 123456789012345680000],
      { '': 1, ' ': 2, a: { '': [] } },
      { b: 1, a: 2, B: 3, 'é': 4, '𠮷': 5, '\uffff': 6, '\ud800': 7 },
      'a"b\\c\u0000\u001f\u2028\ud800x\udfff',
      ['\ud83c', '\udfd9', '\ud83c\udfd9'],
      { k: 'x'.repeat(5000) + '\n' },
      {},
      [],
      '',
    ];
    for (const v of cases) expect(plainJson(v, 0), JSON.stringify(v)).toBe(reference(v));
  });

  it('gives up (null) on what is not plain data, for the general path to write', () => {
    class Box {
      x = 1;
    }
    const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
    for (const v of [undefined, () => 1, Symbol('s'), 1n, new Date(0), new Box(), { toJSON: () => 1 }, { a: undefined }, [undefined], deep(70)]) {
      expect(plainJson(v, 0)).toBeNull();
    }
    expect(plainJson(deep(60), 0)).toBe(reference(deep(60)));
    expect(plainJson(NaN, 0)).toBe(reference(NaN));
    expect(plainJson(Infinity, 0)).toBe(reference(Infinity));
  });
});

describe('a card’s evidenceHash = SHA-256 of safe-stable-stringify’s text', () => {
  const rs = createEngine().compile(
    rulesetOf(
      [
        { id: 'i1', title: { zh: '文件' }, max: 2, scoring: { method: 'per-missing', params: { field: 'docs', required: ['方案', '台账'], per: 1, cap: 2 } } },
        { id: 'i2', title: { zh: '隐患' }, max: 2, scoring: { method: 'per-finding', params: { field: 'defects', per: 0.5, cap: 2 } } },
      ],
      [field('docs', 'documents', { document: false }), field('defects', 'integer'), field('rate', 'rate'), field('when', 'date'), field('ok', 'boolean'), field('x', 'number')],
    ),
  );
  const sha = (s: string) => 'sha256:' + createHash('sha256').update(s, 'utf8').digest('hex');
  const nonEmpty = text.filter((s) => s.length > 0);

  it('for generated units, values, sources and findings (unicode, escapes, key orders)', () => {
    const values = fc.record(
      {
        docs: fc.uniqueArray(nonEmpty, { maxLength: 4 }), // a document listed twice is an input error, not a hash case
        defects: fc.integer({ min: 0, max: 1000 }),
        rate: fc.integer({ min: 0, max: 100_000 }).map((m) => m / 1000),
        when: fc.constantFrom('2023-03-31', '2024-02-29', '0001-01-01'),
        ok: fc.boolean(),
        x: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0)),
      },
      { requiredKeys: [] },
    );
    const finding = fc.record({ item: fc.constantFrom('i1', 'i2'), source: fc.constantFrom('data-check', 'onsite'), type: fc.constant('deduction'), points: fc.constantFrom(0.5, 1), reason: nonEmpty }) as fc.Arbitrary<Finding>;
    fc.assert(
      fc.property(
        fc.record({ id: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), name: nonEmpty, kind: fc.constant('district') }),
        values,
        fc.dictionary(fc.constantFrom('docs', 'defects', 'rate'), fc.array(text, { maxLength: 3 })),
        fc.array(finding, { maxLength: 3 }),
        (unit, vals, sources, findings) => {
          const evidence = { unit, values: vals, sources } as unknown as UnitEvidence;
          const card = rs.score(evidence, { findings });
          const expected = sha(reference({ evidence: { unit, values: vals, sources }, findings: findings.map((f) => reference(f) as string).sort() }) as string);
          expect(card.evidenceHash).toBe(expected);
          // The same evidence with its keys in another order: the same hash.
          expect(rs.score(reversed(evidence) as UnitEvidence, { findings: findings.map((f) => reversed(f) as Finding) }).evidenceHash).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
