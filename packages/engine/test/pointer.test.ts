// JSON pointers (RFC 6901): the engine's one escaping pair, which every package uses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPointer, parsePointer, pointerToken, unescapePointerToken } from '../src/index.js';

/** The value a pointer names in a document (the test's own resolver, after RFC 6901 §4). */
function resolve(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) throw new Error(`not a pointer: ${pointer}`);
  let cur = doc;
  for (const t of tokens) cur = Array.isArray(cur) ? cur[Number(t)] : (cur as Record<string, unknown>)[t];
  return cur;
}

/** Text rich in what pointers escape: `~`, `/`, `0`, `1`, and any other code unit. */
const tokenText = fc.oneof(
  fc.string({ unit: fc.constantFrom('~', '/', '0', '1', 'a', '~0', '~1', '/~', '') as fc.Arbitrary<string>, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

describe('RFC 6901', () => {
  // The document and pointers of RFC 6901 §5 (JSON string representation).
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 };
  const examples: Array<[string, unknown]> = [
    ['', doc],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ];
  for (const [pointer, value] of examples) {
    it(`"${pointer}" names ${JSON.stringify(value)}`, () => {
      expect(resolve(doc, pointer)).toEqual(value);
      // Built from its tokens, the pointer is written back exactly.
      expect(jsonPointer(...(parsePointer(pointer) as string[]))).toBe(pointer);
    });
  }

  it('escapes ~ before / (so "~1" is written "~01", and reads back as "~1", not "/")', () => {
    expect(pointerToken('~1')).toBe('~01');
    expect(unescapePointerToken('~01')).toBe('~1');
    expect(pointerToken('a/b~c')).toBe('a~1b~0c');
    expect(unescapePointerToken('a~1b~0c')).toBe('a/b~c');
    expect(pointerToken(0)).toBe('0');
    expect(jsonPointer()).toBe('');
    expect(jsonPointer('items', '1.2/3', 0, '')).toBe('/items/1.2~13/0/');
  });

  it('refuses what is not a pointer', () => {
    for (const p of ['a', 'items/1', '#/items', '/a~', '/a~2', '/~/', '/x/~a', '~0'] as const) expect(parsePointer(p), p).toBeUndefined();
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('//')).toEqual(['', '']);
  });
});

describe('pointer properties', () => {
  it('any token: unescape(escape(t)) = t; the escaped form has no "/" and only ~0, ~1', () => {
    fc.assert(
      fc.property(tokenText, (t) => {
        const e = pointerToken(t);
        expect(unescapePointerToken(e)).toBe(t);
        expect(e.includes('/')).toBe(false);
        expect(/~(?![01])/.test(e)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('any tokens: parsePointer(jsonPointer(…tokens)) = tokens, and the pointer resolves to the value put there', () => {
    fc.assert(
      fc.property(fc.array(tokenText, { maxLength: 6 }), (tokens) => {
        const p = jsonPointer(...tokens);
        expect(parsePointer(p)).toEqual(tokens);
        // A document with the value at that place.
        let doc: unknown = 'here';
        for (let i = tokens.length - 1; i >= 0; i--) {
          const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          o[tokens[i] as string] = doc;
          doc = o;
        }
        expect(resolve(doc, p)).toBe('here');
      }),
      { numRuns: 1000 },
    );
  });

  it('any valid pointer: written back from its tokens unchanged; any text: a pointer or refused, never an exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('~', '/', '0', '1', '2', 'a') as fc.Arbitrary<string>, maxLength: 30 }), (p) => {
        const tokens = parsePointer(p);
        const valid = p === '' || (p.startsWith('/') && !/~(?![01])/.test(p));
        expect(tokens !== undefined).toBe(valid);
        if (tokens !== undefined) expect(jsonPointer(...tokens)).toBe(p);
      }),
      { numRuns: 3000 },
    );
  });
});
