// Calendar dates (YYYY-MM-DD): the engine's one check of a real day, used by every package.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate, parseIsoDate, rectificationDue } from '../src/index.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** Days in a month by the Date built-in: the Gregorian calendar repeats every 400 years, so year 2000 + y mod 400 stands for y. */
const daysIn = (y: number, m: number) => new Date(Date.UTC(2000 + (y % 400), m, 0)).getUTCDate();

describe('isIsoDate', () => {
  it('real days only', () => {
    const yes = ['2023-03-31', '2024-02-29', '2000-02-29', '1999-12-31', '2023-01-01', '0001-01-01', '9999-12-31', '2023-04-30'];
    const no = ['2023-02-29', '1900-02-29', '2100-02-29', '2023-02-30', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00', '2023-01-32'];
    for (const s of yes) expect(isIsoDate(s), s).toBe(true);
    for (const s of no) expect(isIsoDate(s), s).toBe(false);
  });

  it('the written form only: no other separators, widths, times, blanks or types', () => {
    const no: unknown[] = ['2023-1-1', '2023/01/01', '2023.01.01', '2023年1月1日', '23-01-01', '+02023-01-01', '2023-01-01T00:00:00Z', ' 2023-01-01', '2023-01-01 ', '2023-01-01\n', '２０２３-01-01', '', '2023-01', 20230101, null, undefined, new Date(0), { toString: () => '2023-01-01' }, ['2023-01-01']];
    for (const v of no) expect(isIsoDate(v), String(v)).toBe(false);
    expect(parseIsoDate('x'.repeat(1_000_000))).toBeUndefined();
  });

  it('any year, month and day: a date exactly when the month has that day (leap years of the Gregorian calendar)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
        const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        const real = m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
        expect(isIsoDate(s)).toBe(real);
        const p = parseIsoDate(s);
        if (!real) {
          expect(p).toBeUndefined();
          return;
        }
        expect(p).toMatchObject({ year: y, month: m, day: d });
        // Its time is midnight UTC of that day, and writes back as the same text.
        expect(p?.time).toBe(Date.parse(`${s}T00:00:00Z`));
        expect(new Date(p?.time as number).toISOString().slice(0, 10)).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });

  it('every day of a leap cycle boundary: 29 February only in leap years', () => {
    for (const y of [1600, 1700, 1800, 1900, 2000, 2023, 2024, 2100, 2400]) {
      const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
      expect(isIsoDate(`${y}-02-29`), String(y)).toBe(leap);
    }
  });
});

describe('rectificationDue counts from a real day', () => {
  it('is the issued day plus the days, across months and leap days', () => {
    expect(rectificationDue({ type: 'deadline', days: 30 }, '2023-03-31')).toBe('2023-04-30');
    expect(rectificationDue({ type: 'deadline', days: 1 }, '2024-02-28')).toBe('2024-02-29');
    expect(rectificationDue({ type: 'immediate' }, '2023-12-28')).toBe('2024-01-04');
    expect(rectificationDue({ type: 'ongoing' }, '2023-03-31')).toBeUndefined();
  });
  it('has no due date for a day that does not exist (2023-02-30 was read as 2 March)', () => {
    expect(rectificationDue({ type: 'deadline', days: 7 }, '2023-02-30')).toBeUndefined();
    expect(rectificationDue({ type: 'deadline', days: 7 }, '2023-3-1')).toBeUndefined();
  });
  it('reads years before 100 as written (Date.UTC took 0023 for 1923)', () => {
    expect(rectificationDue({ type: 'deadline', days: 7 }, '0023-03-01')).toBe('0023-03-08');
  });
  it('gives no due date past 9999-12-31 instead of throwing (a ruleset may declare any number of days)', () => {
    for (const days of [3_000_000, 1e9, 1e12, Number.MAX_SAFE_INTEGER]) expect(rectificationDue({ type: 'deadline', days }, '2023-03-31')).toBeUndefined();
    expect(rectificationDue({ type: 'deadline', days: 1 }, '9999-12-31')).toBeUndefined();
  });
});
