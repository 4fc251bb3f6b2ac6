// `--date` (feedback, report, ledger): a YYYY-MM-DD that names a real day, checked by the
// engine's one isIsoDate; anything else is wrong usage (exit 2), said in Chinese with the value.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '@safecity/engine';
import { run } from '../src/index.js';
import { checkDate, UsageError } from '../src/io.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(2000 + (y % 400), m, 0)).getUTCDate();

describe('checkDate', () => {
  it('any year, month 0–13 and day 0–32: accepted exactly when the month has that day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        if (m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)) expect(() => checkDate(date)).not.toThrow();
        else expect(() => checkDate(date, '复核日期')).toThrow(new UsageError(`--date 应为日期，写作 YYYY-MM-DD（复核日期），收到“${date}”`));
      }),
      { numRuns: 2000 },
    );
  });

  it('any other text is refused with the text, never an exception of another kind', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('2', '0', '3', '-', '/', '年', ' ', 'T', ':', 'Z', '\n', '\u0000') as fc.Arbitrary<string>, maxLength: 14 }), (date) => {
        try {
          checkDate(date);
          expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          expect((e as Error).message).toContain(`收到“${date}”`);
        }
      }),
      { numRuns: 2000 },
    );
    expect(() => checkDate(undefined)).not.toThrow();
    expect(() => checkDate('2024-02-29')).not.toThrow();
  });
});

describe('checkDate = the engine’s isIsoDate (io.ts may not load the engine at start, so it writes the check out)', () => {
  const accepts = (date: string) => {
    try {
      checkDate(date);
      return true;
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return false;
    }
  };
  it('the same answer for every year 0000–9999, month 00–99 and day 00–99', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
        const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        expect(accepts(date), date).toBe(isIsoDate(date));
      }),
      { numRuns: 5000 },
    );
    for (const date of ['0000-01-01', '0023-03-31', '0099-02-29', '0096-02-29', '1900-02-29', '2000-02-29', '9999-12-31']) expect(accepts(date), date).toBe(isIsoDate(date));
  });
  it('the same answer for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: fc.constantFrom('1', '2', '0', '9', '-') as fc.Arbitrary<string>, minLength: 10, maxLength: 10 })), (date) => {
        expect(accepts(date), date).toBe(isIsoDate(date));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('--date through the command', () => {
  it('a day the month does not have: exit 2, the value named, no stack trace, nothing written', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-dates-'));
    for (const date of ['2023-02-29', '2023-04-31', '2023-13-01', '2023-00-00']) {
      const r = await cli(['feedback', '--scores', 'scores', '--out', 'fb', '--date', date], cwd);
      expect(r.code, date).toBe(2);
      expect(r.err).toContain(`收到“${date}”`);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
      expect(existsSync(join(cwd, 'fb'))).toBe(false);
    }
  });
});
