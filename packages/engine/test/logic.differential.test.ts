/**
 * Differential test: the compiled closures against the reference interpreter json-logic-js
 * 2.0.5, on random rules drawn from a grammar of the built-in operators and random data.
 *
 * The grammar stays where json-logic-js is deterministic and where our documented deviations
 * cannot show: data keys and strings never name a prototype member (we read own properties
 * only), `missing` / `missing_some` keys are literals (json-logic-js re-evaluates keys taken
 * from data as rules), and arities are ones that compile without issues.
 */
import fc from 'fast-check';
import jsonLogic from 'json-logic-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogicCompiler } from '../src/logic/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';

type Outcome = { threw: true } | { threw: false; value: unknown };

function outcome(run: () => unknown): Outcome {
  try {
    return { threw: false, value: run() };
  } catch {
    return { threw: true };
  }
}

/** Deep equality with `Object.is` on leaves (so NaN equals NaN, and -0 differs from 0). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(ra[k], rb[k]));
  }
  return false;
}

function agree(x: Outcome, y: Outcome): boolean {
  if (x.threw || y.threw) return x.threw && y.threw;
  return same(x.value, y.value);
}

// ----- data -----
const KEYS = ['a', 'b', 'c', 'x', 'y', 'n'] as const;
const STRINGS = ['', 'a', 'b', 'abc', 'x.y', '0', '1', '2.5', '-0', '10', ' ', 'b,c', 'a.0'] as const;

const scalar = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.constantFrom(0, -0, 0.5, -1.5, 3.25, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom(...STRINGS),
  fc.boolean(),
  fc.constant(null),
);

const valueMemo: fc.Memo<unknown> = fc.memo<unknown>((n) =>
  n <= 1
    ? scalar
    : fc.oneof(
        { weight: 3, arbitrary: scalar },
        { weight: 1, arbitrary: fc.array(valueMemo(n - 1), { maxLength: 4 }) },
        {
          weight: 1,
          arbitrary: fc.dictionary(fc.constantFrom(...KEYS), valueMemo(n - 1), { maxKeys: 4 }),
        },
      ),
);
/** Data may also hold `undefined` (a JS caller, not JSON): it reads as "not found". */
const value = fc.oneof({ weight: 30, arbitrary: valueMemo(3) }, { weight: 1, arbitrary: fc.constant(undefined) });

const dataArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 }) },
  { weight: 1, arbitrary: value },
);

// ----- rules -----
const PATHS = [
  'a', 'b', 'c', 'x', 'y', 'n', 'a.b', 'a.0', 'a.1', 'x.y', 'x.y.a', 'n.0.a', '0', '1', '',
  'length', 'a.length', 'current', 'accumulator', 'current.a', 'accumulator.a',
] as const;
const pathArb = fc.oneof(fc.constantFrom<unknown>(...PATHS), fc.constantFrom<unknown>(0, 1, null));

const op = (name: string, args: unknown): Record<string, unknown> => ({ [name]: args });

/** A non-array argument may be given bare (json-logic-js wraps it), an array must not. */
const unary = (name: string, arg: unknown): Record<string, unknown> =>
  op(name, Array.isArray(arg) ? [arg] : arg);

