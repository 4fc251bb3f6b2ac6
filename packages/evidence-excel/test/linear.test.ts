/**
 * Every pattern applied to cell text is linear (issue 14: "1" + 320,000 spaces + "x" took 78 s
 * in a workbook): each parser of cell text meets long adversarial strings, generated, and the
 * plain-code rewrites agree with the patterns they replace on short ones. No test asserts time;
 * vitest's timeout bounds a quadratic regression.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { EvidenceField } from '@safecity/engine';
import { convert, quoted, shown, trimSpace, type Raw } from '../src/values.js';
import { expectation } from '../src/plan.js';
import { isDateFmt, slideFormula } from '../src/xlsx.js';

const field = (type: EvidenceField['type'], extra: Partial<EvidenceField> = {}): EvidenceField => ({ name: 'f', type, title: { zh: 'f' }, ...extra });
const FIELDS: EvidenceField[] = [
  field('boolean'),
  field('integer', { unit: '处' }),
  field('number', { unit: '万元' }),
  field('rate'),
  field('date'),
  field('enum', { values: ['国家级', '省级', '市级'] }),
  field('documents'),
];

/** Pieces whose long runs made the old patterns backtrack: spaces of every kind, separators, digits, `%`, `,`. */
const piece = fc.constantFrom(' ', '\u3000', '\u00a0', '\t', '\n', '；', ';', '、', '%', ',', '1', '000', '-', '年', 'x', '.', 'e');
/** A long adversarial text: a short head, a long run of one piece, a short tail. */
const adversarial = fc.tuple(fc.stringMatching(/^[0-9x ]{0,3}$/), piece, fc.integer({ min: 10_000, max: 32_767 }), fc.stringMatching(/^[x%日 ]{0,2}$/)).map(([head, p, n, tail]) => head + p.repeat(Math.floor(n / p.length)) + tail);

describe('cell text parsers on long adversarial strings', () => {
  test('generated: every field type answers, and a message quotes at most 60 characters of the text', () => {
    fc.assert(
      fc.property(adversarial, (s) => {
        for (const f of FIELDS) {
          const c = convert(f, { kind: 'text', text: s }, expectation(f));
          expect(['ok', 'bad', 'blank']).toContain(c.status);
          // 60 characters, each at most 6 once JSON-quoted (\uXXXX), and the length.
          if (c.status === 'bad') expect(c.found.length).toBeLessThan(400);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  test('the instance of the issue: "1" + 320,000 spaces + "x" in each field type', () => {
    const s = '1' + ' '.repeat(320_000) + 'x';
    for (const f of FIELDS) expect(convert(f, { kind: 'text', text: s }, expectation(f)).status).toMatch(/bad|ok/);
  });

  test('shown() and quoted() cut long texts and error codes with their length', () => {
    const raw: Raw = { kind: 'text', text: '字'.repeat(10_000) };
    expect(shown(raw)).toBe(`${JSON.stringify('字'.repeat(60))}…（共 10000 字）`);
    expect(quoted('短')).toBe('"短"');
    expect(shown({ kind: 'error', code: '#'.repeat(1000) }).length).toBeLessThanOrEqual(41);
  });
});

describe('the plain-code rewrites agree with the patterns they replace', () => {
  const ws = fc.constantFrom(' ', '\u3000', '\u00a0', '\ufeff', '\t', '\n', '\u2003', '\u2028', 'a', '字', '1');
  test('trimSpace = /^\\s+|\\s+$/g (and String.prototype.trim)', () => {
    fc.assert(
      fc.property(fc.string({ unit: ws, maxLength: 30 }), (s) => {
        expect(trimSpace(s)).toBe(s.replace(/^[\s\u3000\u00a0\ufeff]+|[\s\u3000\u00a0\ufeff]+$/g, ''));
        expect(trimSpace(s)).toBe(s.trim());
      }),
      { numRuns: 500 },
    );
  });

  const oldIsDateFmt = (fmt: string) => /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
  test('isDateFmt = exceljs’s pattern, and linear on `[[[[…` and `"""…`', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('[', ']', '"', 'y', 'm', 'd', '0', '#', '.', 'h', 'H', ' ', '$'), maxLength: 20 }), (f) => {
        expect(isDateFmt(f)).toBe(oldIsDateFmt(f));
      }),
      { numRuns: 1000 },
    );
    expect(isDateFmt('['.repeat(200_000) + '0')).toBe(false);
    expect(isDateFmt('"'.repeat(200_001) + 'y')).toBe(true);
  });

  // exceljs's slideFormula, as the reader had it.
  const oldSlide = (formula: string, from: string, to: string): string => {
    const dec = (a: string) => {
      const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(a)!;
      let col = 0;
      for (const c of m[1]!) col = col * 26 + (c.charCodeAt(0) - 64);
      return { row: Number(m[2]), col };
    };
    const letter = (n: number) => {
      let s = '';
      for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
      return s;
    };
    const a = dec(from);
    const b = dec(to);
    return formula.replace(/(([a-z_\-0-9]*)!)?([a-z0-9_$]{2,})([(])?/gi, (ref: string, sheet: string | undefined, _s: string, addr: string, paren: string | undefined) => {
      if (paren) return ref;
      const m = /^([$])?([a-z]+)([$])?([1-9][0-9]*)$/i.exec(addr);
      if (m === null) return ref;
      const colStr = m[2]!.toUpperCase();
      if (colStr.length > 3 || (colStr.length === 3 && colStr > 'XFD')) return ref;
      let col = 0;
      for (const c of colStr) col = col * 26 + (c.charCodeAt(0) - 64);
      let row = parseInt(m[4]!, 10);
      if (!m[1]) col += b.col - a.col;
      if (!m[3]) row += b.row - a.row;
      return (sheet ?? '') + (m[1] ?? '') + letter(col) + (m[3] ?? '') + row;
    });
  };
  test('slideFormula = exceljs’s pattern on generated formulas, and linear on a-a-a-…', () => {
    const tok = fc.constantFrom('A1', 'B2', '$C$3', 'd4', 'Sheet1!', '!', 'SUM(', ')', '+', '-', '_', '$', 'x', 'XFD1', 'XFE2', 'AB12', '0', ',', ' ', 'a-b', '(');
    const addr = fc.tuple(fc.constantFrom('A', 'C', 'H', 'Z', 'AA'), fc.integer({ min: 1, max: 50 })).map(([c, r]) => c + r);
    fc.assert(
      fc.property(fc.array(tok, { maxLength: 12 }), addr, addr, (parts, from, to) => {
        const f = parts.join('');
        expect(slideFormula(f, from, to)).toBe(oldSlide(f, from, to));
      }),
      { numRuns: 2000 },
    );
    const long = 'a-'.repeat(50_000) + 'A1';
    expect(slideFormula(long, 'A1', 'B2')).toBe('a-'.repeat(50_000) + 'B2');
  });
});
