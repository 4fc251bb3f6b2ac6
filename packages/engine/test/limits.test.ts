// Issue 14, "unbounded recursion" and "problems listed": hostile rulesets, evidence and findings
// nested or repeated past the engine's limits end in the engine's own error, naming the limit
// and the place (a JSON pointer), never in "Maximum call stack size exceeded"; errors list at
// most `maxProblems` problems in their message, then one line counting the rest.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_LIMITS, EvidenceError, RulesetError, capProblems, createEngine, findTooDeep, findTooDeepText, omittedLine, type Issue } from '../src/index.js';
import { rulesetOf, unit } from './helpers.js';

const DEPTHS = [DEFAULT_LIMITS.maxJsonDepth + 1, 100, 1_000, 5_000, 200_000];

const presence = (id: string) => ({ id, title: { zh: id }, max: 1, scoring: { method: 'presence', params: { field: 'f' } } });
const fields = [{ name: 'f', type: 'boolean', title: { zh: '有无' } }];

/** A ruleset whose tree is `levels` nodes deep (built without recursion). */
function deepTree(levels: number): unknown {
  let node: Record<string, unknown> = presence('leaf');
  for (let i = levels - 1; i >= 1; i--) node = { id: `g${i}`, title: { zh: '组' }, max: 1, children: [node] };
  return { ...rulesetOf([], fields), tree: [node] };
}

/** An array nested `n` deep: [[[…]]]. */
function nested(n: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < n; i++) v = [v];
  return v;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

const noStackOverflow = (e: unknown) => {
  expect(e).not.toBeInstanceOf(RangeError);
  expect(String((e as Error).message)).not.toMatch(/call stack/i);
};

