import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLogicCompiler } from '../src/logic/index.js';
import type { LogicLimits } from '../src/logic/index.js';
import { DEFAULT_LIMITS, EvaluationError, LogicError, RulesetError, createEngine, definePlugin } from '../src/index.js';
import { field, rulesetOf, unit } from './helpers.js';

// Hostile JsonLogic rules (issue 14, "Quadratic and unbounded work"): every rule is either
// refused at compile time, with its pointer, the estimate and the budget, or evaluated within
// the step budget, ending in an EvaluationError: never a hang, never a RangeError.

const limits = (over: Partial<LogicLimits> = {}): LogicLimits => ({ ...DEFAULT_LIMITS, ...over });
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Runs `fn`, and says how it ended: a value, or the class of what it threw (never a RangeError). */
function outcome(fn: () => unknown): { value: unknown } | { error: string; issues?: unknown } {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof EvaluationError) return { error: 'EvaluationError', issues: e.issues };
    throw e;
  }
}

describe('the cost estimate refuses rules over the budget at compile time', () => {
  it('refuses the instances of issue 14: 4 nested `some` and 3 nested `map` over 1,000-element literals', () => {
    const compiler = createLogicCompiler();
    const list = range(1000);
    const some4 = { some: [list, { some: [list, { some: [list, { some: [list, { '==': [{ var: '' }, -1] }] }] }] }] };
    const map3 = { map: [list, { map: [list, { map: [list, { '+': [{ var: '' }, 1] }] }] }] };
    for (const [rule, op] of [[some4, 'some'], [map3, 'map']] as const) {
      const r = compiler.compile(rule, '/tree/0/children/3/scoring/logic');
      expect(r.issues).toHaveLength(1);
      const issue = r.issues[0]!;
      expect(issue.path).toBe('/tree/0/children/3/scoring/logic');
      expect(issue.message).toMatch(/more than the budget of 1,000,000 \(maxLogicCost\)/);
      expect(issue.message).toContain(`"${op}" at /tree/0/children/3/scoring/logic/${op} runs over up to 1,000 elements`);
      expect(r.cost).toBeGreaterThan(1e9);
      expect(() => r.fn({})).toThrow(/maxLogicCost/);
    }
  });

  it('refuses exactly the nestings whose product of sizes passes the budget (generated nestings and sizes)', () => {
    const budget = 50_000;
    const compiler = createLogicCompiler(undefined, limits({ maxLogicCost: budget, maxLogicSteps: budget }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('map', 'filter', 'all', 'some', 'none'), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 4 }),
        (levels) => {
          let rule: unknown = { '==': [{ var: '' }, -1] };
          for (let k = levels.length - 1; k >= 0; k--) {
            const [op, n] = levels[k]!;
            rule = { [op]: [range(n), rule] };
          }
          // Per level: the array written (n), then per element 1 + the level below.
          let cost = 2; // "==" and "var"
          for (let k = levels.length - 1; k >= 0; k--) {
            const n = levels[k]![1];
            cost = 1 + Math.max(1, n) + n * (1 + cost);
          }
          const r = compiler.compile(rule, '/r');
          expect(r.cost).toBe(cost);
          if (cost > budget) {
            expect(r.issues).toEqual([{ path: '/r', message: expect.stringMatching(/^the JsonLogic rule may take [\d,]+ steps, more than the budget of 50,000 \(maxLogicCost\)/) }]);
          } else {
            expect(r.issues).toEqual([]);
            // Literal lists only: the counted steps never exceed the estimate, so the run finishes.
            expect(outcome(() => r.fn({}))).toHaveProperty('value');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses `merge` growth and `reduce` building arrays or texts, by the size they reach', () => {
    const budget = 100_000;
    const compiler = createLogicCompiler(undefined, limits({ maxLogicCost: budget, maxLogicSteps: budget }));
    // Doubling an accumulator: unbounded after a few dozen steps, whatever the budget.
    for (const body of [
      { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] },
      { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] },
      // Nesting it in itself: a short list whose text doubles, refused once it is written out.
      { if: [{ '==': [{ var: 'accumulator' }, 'x'] }, 0, { merge: [{ var: 'accumulator' }, [{ var: 'accumulator' }]] }] },
    ]) {
      const r = compiler.compile({ reduce: [range(64), body, ['x']] }, '/d');
      expect(r.issues.map((i) => i.path)).toEqual(['/d']);
      expect(r.issues[0]!.message).toMatch(/"reduce" at \/d\/reduce/);
    }
    // Carrying a big accumulator that every step reads costs its size at every step.
    const big = compiler.compile({ reduce: [range(500), { if: [{ '==': [{ var: 'accumulator' }, 1] }, 0, { var: 'accumulator' }] }, range(500)] }, '/b');
    expect(big.issues).toHaveLength(1);
    // A list built one element per step: quadratic in the list's length.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.constantFrom('merge', 'cat'), (n, op) => {
        const step = op === 'merge' ? { merge: [{ var: 'accumulator' }, [{ var: 'current' }]] } : { cat: [{ var: 'accumulator' }, 'x'] };
        const r = compiler.compile({ reduce: [range(n), step, op === 'merge' ? [] : ''] }, '/q');
        const accepted = r.issues.length === 0;
        // Never refused below √(budget/8) elements; a list refused above √(2·budget): each step
        // carries the list (k) and builds it anew (k + 1). A text costs a step per 16 characters.
        if (n * n <= budget / 8) expect(accepted).toBe(true);
        if (op === 'merge' && n * n > 2 * budget) expect(accepted).toBe(false);
        if (accepted) {
          const out = outcome(() => r.fn({}));
          expect(out).toHaveProperty('value');
          const v = (out as { value: unknown }).value as unknown[] | string;
          expect(v.length).toBe(n);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('estimates an accumulator that holds itself and the whole step scope without blowing up (found by the generated rules)', () => {
    // Each step nests the accumulator one level deeper, inside both a list and the
    // `{current, accumulator}` object: the shapes form a DAG 80 levels deep, which the estimate
    // walked as a tree (2^80 nodes, out of heap) before shapes were interned.
    const compiler = createLogicCompiler();
    for (const r of [
      { reduce: [{ var: 'current' }, [{ var: 'accumulator' }, { var: 'current' }, { var: 'current' }, { var: '' }], { substr: [{ var: '' }] }] },
      { reduce: [{ var: 'docs' }, [{ var: '' }, { var: 'accumulator' }], []] },
      { reduce: [range(200), { merge: [[{ var: '' }], [{ var: 'accumulator' }]] }, [[]]] },
    ]) {
      const c = compiler.compile(r, '/r');
      expect(c.cost).toBe(Infinity);
      expect(c.issues).toEqual([{ path: '/r', message: expect.stringMatching(/^the JsonLogic rule may take unbounded steps, more than the budget of 1,000,000 \(maxLogicCost\)/) }]);
    }
    // Held twice, it is shared in memory but doubles as text: refused by what `cat` would write.
    const doubling = compiler.compile({ cat: [{ reduce: [range(30), [{ var: 'accumulator' }, { var: 'accumulator' }], [1]] }] }, '/r');
    expect(doubling.cost).toBeGreaterThan(1e9);
    expect(doubling.issues).toHaveLength(1);
    // A short literal list is still estimated exactly, and runs.
    const short = compiler.compile({ reduce: [[1, 2, 3], [{ var: '' }, { var: 'accumulator' }], []] }, '/r');
    expect(short.issues).toEqual([]);
    expect(short.cost).toBe(24);
    expect(JSON.stringify(short.fn({})).length).toBeGreaterThan(50);
  });

  it('counts a rule nested deeper than maxJsonDepth as an issue, without recursion, even 100,000 levels deep', () => {
    const compiler = createLogicCompiler();
    for (const depth of [65, 1_000, 100_000]) {
      let rule: unknown = { var: 'a' };
      for (let i = 1; i < depth; i++) rule = { '!': [rule] };
      const r = compiler.compile(rule, '/x');
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]!.message).toBe('the JsonLogic rule nests arrays and objects deeper than 64 levels (maxJsonDepth)');
      // The pointer names the first level too deep: 32 "!" objects, each with its argument list.
      expect(r.issues[0]!.path).toBe('/x' + '/!/0'.repeat(32));
      expect(() => r.fn({})).toThrow(/maxJsonDepth/);
    }
  });

  it('accepts nesting up to maxJsonDepth and refuses one level more (generated depths and limits)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 80 }), fc.integer({ min: 1, max: 80 }), (maxJsonDepth, depth) => {
        const compiler = createLogicCompiler(undefined, limits({ maxJsonDepth }));
        let rule: unknown = 1;
        for (let i = 0; i < depth; i++) rule = [rule];
        const r = compiler.compile(rule);
        expect(r.issues.length === 0).toBe(depth <= maxJsonDepth);
        if (depth > maxJsonDepth) expect(r.issues[0]!.path).toBe('/0'.repeat(maxJsonDepth));
      }),
    );
  });

  it('engine.compileLogic obeys the engine\'s limits', () => {
    const engine = createEngine({ limits: { maxLogicCost: 5_000, maxLogicSteps: 5_000, maxJsonDepth: 8 } });
    expect(() => engine.compileLogic({ map: [range(100), { map: [range(100), { var: '' }] }] })).toThrow(LogicError);
    expect(() => engine.compileLogic({ map: [range(100), { map: [range(100), { var: '' }] }] })).toThrow(/budget of 5,000 \(maxLogicCost\)/);
    let deep: unknown = true;
    for (let i = 0; i < 9; i++) deep = { '!!': [deep] };
    expect(() => engine.compileLogic(deep)).toThrow(/deeper than 8 levels/);
    expect(engine.compileLogic({ map: [range(10), { '*': [{ var: '' }, 2] }] })({})).toEqual(range(10).map((x) => x * 2));
  });

  it('refuses a ruleset whose rule is over the budget, at the rule\'s pointer', () => {
    const list = range(1000);
    const rs = rulesetOf(
      [{ id: 'i', title: { zh: '项' }, max: 1, scoring: { logic: { if: [{ some: [list, { some: [list, { '==': [{ var: '' }, { var: 'n' }] }] }] }, 1, 0] } } }],
      [field('n', 'number')],
    );
    let error: unknown;
    try {
      createEngine().compile(rs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulesetError);
    const issues = (error as RulesetError).issues;
    expect(issues.map((i) => i.path)).toEqual(['/tree/0/children/0/scoring/logic']);
    expect(issues[0]!.message).toBe(
      'the JsonLogic rule may take 5,003,002 steps, more than the budget of 1,000,000 (maxLogicCost): "some" at /tree/0/children/0/scoring/logic/if/0/some runs over up to 1,000 elements, up to 5,002 steps each',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Generated rules: the counted steps never exceed the estimate (literal data only), and any
// budget ends the run in a value or an EvaluationError.

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 30 }),
  fc.constantFrom('a', 'bc', '', true, false, null),
  fc.constant({ var: '' }),
  fc.constant({ var: 'current' }),
  fc.constant({ var: 'accumulator' }),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 12 }),
);

