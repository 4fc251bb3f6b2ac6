// The ledger as an office prints it: LibreOffice → PDF → text. Every row's 问题描述 is on paper,
// and no printed line is drawn over another (rows tall enough for their wrapped CJK text).
import { describe, expect, it } from 'vitest';
import { feedbackRows, feedbackWorkbook } from '../src/index.js';
import { districtLarger, feedbackCard } from './helpers.js';
import { canPrint, overlappingLines, pdfLines, pdfPages, printToPdf, PRINT_MISSING } from './office.js';

if (!canPrint) console.warn(PRINT_MISSING);

describe.runIf(canPrint)('the ledger printed from LibreOffice', () => {
  // Long wrapped CJK text, as on-site findings are written: where Excel's 13.5-point line was too short.
  const card = feedbackCard();
  const long = '现场检查发现该单位安全生产责任制落实不到位，隐患排查治理台账记录不完整，部分重大事故隐患未按期整改销号，';
  const walk = (nodes: typeof card.nodes): void => {
    for (const n of nodes) {
      for (const d of n.deductions ?? []) {
        d.reason = `${d.reason}：${long.repeat(3)}`;
        d.suggestion = `${long.repeat(2)}请限期整改`;
      }
      if (n.children) walk(n.children);
    }
  };
  walk(card.nodes);
  const options = { ruleset: districtLarger, date: '2023-03-31' };

  it('prints every row, landscape, with no line over another', async () => {
    const pdf = printToPdf(await feedbackWorkbook(card, options), 'yanta.xlsx');
    const lines = pdfLines(pdf);
    const text = pdfPages(pdf).join('\n').replace(/\s+/g, '');
    for (const r of feedbackRows(card, options)) expect(text).toContain(r.reason.replace(/\s+/g, '').slice(0, 12));
    expect(text).toContain('由单位填写');
    expect(text).toContain('由市安委办填写');
    expect(overlappingLines(lines)).toEqual([]);
  }, 180_000);
});