describe('depth limits, checked before any recursive work', () => {
  const engine = createEngine();

  it.each([DEFAULT_LIMITS.maxGroupDepth + 1, 100, 1_000, 200_000])('a tree %i levels deep is a RulesetError at the first node past maxGroupDepth', (levels) => {
    const e = thrown(() => engine.compile(deepTree(levels)));
    noStackOverflow(e);
    expect(e).toBeInstanceOf(RulesetError);
    const issues = (e as RulesetError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('maxGroupDepth');
    expect(issues[0]?.message).toContain(`level ${DEFAULT_LIMITS.maxGroupDepth + 1}`);
    expect(issues[0]?.path).toBe('/tree/0' + '/children/0'.repeat(DEFAULT_LIMITS.maxGroupDepth));
  });

  it('a tree at the limit compiles; the limit is the engine\'s own (createEngine({ limits }))', () => {
    expect(() => engine.compile(deepTree(DEFAULT_LIMITS.maxGroupDepth))).not.toThrow();
    const strict = createEngine({ limits: { maxGroupDepth: 3 } });
    expect(() => strict.compile(deepTree(3))).not.toThrow();
    const e = thrown(() => strict.compile(deepTree(4))) as RulesetError;
    expect(e.issues[0]?.path).toBe('/tree/0/children/0/children/0/children/0');
  });

  it.each(DEPTHS)('a ruleset value nested %i deep (a title, a param, a veto) is a RulesetError naming maxJsonDepth and its pointer', (n) => {
    const places: Array<[(v: unknown) => unknown, string]> = [
      [(v) => ({ ...rulesetOf([presence('a')], fields), title: { zh: '细则', en: v } }), '/title/en'],
      [(v) => rulesetOf([{ ...presence('a'), scoring: { method: 'presence', params: { field: 'f', x: v } } }], fields), '/tree/0/children/0/scoring/params/x'],
      [(v) => ({ ...rulesetOf([presence('a')], fields), vetoes: [{ id: 'v', when: v }] }), '/vetoes/0/when'],
    ];
    for (const [make, at] of places) {
      const e = thrown(() => engine.compile(make(nested(n))));
      noStackOverflow(e);
      expect(e).toBeInstanceOf(RulesetError);
      const i = (e as RulesetError).issues[0] as Issue;
      expect(i.message).toContain('maxJsonDepth');
      expect(i.path.startsWith(at + '/0')).toBe(true);
    }
  });

  it.each(DEPTHS)('a patch (extends) or a base nested %i deep is a RulesetError, not a stack overflow', (n) => {
    const base = rulesetOf([presence('a')], fields);
    const patch = { id: 'test/one', version: '1.1.0', edition: 2023, title: { zh: '细则' }, extends: { id: 'test/one', version: '1.0.0' }, patch: [{ op: 'update', id: 'a', set: { title: { zh: 'x', en: nested(n) } } }] };
    const e1 = thrown(() => engine.compile(patch, { bases: [base] }));
    noStackOverflow(e1);
    expect(e1).toBeInstanceOf(RulesetError);
    expect((e1 as RulesetError).issues[0]?.message).toMatch(/maxJsonDepth|expected string/);
    const deepBase = { ...base, title: { zh: '细则', en: nested(n) } };
    const e2 = thrown(() => engine.compile({ ...patch, patch: [] }, { bases: [deepBase] }));
    noStackOverflow(e2);
    expect(e2).toBeInstanceOf(RulesetError);
    expect((e2 as RulesetError).issues[0]?.message).toContain('maxJsonDepth');
  });

  const compiled = engine.compile(rulesetOf([presence('a')], fields));

  it.each(DEPTHS)('evidence nested %i deep (sources, the unit, another key) is an EvidenceError naming maxJsonDepth', (n) => {
    const cases: unknown[] = [
      { unit, values: { f: true }, sources: { f: nested(n) } },
      { unit: { ...unit, extra: nested(n) }, values: { f: true } },
      { unit, values: { f: nested(n) } },
    ];
    for (const ev of cases) {
      for (const f of [() => compiled.score(ev as never), () => compiled.checkEvidence(ev)]) {
        const e = thrown(f);
        noStackOverflow(e);
        expect(e).toBeInstanceOf(EvidenceError);
      }
    }
    const e = thrown(() => compiled.checkEvidence({ unit, values: { f: true }, other: nested(n) })) as EvidenceError;
    expect(e.issues[0]).toEqual({ path: '/other' + '/0'.repeat(DEFAULT_LIMITS.maxJsonDepth - 1), message: expect.stringContaining('maxJsonDepth') });
  });

  it.each(DEPTHS)('findings nested %i deep are an EvidenceError (Invalid findings)', (n) => {
    const e = thrown(() => compiled.score({ unit, values: { f: true } }, { findings: [{ item: 'a', source: 'onsite', type: 'deduction', points: 1, reason: 'x', evidence: nested(n) }] as never }));
    noStackOverflow(e);
    expect(e).toBeInstanceOf(EvidenceError);
    expect((e as EvidenceError).title).toBe('Invalid findings');
  });

  it('findings past maxFindings are refused before any is checked, naming the count and the limit', () => {
    const many = (k: number) => Array.from({ length: k }, (_, i) => ({ item: `unknown-${i}`, source: 'onsite', type: 'deduction', points: 1, reason: 'x' }));
    const e = thrown(() => compiled.score({ unit, values: {} }, { findings: many(DEFAULT_LIMITS.maxFindings + 1) as never })) as EvidenceError;
    expect(e).toBeInstanceOf(EvidenceError);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]?.message).toContain('10,001 findings');
    expect(e.issues[0]?.message).toContain('maxFindings');
    const small = createEngine({ limits: { maxFindings: 3 } }).compile(rulesetOf([presence('a')], fields));
    expect(() => small.score({ unit, values: {} }, { findings: many(4) as never })).toThrow(/maxFindings/);
    // At the limit they are checked as usual: each unknown item named.
    const e2 = thrown(() => small.score({ unit, values: {} }, { findings: many(3) as never })) as EvidenceError;
    expect(e2.issues).toHaveLength(3);
  });
});

