/**
 * The reader's cells are exceljs's cells: for workbooks of generated content (text, rich text,
 * numbers, percent and date formats, booleans, errors, formulas with cached results, links,
 * merged ranges), every cell the reader sees has the value, text, formula and merge exceljs 4.4
 * gave it when the reader was built on exceljs.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { readXlsx } from '../src/xlsx.js';

type Spec = { value: ExcelJS.CellValue; numFmt?: string };

const text = fc.string({ minLength: 0, maxLength: 8, unit: fc.constantFrom('a', 'Z', '是', '否', ' ', '&', '<', '"', '\u3000', '9', '_', 'x', '%', '\n') });
const nonEmpty = text.filter((s) => s.trim() !== '');
const cell: fc.Arbitrary<Spec> = fc.oneof(
  text.map((s) => ({ value: s })),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((n) => ({ value: n })),
  fc.integer({ min: 0, max: 100 }).map((n) => ({ value: n / 100, numFmt: '0%' })),
  fc
    .tuple(fc.integer({ min: 1, max: 60_000 }), fc.constantFrom('yyyy-mm-dd', 'mm-dd-yy', 'yyyy"年"m"月"d"日"', 'yyyy/m/d'))
    .map(([d, numFmt]) => ({ value: new Date(Date.UTC(1900, 0, 1) + d * 864e5), numFmt })),
  fc.boolean().map((b) => ({ value: b })),
  fc.constantFrom('#N/A', '#DIV/0!', '#VALUE!').map((e) => ({ value: { error: e } as ExcelJS.CellErrorValue })),
  fc.array(nonEmpty, { minLength: 1, maxLength: 3 }).map((runs) => ({ value: { richText: runs.map((t, i) => ({ text: t, font: { bold: i % 2 === 0 } })) } })),
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom<string | undefined>(undefined, '0.00', '0%')).map(([n, numFmt]) => ({ value: { formula: `${n}+0`, result: n } as ExcelJS.CellFormulaValue, ...(numFmt ? { numFmt } : {}) })),
  nonEmpty.map((s) => ({ value: { formula: 'T("x")', result: s } as ExcelJS.CellFormulaValue })),
  nonEmpty.map((s) => ({ value: { text: s, hyperlink: 'https://example.org/' + encodeURIComponent(s) } as ExcelJS.CellHyperlinkValue })),
  fc.constant({ value: null, numFmt: '0.00' }),
);

const grid = fc.record({
  // One value per cell: a text formula result under a date format is one of the reader's deliberate differences.
  cells: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), cell), { maxLength: 30, selector: ([r, c]) => `${r}:${c}` }),
  merges: fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { maxLength: 3 }),
});

/** A cell as the reader uses it: value (JSON, dates as ISO), text, formula, merge. */
function view(c: { value: unknown; text: unknown; formula?: unknown; isMerged: boolean; master: { address: string } }) {
  const v = c.value as { richText?: Array<{ text?: string }> } | null;
  // The reader uses a rich text's runs' text only (exceljs also keeps their fonts).
  const value = v instanceof Date ? `date:${v.toISOString()}` : v !== null && typeof v === 'object' && Array.isArray(v.richText) ? { richText: v.richText.map((r) => r.text) } : v;
  let text: string;
  try {
    text = String(c.text);
  } catch {
    text = ''; // exceljs throws for a merged cell whose master is empty; the reader reads ''
  }
  return JSON.stringify({ value, text, formula: c.formula, merged: c.isMerged, master: c.master.address });
}

describe('readXlsx reads cells as exceljs does', () => {
  test('generated sheets: the same rows, and in each the same cells, values, texts, formulas and merges', async () => {
    await fc.assert(
      fc.asyncProperty(grid, async ({ cells, merges }) => {
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('评分项');
        wb.addWorksheet('other');
        for (const [r, c, spec] of cells) {
          const x = ws.getCell(r, c);
          x.value = spec.value;
          if (spec.numFmt !== undefined) x.numFmt = spec.numFmt;
        }
        const taken: Array<[number, number, number, number]> = [];
        for (const [r, c, dr, dc] of merges) {
          const box: [number, number, number, number] = [r, c, r + dr, c + dc];
          if (dr + dc === 0 || taken.some(([a, b, e, f]) => a <= box[2] && box[0] <= e && b <= box[3] && box[1] <= f)) continue;
          taken.push(box);
          ws.mergeCells(...box);
        }
        const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
        const theirs = new ExcelJS.Workbook();
        await theirs.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
        const ours = readXlsx(new Map(Object.entries(unzipSync(bytes))));
        expect(ours.worksheets.map((s) => s.name)).toEqual(theirs.worksheets.map((s) => s.name));
        const a = theirs.getWorksheet('评分项')!;
        const b = ours.getWorksheet('评分项')!;
        const rowsA: number[] = [];
        const rowsB: number[] = [];
        a.eachRow({ includeEmpty: false }, (_row, r) => rowsA.push(r));
        b.eachRow({ includeEmpty: false }, (_row, r) => rowsB.push(r));
        expect(rowsB).toEqual(rowsA);
        for (const r of rowsA) {
          const ca: string[] = [];
          const cb: string[] = [];
          a.getRow(r).eachCell({ includeEmpty: false }, (c, col) => ca.push(`${col}:${view(c as never)}:${c.numFmt ?? ''}`));
          b.getRow(r).eachCell({ includeEmpty: false }, (c, col) => cb.push(`${col}:${view(c)}:${c.numFmt ?? ''}`));
          expect(cb).toEqual(ca);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
