import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundToMilli } from '../src/points.js';
import { fromMilli, hasAtMostThreeDecimals, toMilli } from '../src/index.js';

/** Thousandths of a number rounded half-up (towards +∞) as its shortest decimal text reads. */
function byText(x: number): number {
  const negative = x < 0 || Object.is(x, -0);
  const [whole, frac = ''] = String(Math.abs(x)).split('.') as [string, string?];
  const digits = (frac + '000').slice(0, 3);
  const rest = frac.slice(3);
  const base = Number(whole) * 1000 + Number(digits);
  if (!negative) return base + (rest.charCodeAt(0) >= 53 ? 1 : 0);
  // Towards +∞: -x.xxx5 exactly stays, anything above the half goes away from zero.
  const above = rest !== '' && (rest.charCodeAt(0) > 53 || (rest.charCodeAt(0) === 53 && /[1-9]/.test(rest.slice(1))));
  return -(base + (above ? 1 : 0)) || 0;
}

describe('roundToMilli', () => {
  it('rounds any points as their decimal text reads (the fast path agrees with the text)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e5, max: 1e5, noNaN: true }).filter((x) => !String(x).includes('e')), (x) => {
        expect(roundToMilli(x) || 0).toBe(byText(x));
      }),
      { numRuns: 20_000 },
    );
  });
  it('rounds the linear deductions JsonLogic gives (rates with three decimals × a per-point rate)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 10 }), (rate, max) => {
        const x = Math.max(0, max - (100 - rate / 1000) * 0.05);
        expect(roundToMilli(x)).toBe(byText(x));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('hasAtMostThreeDecimals (the one check of points and rates, for every package)', () => {
  it('any number of thousandths is one; its thousandths round-trip exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (k) => {
        const n = k / 1000;
        expect(hasAtMostThreeDecimals(n)).toBe(true);
        expect(toMilli(n)).toBe(k);
        expect(fromMilli(toMilli(n))).toBe(n);
      }),
      { numRuns: 5000 },
    );
  });
  it('a fourth decimal is not, wherever it falls', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 9 }), (k, d) => {
        expect(hasAtMostThreeDecimals(k / 1000 + d / 10_000)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
  it('tolerates the float error of a computed value (0.1 + 0.2), refuses what is not a finite number', () => {
    expect(hasAtMostThreeDecimals(0.1 + 0.2)).toBe(true);
    expect(hasAtMostThreeDecimals(95.5 * 1.0)).toBe(true);
    expect(hasAtMostThreeDecimals(1.0005)).toBe(false);
    // Above a million, × 1000 errs by more than a millionth: these were refused.
    expect(hasAtMostThreeDecimals(16777223.494)).toBe(true);
    expect(hasAtMostThreeDecimals(-123456789.123)).toBe(true);
    for (const x of [NaN, Infinity, -Infinity]) expect(hasAtMostThreeDecimals(x)).toBe(false);
  });
});