const rule: fc.Arbitrary<unknown> = fc.letrec<{ r: unknown }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom('map', 'filter', 'all', 'some', 'none'), fc.oneof(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 25 }), tie('r')), tie('r')).map(([op, a, b]) => ({ [op]: [a, b] })),
    fc.tuple(fc.oneof(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 25 }), tie('r')), tie('r'), tie('r')).map(([a, b, c]) => ({ reduce: [a, b, c] })),
    fc.tuple(fc.constantFrom('merge', 'cat', 'in', 'if', 'and', 'or', '+', '==', '<', '!', 'max', 'substr', 'missing'), fc.array(tie('r'), { maxLength: 3 })).map(([op, args]) => ({ [op]: args })),
    fc.array(tie('r'), { maxLength: 4 }),
  ),
})).r;

describe('generated rules', () => {
  it('never count more steps than the estimate, when they read no evidence list', () => {
    const wide = createLogicCompiler(undefined, limits({ maxLogicCost: 1e12, maxLogicSteps: 1e12 }));
    fc.assert(
      fc.property(rule, fc.constantFrom({}, { current: 3, accumulator: 1 }), (r, data) => {
        const first = wide.compile(r);
        fc.pre(first.issues.length === 0 && first.cost <= 2e6);
        // The same rule, with a step budget equal to its estimate: it must never run out.
        const tight = createLogicCompiler(undefined, limits({ maxLogicCost: 2e6, maxLogicSteps: Math.max(1, first.cost) })).compile(r);
        expect(tight.issues).toEqual([]);
        let thrown: unknown;
        try {
          tight.fn(data);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).not.toBeInstanceOf(EvaluationError);
        expect(thrown).not.toBeInstanceOf(RangeError);
      }),
      { numRuns: 400 },
    );
  });

  it('end in a value or an EvaluationError under any step budget', () => {
    fc.assert(
      fc.property(rule, fc.integer({ min: 1, max: 200 }), (r, steps) => {
        const c = createLogicCompiler(undefined, limits({ maxLogicSteps: steps }));
        const compiled = c.compile(r, '/p');
        if (compiled.issues.length > 0) return;
        try {
          compiled.fn({});
        } catch (e) {
          expect(e).not.toBeInstanceOf(RangeError);
          if (e instanceof EvaluationError) {
            expect(e.issues[0]!.path.startsWith('/p')).toBe(true);
            expect(e.issues[0]!.message).toContain(`${steps} 步的上限（maxLogicSteps）`);
            expect(e.message).not.toMatch(/\n\s+at /);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Evidence lists longer than the estimate assumes: the step budget stops the run.

describe('the step budget at evaluation', () => {
  it('stops a rule over a long evidence list with an EvaluationError at the operator, and runs a short one', () => {
    const compiler = createLogicCompiler(undefined, limits({ maxLogicSteps: 10_000 }));
    const rules = [
      { map: [{ var: 'docs' }, { cat: [{ var: '' }, '!'] }] },
      { some: [{ var: 'docs' }, { '==': [{ var: '' }, 'zzz'] }] },
      { reduce: [{ var: 'docs' }, { '+': [{ var: 'accumulator' }, 1] }, 0] },
      { merge: [{ var: 'docs' }, { var: 'docs' }] },
      { in: ['zzz', { var: 'docs' }] },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...rules.keys()), fc.integer({ min: 0, max: 40_000 }), (k, n) => {
        const r = compiler.compile(rules[k], '/x');
        expect(r.issues).toEqual([]);
        const docs = Array.from({ length: n }, (_, i) => `d${i}`);
        const out = outcome(() => r.fn({ docs }));
        if (n <= 2_000) expect(out).toHaveProperty('value');
        if ('error' in out) {
          expect(n).toBeGreaterThan(2_000);
          const op = Object.keys(rules[k]!)[0]!;
          // It stops at the operator, or inside its per-element rule (`map`'s `cat`), whichever
          // step passes the budget.
          expect(out.issues).toEqual([{ path: expect.stringMatching(new RegExp(`^/x/${op}(/|$)`)), message: '规则运算超过 10,000 步的上限（maxLogicSteps），在此处停止' }]);
        }
        if (n > 20_000) expect(out).toHaveProperty('error');
      }),
      { numRuns: 60, examples: [[0, 2_500]] },
    );
  });

  it('counts a plugin operator as one step', () => {
    const engine = createEngine({
      plugins: [definePlugin({ name: 'double', operators: { double: (x: unknown) => (x as number) * 2 } })],
      limits: { maxLogicSteps: 4 * 50 + 1 },
    });
    // map (1) + the list written (50), then per element 1 + double (1) + var (1): 4·50 + 1.
    expect(engine.compileLogic({ map: [range(50), { double: [{ var: '' }] }] })({})).toEqual(range(50).map((x) => 2 * x));
    const tighter = createEngine({
      plugins: [definePlugin({ name: 'double', operators: { double: (x: unknown) => (x as number) * 2 } })],
      limits: { maxLogicSteps: 4 * 50 },
    });
    expect(() => tighter.compileLogic({ map: [range(50), { double: [{ var: '' }] }] })({})).toThrow(EvaluationError);
  });

  it('names the unit and the item when a ruleset\'s rule runs over while scoring', () => {
    const engine = createEngine({ limits: { maxLogicSteps: 5_000 } });
    const rs = engine.compile(
      rulesetOf(
        [
          { id: 'plain', title: { zh: '普通项' }, max: 1, scoring: { logic: { if: [{ '>': [{ var: 'n' }, 1] }, 1, 0] } } },
          { id: 'docs-check', title: { zh: '文件项' }, max: 1, scoring: { logic: { if: [{ some: [{ var: 'docs' }, { '==': [{ var: '' }, '应急预案'] }] }, 1, 0] } } },
        ],
        [field('n', 'number'), field('docs', 'documents', { document: false })],
      ),
    );
    const short = rs.score({ unit, values: { n: 2, docs: ['总体方案', '应急预案'] } });
    expect(short.total).toBe(2);
    const docs = Array.from({ length: 6_000 }, (_, i) => `文件${i}`);
    let error: unknown;
    try {
      rs.score({ unit, values: { n: 2, docs } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvaluationError);
    const ev = error as EvaluationError;
    expect(ev.unit).toEqual({ id: 'yanta', name: '雁塔区' });
    expect(ev.item).toBe('docs-check');
    expect(ev.issues).toEqual([
      { path: '/tree/0/children/1/scoring/logic/if/0/some', message: '雁塔区（yanta）评分项 docs-check：规则运算超过 5,000 步的上限（maxLogicSteps），在此处停止' },
    ]);
    expect(ev.message).not.toMatch(/\n\s+at /);
  });
});
