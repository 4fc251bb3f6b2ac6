import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundToMilli } from '../src/points.js';

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