describe('findTooDeep and findTooDeepText', () => {
  it('find the first place past the limit, iteratively, for any nesting (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_000 }), fc.integer({ min: 1, max: 100 }), fc.boolean(), (n, max, objects) => {
        let v: unknown = objects ? {} : [];
        for (let i = 1; i < n; i++) v = objects ? { k: v } : [v];
        const t = findTooDeep(v, max);
        const text = JSON.stringify(v);
        if (n <= max) {
          expect(t).toBeUndefined();
          expect(findTooDeepText(text, max)).toBe(-1);
        } else {
          expect(t?.pointer).toBe((objects ? '/k' : '/0').repeat(max));
          expect(findTooDeepText(text, max)).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('a cycle is too deep; a value shared by many parents is walked in linear time', () => {
    const a: Record<string, unknown> = {};
    a['self'] = a;
    expect(findTooDeep(a, 10)?.pointer).toBe('/self'.repeat(10));
    // 2^60 paths through 60 shared levels: answered at once.
    let v: unknown = {};
    for (let i = 0; i < 60; i++) v = [v, v];
    expect(findTooDeep(v, 64)).toBeUndefined();
  });

  it('brackets inside strings are text', () => {
    expect(findTooDeepText(JSON.stringify({ a: '[[[[[[[[[[' }), 2)).toBe(-1);
    expect(findTooDeepText(JSON.stringify({ a: '"\\[[[[[' }), 2)).toBe(-1);
  });
});

describe('problems listed: at most maxProblems, then one line counting the rest', () => {
  it('capProblems keeps the first ones and counts the rest (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('unknown item "a"', 'unknown item "b"', 'bad value 3', 'other'), { maxLength: 300 }), fc.integer({ min: 0, max: 200 }), (messages, max) => {
        const list = messages.map((message, i) => ({ path: `/${i}`, message }));
        const c = capProblems(list, max);
        expect(c.listed).toEqual(list.slice(0, max));
        expect(c.omitted).toBe(Math.max(0, list.length - max));
      }),
    );
  });

  it('"of the same kind" only when every one left out reads like one listed', () => {
    const same = Array.from({ length: 10 }, (_, i) => ({ message: `没有评分项 "x${i}"` }));
    expect(capProblems(same, 2)).toMatchObject({ omitted: 8, sameKind: true });
    expect(capProblems([...same, { message: '另一类问题' }], 2)).toMatchObject({ omitted: 9, sameKind: false });
    expect(omittedLine(99_950, true)).toBe('还有 99,950 处同类问题');
    expect(omittedLine(99_950, true, 'en')).toBe('… and 99,950 more of the same kind');
    expect(omittedLine(1_234_567, false)).toBe('还有 1,234,567 处问题未列出（含其他类问题）');
  });

  it('an error with 100,000 problems keeps them all in issues and lists maxProblems in its message', () => {
    const issues = Array.from({ length: 100_000 }, (_, i) => ({ path: `/values/x${i}`, message: `"x${i}" is not an evidence field` }));
    const e = new EvidenceError(issues);
    expect(e.issues).toHaveLength(100_000);
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(1 + DEFAULT_LIMITS.maxProblems + 1);
    expect(lines.at(-1)).toBe('  … and 99,900 more of the same kind');
    expect(new EvidenceError(issues, undefined, [], { maxProblems: 5 }).message.split('\n')).toHaveLength(7);
  });

  it('evidence with 100,000 unknown fields: every one an issue, the message bounded, in linear time', () => {
    const engine = createEngine({ limits: { maxProblems: 20 } });
    const r = engine.compile(rulesetOf([presence('a')], fields));
    const values: Record<string, boolean> = {};
    for (let i = 0; i < 100_000; i++) values[`x${i}`] = true;
    const e = thrown(() => r.score({ unit, values })) as EvidenceError;
    expect(e.issues).toHaveLength(100_000);
    expect(e.message.split('\n')).toHaveLength(22);
  });
});

describe('a patch whose operations nest the tree past maxGroupDepth', () => {
  it('is a RulesetError at /patch, before the resolved tree is walked', () => {
    const engine = createEngine();
    const base = rulesetOf([presence('a')], fields);
    const chain = (k: number): Record<string, unknown> => {
      let node: Record<string, unknown> = presence(`i${k}`);
      for (let j = 9; j >= 0; j--) node = { id: `c${k}_${j}`, title: { zh: '组' }, max: 1, children: [node] };
      return node;
    };
    // Each chain is 11 levels, added under the deepest group of the one before: 2 + 4 × 11 levels.
    const ops = [0, 1, 2, 3].map((k) => ({ op: 'add', parent: k === 0 ? 'g' : `c${k - 1}_9`, node: chain(k) }));
    const patch = { id: 'test/one', version: '1.1.0', edition: 2023, title: { zh: '细则' }, extends: { id: 'test/one', version: '1.0.0' }, patch: ops };
    const e = thrown(() => engine.compile(patch, { bases: [base] }));
    noStackOverflow(e);
    expect(e).toBeInstanceOf(RulesetError);
    const i = (e as RulesetError).issues[0] as Issue;
    expect(i.path).toBe('/patch');
    expect(i.message).toContain('maxGroupDepth');
  });
});

describe('findTooDeep on shared values (a JavaScript value, not JSON)', () => {
  /** Each level refers to the next one twice: `levels` deep, 2^levels paths, `levels` objects. */
  const diamond = (levels: number): unknown => {
    let v: unknown = { leaf: true };
    for (let i = 0; i < levels; i++) v = { a: v, b: [v] };
    return v;
  };
  it('walks a diamond of 2^30 paths in time linear in its objects, within the limit', () => {
    expect(findTooDeep(diamond(30), 64)).toBeUndefined();
  });
  it('names the first place past the limit of a deep diamond', () => {
    expect(findTooDeep(diamond(70), 64)?.pointer).toBe('/a'.repeat(64));
  });
  it('calls a cycle too deep', () => {
    const a: Record<string, unknown> = {};
    a['self'] = [a];
    expect(findTooDeep(a, 64)?.limit).toBe(64);
  });
});
