/**
 * Same input, same bytes, for every .xlsx and .docx the reports write: written once, then again
 * with the clock hours later the same day, the bytes are identical (the zip entries' times
 * and the document properties are the document's date, never the time of writing). And every
 * workbook, with hostile text in every text field, holds no cell a spreadsheet would read as a
 * formula.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import JSZip from 'jszip';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ruleset } from '@safecity/engine';
import { cityReportDocx, feedbackDocx, feedbackRows, feedbackWorkbook, markdownDocx, readLedger, selfEvaluationWorkbook, stampZipEntries } from '../src/index.js';
import { city, district, districtLarger, districtRs, engine, feedbackCard, unit } from './helpers.js';
import { ALL_HOSTILE, hostileText, prefixTexts } from './hostile.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The bytes `write` gives at 10:15:01 and at 21:40:08 of the same day (local time, so `today` is one day). */
async function twice(write: () => Promise<Uint8Array>): Promise<[Uint8Array, Uint8Array]> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(2024, 5, 1, 10, 15, 1));
  const first = await write();
  vi.setSystemTime(new Date(2024, 5, 1, 21, 40, 8));
  const second = await write();
  vi.useRealTimers();
  return [first, second];
}

const card = feedbackCard();
const { cards } = city();

describe('same input, same bytes', () => {
  const kinds: Record<string, () => Promise<Uint8Array>> = {
    'feedback workbook (问题整改台账)': () => feedbackWorkbook(card, { ruleset: districtLarger, date: '2023-03-31' }),
    'feedback workbook dated today (no date given)': () => feedbackWorkbook(card, { ruleset: districtLarger }),
    'self-evaluation workbook dated today': () => selfEvaluationWorkbook(districtRs, unit('yanta')),
    'feedback Word document dated today': () => feedbackDocx(card, { ruleset: districtLarger }),
    'feedback Word document': () => feedbackDocx(card, { ruleset: districtLarger, date: '2023-03-31' }),
    'self-evaluation workbook (自评表)': () => selfEvaluationWorkbook(districtRs, unit('yanta'), { date: '2023-03-20' }),
    'city report Word document': () => cityReportDocx(cards.slice(0, 3), { city: '西安市', date: '2023-04-28', rulesets: [district] }),
    'Markdown as a Word document': () => markdownDocx('# 标题\n\n正文。\n', { date: '2023-04-28' }),
  };
  for (const [name, write] of Object.entries(kinds)) {
    it(`${name}: identical bytes hours later`, async () => {
      const [a, b] = await twice(write);
      expect(a.length).toBeGreaterThan(1000);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }, 120_000);
  }

  it('the zip entries carry the document’s date, at midnight', async () => {
    const zip = await JSZip.loadAsync(await feedbackWorkbook(card, { ruleset: districtLarger, date: '2023-03-31' }));
    const dates = new Set(Object.values(zip.files).map((f) => f.date.getTime()));
    expect(dates.size).toBe(1);
    // JSZip reads a DOS time as local time
    expect(zip.files['[Content_Types].xml']!.date.getFullYear()).toBe(2023);
    expect(zip.files['[Content_Types].xml']!.date.getMonth()).toBe(2);
    expect(zip.files['[Content_Types].xml']!.date.getDate()).toBe(31);
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2023-03-31T00:00:00Z</dcterms:created>');
    expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2023-03-31T00:00:00Z</dcterms:modified>');
  });

  it('stampZipEntries leaves bytes that are no zip as they are, and never reads past the end (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const copy = bytes.slice();
        expect(() => stampZipEntries(copy, '2023-03-31')).not.toThrow();
      }),
    );
    const garbage = new Uint8Array([1, 2, 3]);
    expect(stampZipEntries(garbage, '2023-03-31')).toEqual(new Uint8Array([1, 2, 3]));
  });
});

/** Every text cell of a workbook that starts with a character a spreadsheet reads as a formula, and every formula cell. */
async function formulaCells(bytes: Uint8Array): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  const found: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value;
        if (cell.type === ExcelJS.ValueType.Formula) found.push(`${ws.name}!${cell.address}: formula`);
        const text = typeof v === 'string' ? v : v !== null && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : undefined;
        if (text !== undefined && /^[=+\-@\t\r]/.test(text)) found.push(`${ws.name}!${cell.address}: ${JSON.stringify(text.slice(0, 20))}`);
      }),
    );
  return found;
}

describe('workbooks with hostile text hold no formula', () => {
  const leads = fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '=HYPERLINK("http://evil.example","点此")', '=cmd|\' /C calc\'!A0', '+1+1');
  const hostile = fc.tuple(leads, hostileText).map(([lead, t]) => lead + t);

  it('the feedback workbook: every text cell, in every sheet (the hidden one too), quoted (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (t) => {
        const c = prefixTexts(card, t);
        const rs = prefixTexts(districtLarger as unknown as Ruleset, t);
        const bytes = await feedbackWorkbook(c, { ruleset: rs, date: '2023-03-31' });
        expect(await formulaCells(bytes)).toEqual([]);
        // and reads back as written
        const ledger = await readLedger(bytes, 'yanta.xlsx');
        expect(ledger.rows.map((r) => r.itemId)).toEqual(feedbackRows(c, { ruleset: rs, date: '2023-03-31' }).map((r) => r.itemId));
      }),
      { numRuns: 5 },
    );
  }, 300_000);

  it('the self-evaluation workbook with every hostile fragment in the unit’s name and the rubric’s titles', async () => {
    const rs = engine.compile(prefixTexts(district, `=${ALL_HOSTILE}`, new Set(['title', 'standard'])));
    const bytes = await selfEvaluationWorkbook(rs, { id: 'yanta', name: `=${ALL_HOSTILE}雁塔区`, kind: 'district' }, { date: '2023-03-20' });
    expect(await formulaCells(bytes)).toEqual([]);
  }, 120_000);
});
