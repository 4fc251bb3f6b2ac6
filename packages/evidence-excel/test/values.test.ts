import { describe, expect, test } from 'vitest';
import type { EvidenceField } from '@safecity/engine';
import { convert, type Raw } from '../src/values.js';
import { expectation } from '../src/plan.js';
import { extraRs, extraUnit, fill, load, metaRows, rowOf } from './helpers.js';
import { parseWorkbook } from '../src/index.js';
import { excelTemplate } from '../src/template.js';

const field = (type: EvidenceField['type'], extra: Partial<EvidenceField> = {}): EvidenceField => ({ name: 'f', type, title: { zh: 'f' }, ...extra });
const text = (t: string): Raw => ({ kind: 'text', text: t });
const num = (value: number, percent = false): Raw => ({ kind: 'number', value, percent });
const ok = (f: EvidenceField, raw: Raw) => {
  const c = convert(f, raw, expectation(f));
  if (c.status !== 'ok') throw new Error(`${JSON.stringify(raw)}: ${c.status}`);
  return c.value;
};
const status = (f: EvidenceField, raw: Raw) => convert(f, raw, expectation(f)).status;

describe('accepted human input', () => {
  test('是/否 and the usual spellings', () => {
    const b = field('boolean');
    for (const t of ['是', '√', 'Y', 'y', 'yes', 'TRUE', 'true', '有', ' 是 ', 'Ｙ']) expect(ok(b, text(t))).toBe(true);
    for (const t of ['否', '×', 'N', 'no', 'FALSE', '无']) expect(ok(b, text(t))).toBe(false);
    expect(ok(b, { kind: 'boolean', value: true })).toBe(true);
    expect(ok(b, num(0))).toBe(false);
    for (const t of ['有的', '是的吧', 'x', '2']) expect(status(b, text(t))).toBe('bad');
  });

  test('numbers typed as text, full-width digits, thousands separators, the field’s unit after the number', () => {
    const i = field('integer', { unit: '处' });
    expect(ok(i, text('12'))).toBe(12);
    expect(ok(i, text('１２'))).toBe(12);
    expect(ok(i, text('1,200'))).toBe(1200);
    expect(ok(i, text('12处'))).toBe(12);
    expect(ok(i, text('12 处'))).toBe(12);
    for (const t of ['约12', '12个', '1,20', '12.5', '-1', '十二']) expect(status(i, text(t))).toBe('bad');
    expect(ok(field('number'), text('3.5'))).toBe(3.5);
    expect(status(field('number', { maximum: 3 }), num(3.5))).toBe('bad');
  });

  test('rates: 90, "90%", "９０％", a percent-formatted cell holding 0.9; at most three decimals', () => {
    const r = field('rate');
    expect(ok(r, num(90))).toBe(90);
    expect(ok(r, text('90%'))).toBe(90);
    expect(ok(r, text('９０％'))).toBe(90);
    expect(ok(r, text('85.5 %'))).toBe(85.5);
    expect(ok(r, num(0.9, true))).toBe(90);
    expect(ok(r, num(0.853, true))).toBe(85.3);
    expect(ok(r, num(1, true))).toBe(100);
    expect(status(r, num(1.2, true))).toBe('bad'); // shows as 120%
    expect(status(r, num(100.5))).toBe('bad');
    expect(status(r, num(12.3456))).toBe('bad');
    const c = convert(r, num(0.9), expectation(r));
    expect(c).toMatchObject({ status: 'ok', value: 0.9, warning: expect.stringContaining('如指 90%') });
  });

  test('dates: date cells (UTC day), YYYY-MM-DD and common Chinese forms', () => {
    const d = field('date');
    expect(ok(d, { kind: 'date', value: new Date(Date.UTC(2023, 2, 15)) })).toBe('2023-03-15');
    expect(ok(d, text('2023-03-15'))).toBe('2023-03-15');
    expect(ok(d, text('2023/3/5'))).toBe('2023-03-05');
    expect(ok(d, text('2023年3月15日'))).toBe('2023-03-15');
    expect(ok(d, text('2023.03.15'))).toBe('2023-03-15');
    for (const t of ['2023-02-29', '15/03/2023', '2023-13-01', '去年']) expect(status(d, text(t))).toBe('bad');
    expect(status(d, num(45000))).toBe('bad');
  });

  test('enums and free document lists', () => {
    const e = field('enum', { values: ['国家级', '省级'] });
    expect(ok(e, text(' 省级 '))).toBe('省级');
    expect(status(e, text('市级'))).toBe('bad');
    const docs = field('documents');
    expect(ok(docs, text('应急预案；值班制度、 考核办法\n培训制度;'))).toEqual(['应急预案', '值班制度', '考核办法', '培训制度']);
    expect(ok(docs, text('无'))).toEqual([]);
    expect(status(docs, text(' ； '))).toBe('blank');
  });

  test('blank is blank, whatever whitespace', () => {
    for (const t of ['', '   ', '\u3000', '\n']) expect(status(field('integer'), text(t))).toBe('blank');
  });
});

test('in a workbook: a percent-formatted rate, a date cell, full-width digits', async () => {
  const t = await excelTemplate(extraRs, extraUnit);
  const rows = metaRows(await load(t));
  const bytes = await fill(t, (wb) => {
    const ws = wb.getWorksheet('评分项')!;
    const cov = ws.getCell(`G${rowOf(rows, 'coverage').row}`);
    cov.value = 0.955;
    cov.style = { ...cov.style, numFmt: '0.0%' };
    ws.getCell(`G${rowOf(rows, 'planIssued').row}`).value = new Date(Date.UTC(2023, 2, 15));
    ws.getCell(`G${rowOf(rows, 'drills').row}`).value = '１２次';
    wb.getWorksheet('基本情况')!.getCell(`G${rowOf(rows, 'flagged').row}`).value = '否';
  });
  const res = await parseWorkbook(bytes, { file: 'x.xlsx', ruleset: extraRs });
  expect(res.part.values).toEqual({ coverage: 95.5, planIssued: '2023-03-15', drills: 12, flagged: false });
  expect(res.part.sources['flagged']).toEqual([`x.xlsx!基本情况!G${rowOf(rows, 'flagged').row}`]);
});