const rule: fc.Memo<unknown> = fc.memo<unknown>((n) => {
  const literal = fc.oneof(
    { weight: 20, arbitrary: scalar },
    { weight: 5, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant({}) },
    // evaluates to undefined (the 3-argument `<` falls back to 2 arguments on it)
    { weight: 1, arbitrary: fc.constant({ and: [] }) },
  );
  const varRule = fc.oneof(
    pathArb.map((p) => op('var', p)),
    pathArb.map((p) => op('var', [p])),
    fc.tuple(pathArb, scalar).map(([p, d]) => op('var', [p, d])),
  );
  if (n <= 1) return fc.oneof({ weight: 2, arbitrary: literal }, { weight: 3, arbitrary: varRule });
  const sub = rule(n - 1);
  const args = (min: number, max: number) => fc.array(sub, { minLength: min, maxLength: max });
  const keyList = fc.array(fc.constantFrom<unknown>(...PATHS, 0, 1), { maxLength: 4 });
  return fc.oneof(
    { weight: 3, arbitrary: literal },
    { weight: 4, arbitrary: varRule },
    // computed var paths
    { weight: 1, arbitrary: fc.tuple(sub, fc.option(scalar, { nil: undefined })).map(([p, d]) => op('var', d === undefined ? [p] : [p, d])) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom('==', '===', '!=', '!==', '>', '>=', '<', '<=', '/', '%', 'in'), sub, sub)
        .map(([o, a, b]) => op(o, [a, b])),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('<', '<='), sub, sub, sub).map(([o, a, b, c]) => op(o, [a, b, c])) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('!', '!!', 'log'), sub, fc.boolean()).map(([o, a, bare]) => (bare ? unary(o, a) : op(o, [a]))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('-'), sub).map(([o, a]) => unary(o, a)) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => op('-', [a, b])) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('and', 'or'), args(0, 4)).map(([o, a]) => op(o, a)) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('if', '?:'), args(0, 7)).map(([o, a]) => op(o, a)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('+', 'max', 'min', 'cat', 'merge'), args(0, 4)).map(([o, a]) => op(o, a)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('+', 'cat', 'merge'), sub).map(([o, a]) => unary(o, a)) },
    { weight: 2, arbitrary: args(1, 4).map((a) => op('*', a)) },
    { weight: 1, arbitrary: args(1, 3).map((a) => op('substr', a)) },
    // missing / missing_some with literal keys, in the three shapes json-logic-js accepts
    { weight: 1, arbitrary: keyList.map((k) => op('missing', k)) },
    { weight: 1, arbitrary: keyList.map((k) => op('missing', [k])) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(...PATHS).map((k) => op('missing', k)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 }), keyList, fc.boolean()).map(([need, k, nested]) => op('missing_some', [need, nested ? [k] : k])) },
    // iteration: the inner rule sees each element (reduce: {current, accumulator})
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('map', 'filter', 'all', 'none', 'some'), sub, sub).map(([o, a, b]) => op(o, [a, b])) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, fc.option(sub, { nil: undefined })).map(([a, b, c]) => op('reduce', c === undefined ? [a, b] : [a, b, c])) },
  );
});
const ruleArb = rule(4);

/** At least 1,000 runs; `LOGIC_DIFF_RUNS=100000` for a longer soak. */
const numRuns = Math.max(1000, Number(process.env['LOGIC_DIFF_RUNS'] ?? 0) || 0);

const reference = (r: unknown, d: unknown): unknown =>
  jsonLogic.apply(r as Parameters<typeof jsonLogic.apply>[0], d);

describe('differential against json-logic-js 2.0.5', () => {
  // Semantics, not cost: random rules over evidence-sized data may pass the default budget
  // (logic.cost.test.ts tests the cost model).
  const compiler = createLogicCompiler(undefined, { ...DEFAULT_LIMITS, maxLogicCost: 1e12, maxLogicSteps: 1e12 });

  beforeAll(() => {
    // json-logic-js's `log` prints; ours does not.
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it('gives the same result (or both throw) on 1,000 random rules and data', { timeout: 600_000 }, () => {
    fc.assert(
      fc.property(ruleArb, dataArb, (r, data) => {
        const { fn, issues } = compiler.compile(r);
        // A rule whose cost is refused (logic.cost.test.ts) says nothing of semantics.
        fc.pre(!issues.some((i) => /maxLogicCost|cannot be estimated/.test(i.message)));
        expect(issues).toEqual([]);
        const want = outcome(() => reference(r, data));
        const got = outcome(() => fn(data));
        if (!agree(want, got)) {
          throw new Error(`json-logic-js ${JSON.stringify(want)} vs compiled ${JSON.stringify(got)}`);
        }
      }),
      { numRuns },
    );
  });

  it('a compiled rule gives the same result when called twice on the same data', () => {
    fc.assert(
      fc.property(ruleArb, dataArb, (r, data) => {
        const { fn } = compiler.compile(r);
        const first = outcome(() => fn(data));
        const second = outcome(() => fn(data));
        expect(agree(first, second)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('the grammar is not trivial: most rules give non-null results', () => {
    const samples = fc.sample(fc.tuple(ruleArb, dataArb), { numRuns: 300, seed: 42 });
    const informative = samples.filter(([r, d]) => {
      const o = outcome(() => reference(r, d));
      return !o.threw && o.value !== null && o.value !== undefined;
    });
    expect(informative.length).toBeGreaterThan(150);
  });
});
