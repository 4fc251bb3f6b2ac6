// The ledger as an office prints it: LibreOffice → PDF → text. Every row's 问题描述 and 整改建议
// is on paper to its last word (LibreOffice clips a cell's text in a row too short for it rather
// than overlapping it), and no printed line is drawn over another (rows tall enough for their
// wrapped CJK text). Under CI the tools must be there: a missing LibreOffice fails, not skips.
import { beforeAll, describe, expect, it } from 'vitest';
import { feedbackRows, feedbackWorkbook, type FeedbackRow } from '../src/index.js';
import { districtLarger, feedbackCard } from './helpers.js';
import { canPrint, overlappingLines, pdfLines, pdfPages, printToPdf, PRINT_MISSING, type PdfLine } from './office.js';

const ci = Boolean(process.env['CI']) && process.env['CI'] !== 'false';
if (!canPrint && !ci) console.warn(PRINT_MISSING);

describe.runIf(canPrint || ci)('the ledger printed from LibreOffice', () => {
  // Long wrapped CJK text, as on-site findings are written: where Excel's 13.5-point line was too short.
  // Each text ends in its own ASCII mark (no break opportunity inside it): the mark is on paper
  // only when the cell's last line is, wherever LibreOffice wraps the CJK before it.
  const card = feedbackCard();
  const long = '现场检查发现该单位安全生产责任制落实不到位，隐患排查治理台账记录不完整，部分重大事故隐患未按期整改销号，';
  let n = 0;
  const walk = (nodes: typeof card.nodes): void => {
    for (const node of nodes) {
      for (const d of node.deductions ?? []) {
        n++;
        d.reason = `${d.reason}：${long.repeat(3)}核查编号 ENDR${n}Q`;
        d.suggestion = `${long.repeat(2)}请限期整改 ENDS${n}Q`;
      }
      if (node.children) walk(node.children);
    }
  };
  walk(card.nodes);
  const options = { ruleset: districtLarger, date: '2023-03-31' };
  let rows: FeedbackRow[];
  let lines: PdfLine[];
  let pages: string[];

  beforeAll(async () => {
    if (!canPrint) throw new Error(`${PRINT_MISSING}. CI installs them (.ci/run); the printed ledger cannot be checked without them.`);
    rows = feedbackRows(card, options);
    const pdf = printToPdf(await feedbackWorkbook(card, options), 'yanta.xlsx');
    lines = pdfLines(pdf);
    pages = pdfPages(pdf);
  }, 180_000);

  it('has long rows to print (the fixture is what it claims)', () => {
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) expect([...r.reason].length).toBeGreaterThan(150);
  });

  it('prints every row’s 问题描述 and 整改建议 to its end (no text clipped by a short row)', () => {
    const text = lines.map((l) => l.text).join('');
    const missing: string[] = [];
    for (const r of rows) {
      const end = /END[RS]\d+Q/g;
      for (const mark of [...r.reason.matchAll(end), ...r.suggestion.matchAll(end)].map((m) => m[0])) if (!text.includes(mark)) missing.push(`${r.list} ${r.no}: ${mark}`);
      expect(text).toContain(r.reason.replace(/\s+/g, '').slice(0, 10));
    }
    expect(missing).toEqual([]);
  });

  it('draws no printed line over another', () => {
    expect(overlappingLines(lines)).toEqual([]);
  });

  it('prints landscape, with the band and the header on every page', () => {
    // A4 landscape is 842 points wide: text beyond portrait's 595 means the page is landscape.
    expect(Math.max(...lines.map((l) => l.xMax))).toBeGreaterThan(600);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const p of pages) {
      const t = p.replace(/\s+/g, '');
      expect(t).toContain('问题描述');
      expect(t).toContain('由单位填写');
      expect(t).toContain('由市安委办填写');
    }
  });
});
