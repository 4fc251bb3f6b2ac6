// Dates in documents: a `YYYY-MM-DD` is written as officials write it, or stamped into a zip,
// only when it names a real day (the engine's isIsoDate decides, for every package).
import fc from 'fast-check';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { fmtDate } from '../src/util.js';
import { stampZip } from '../src/docx-layout.js';
import { parseLedgerDate } from '../src/ledger.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** Days in a month by the Date built-in (the Gregorian calendar repeats every 400 years). */
const daysIn = (y: number, m: number) => new Date(Date.UTC(2000 + (y % 400), m, 0)).getUTCDate();
/** A `YYYY-MM-DD` text of any year, month 0–13 and day 0–32, and whether it is a real day. */
const written = fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => ({
  y,
  m,
  d,
  text: `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`,
  real: m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m),
}));

describe('fmtDate', () => {
  it('a real day as 2023年3月31日; anything else as it was given (2023-02-30 is no day to print)', () => {
    expect(fmtDate('2023-03-31')).toBe('2023年3月31日');
    expect(fmtDate('2024-02-29')).toBe('2024年2月29日');
    expect(fmtDate('2023-02-30')).toBe('2023-02-30');
    expect(fmtDate('2023-13-01')).toBe('2023-13-01');
    expect(fmtDate('2023年4月')).toBe('2023年4月');
    fc.assert(
      fc.property(written, ({ y, m, d, text, real }) => {
        expect(fmtDate(text)).toBe(real ? `${y}年${m}月${d}日` : text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stampZip', () => {
  /** The DOS date of the first local file header. */
  const dosDate = (zip: Uint8Array) => new DataView(zip.buffer, zip.byteOffset, zip.byteLength).getUint16(12, true);
  const dos = (y: number, m: number, d: number) => ((y - 1980) << 9) | (m << 5) | d;

  it('stamps a real day of 1980–2107, else 1 January 2000 (never a month 13 or a day 45 in the bits)', async () => {
    const zip = await new JSZip().file('a.xml', '<a/>').generateAsync({ type: 'uint8array', compression: 'STORE' });
    await fc.assert(
      fc.asyncProperty(written, async ({ y, m, d, text, real }) => {
        const stamped = stampZip(zip.slice(), text);
        expect(dosDate(stamped)).toBe(real && y >= 1980 && y <= 2107 ? dos(y, m, d) : dos(2000, 1, 1));
        // Still a zip that opens, with its file.
        expect(await (await JSZip.loadAsync(stamped)).file('a.xml')?.async('string')).toBe('<a/>');
      }),
      { numRuns: 200 },
    );
    expect(dosDate(stampZip(zip.slice(), '2023-13-45'))).toBe(dos(2000, 1, 1));
    expect(dosDate(stampZip(zip.slice(), '2023-03-31'))).toBe(dos(2023, 3, 31));
  });
});

describe('parseLedgerDate', () => {
  it('a date cell of any day as YYYY-MM-DD; a year past 9999 or an invalid date is no date', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(9999, 11, 31) }), (t) => {
        const day = new Date(t);
        expect(parseLedgerDate(day)).toBe(day.toISOString().slice(0, 10));
      }),
      { numRuns: 500 },
    );
    expect(parseLedgerDate(new Date(Date.UTC(10000, 0, 1)))).toBeUndefined();
    expect(parseLedgerDate(new Date(8.64e15))).toBeUndefined();
    expect(parseLedgerDate(new Date(NaN))).toBeUndefined();
  });
  it('text as clerks type it, only for days the month has', () => {
    fc.assert(
      fc.property(written, fc.constantFrom('-', '/', '.'), ({ y, m, d, text, real }, sep) => {
        expect(parseLedgerDate(`${y}${sep}${m}${sep}${d}`)).toBe(real ? text : undefined);
        expect(parseLedgerDate(`${y}年${m}月${d}日`)).toBe(real ? text : undefined);
      }),
      { numRuns: 1000 },
    );
  });
});
