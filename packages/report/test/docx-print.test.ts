/**
 * The Word documents printed as an office prints them: LibreOffice converts them to PDF, poppler
 * reads the text back. The title, headings, every row's reason, the `— n —` page numbers and the
 * date line must be on paper, and no line may be drawn over another. The PDFs are kept in
 * test/output/ to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cityReport, cityReportDocx, feedbackDocx, feedbackRows } from '../src/index.js';
import { canPrint, overlappingLines, pdfLines, pdfPages, printToPdf, PRINT_MISSING, type PdfLine } from './office.js';
import { city, district, districtLarger, feedbackCard, generatedCard, units } from './helpers.js';

if (!canPrint && !process.env['CI']) console.log(PRINT_MISSING); // never a silent pass

if (!canPrint && process.env['CI']) {
  describe('LibreOffice and poppler (CI)', () => {
    it('are installed', () => {
      throw new Error(`${PRINT_MISSING}. CI installs them (.ci/run); the Word documents cannot be checked on paper without them.`);
    });
  });
}

const here = dirname(fileURLToPath(import.meta.url));
const keep = (name: string, pdf: Uint8Array) => {
  mkdirSync(join(here, 'output'), { recursive: true });
  writeFileSync(join(here, 'output', name), pdf);
};

/** Text without the spaces and line ends the layout adds. */
const squeeze = (s: string) => s.replace(/\s+/g, '');

/**
 * Whether `text` is printed: its first characters together, and all of it in order (a wrapped
 * table cell is printed line by line between its neighbours' lines).
 */
function printed(all: string, text: string): boolean {
  const t = squeeze(text);
  if (!all.includes(t.slice(0, 6))) return false;
  let at = 0;
  for (const ch of t) {
    at = all.indexOf(ch, at);
    if (at < 0) return false;
    at += ch.length;
  }
  return true;
}

/** The page numbers printed at the foot of the pages, in page order. */
const pageNumbers = (lines: readonly PdfLine[]): string[] => lines.filter((l) => /^—\d+—$/.test(l.text)).map((l) => `${l.page}:${l.text}`);

describe.skipIf(!canPrint)('the Word documents printed through LibreOffice', () => {
  it('prints the feedback lists: title, headings, every row, page numbers, 落款 and date, nothing overlapping', () => {
    const card = generatedCard('lintong', 0.3, 5, [
      { item: '2.4.2', source: 'onsite', type: 'deduction', points: 0.5, reason: '现场抽查台账缺少签字页|2处\n另见照片' },
    ]);
    const options = { ruleset: district, units, date: '2023-03-31', issuer: '西安市安全生产委员会办公室' };
    return feedbackDocx(card, options).then((bytes) => {
      const pdf = printToPdf(bytes, 'lintong.docx');
      keep('feedback-lintong.pdf', pdf);
      const pages = pdfPages(pdf);
      const all = squeeze(pages.join(''));
      const rows = feedbackRows(card, options);
      expect(rows.length).toBeGreaterThan(20);
      // landscape pages, a handful of rows each
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(rows.length / 8));
      expect(pages.length).toBeLessThanOrEqual(rows.length);
      expect(all).toContain('临潼区反馈清单');
      expect(all).toContain('一、意见反馈清单（数据核查）');
      expect(all).toContain('二、问题反馈清单（现场检查）');
      expect(all).toContain(squeeze('评价细则：《西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）》'));
      for (const r of rows) expect(printed(all, r.reason), r.reason).toBe(true);
      const lines = pdfLines(pdf);
      expect(pageNumbers(lines)).toEqual(pages.map((_, i) => `${i + 1}:—${i + 1}—`));
      const last = lines.filter((l) => l.page === pages.length).map((l) => l.text);
      expect(last).toEqual(expect.arrayContaining(['西安市安全生产委员会办公室', '2023年3月31日']));
      // the header row is repeated on every page with rows
      const headed = new Set(lines.filter((l) => l.text.startsWith('序号')).map((l) => l.page));
      expect(headed.size).toBeGreaterThanOrEqual(pages.length - 1);
      expect(overlappingLines(lines)).toEqual([]);
    });
  }, 180_000);

  it('prints the hand-checked card\'s two short lists on few pages', async () => {
    const card = feedbackCard();
    const pdf = printToPdf(await feedbackDocx(card, { ruleset: districtLarger, date: '2023-03-31', issuer: '西安市安全生产委员会办公室' }), 'yanta.docx');
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(4);
    const all = squeeze(pages.join(''));
    for (const r of feedbackRows(card, { ruleset: districtLarger })) expect(printed(all, r.reason), r.reason).toBe(true);
    expect(all).toContain('合计：3项，扣1.3分。');
    expect(overlappingLines(pdfLines(pdf))).toEqual([]);
  }, 180_000);

  it('prints the city report: title, every section, tables in landscape, page numbers, the date line', async () => {
    const { cards, before, selfScores } = city();
    const options = { city: '西安市', date: '2023-04-28', before, selfScores, rulesets: [district], radarUnits: 6 };
    const pdf = printToPdf(await cityReportDocx(cards, options), 'report.docx');
    keep('city-report.pdf', pdf);
    const pages = pdfPages(pdf);
    const all = squeeze(pages.join(''));
    const { markdown } = cityReport(cards, options);
    expect(all).toContain(squeeze(/^# (.*)$/m.exec(markdown)![1]!));
    for (const m of markdown.matchAll(/^##+ (.*)$/gm)) expect(all).toContain(squeeze(m[1]!.replace(/\\/g, '')));
    for (const c of cards) expect(all).toContain(squeeze(c.unit.name));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.length).toBeLessThanOrEqual(30);
    const lines = pdfLines(pdf);
    expect(pageNumbers(lines)).toEqual(pages.map((_, i) => `${i + 1}:—${i + 1}—`));
    expect(lines.map((l) => l.text)).toEqual(expect.arrayContaining(['西安市安全生产委员会办公室', '2023年4月28日']));
    expect(overlappingLines(lines)).toEqual([]);
  }, 180_000);
});
