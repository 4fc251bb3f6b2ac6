/**
 * Work a caller does once and hands to several writers gives the same documents as the writers
 * doing it themselves: a card's feedback rows (options.rows), a city report's Markdown
 * (cityReportMarkdownDocx).
 */
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { cityReport, cityReportDocx, cityReportMarkdownDocx, feedbackDocx, feedbackMarkdown, feedbackRows, feedbackWorkbook } from '../src/index.js';
import { city, districtLarger, feedbackCard, units } from './helpers.js';

/** The files of a zip by name (docProps/core.xml of a workbook has the time it was written). */
async function parts(bytes: Uint8Array): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(bytes);
  const out: Record<string, string> = {};
  for (const [name, f] of Object.entries(zip.files)) if (!f.dir && name !== 'docProps/core.xml') out[name] = await f.async('string');
  return out;
}

describe('feedback rows worked out once', () => {
  const card = feedbackCard();
  const options = { ruleset: districtLarger, units, date: '2023-03-31' };
  const rows = feedbackRows(card, options);

  it('the same Markdown, workbook and Word document with options.rows', async () => {
    expect(rows.length).toBe(6); // the five findings' deductions and one from a rule
    expect(feedbackMarkdown(card, { ...options, rows })).toBe(feedbackMarkdown(card, options));
    expect(await parts(await feedbackWorkbook(card, { ...options, rows }))).toEqual(await parts(await feedbackWorkbook(card, options)));
    const word = await parts(await feedbackDocx(card, { ...options, rows, issuer: '西安市安全生产委员会办公室' }));
    expect(word).toEqual(await parts(await feedbackDocx(card, { ...options, issuer: '西安市安全生产委员会办公室' })));
    expect(word['word/document.xml']).toContain('现场抽查台账缺少签字');
  });

  it('the rows given are the rows written (an empty list writes 无扣分项)', () => {
    const md = feedbackMarkdown(card, { ...options, rows: [] });
    expect(md).not.toContain('现场抽查台账缺少签字');
    expect(md).toContain('无扣分项');
  });
});

describe('cityReportMarkdownDocx', () => {
  it('is cityReportDocx from the Markdown cityReport already built', async () => {
    const { cards, before, selfScores } = city();
    const options = { city: '西安市', date: '2023-04-28', before, selfScores, rulesets: [districtLarger], radarUnits: 6 };
    const { markdown } = cityReport(cards, options);
    const once = await cityReportMarkdownDocx(markdown, options);
    expect(Buffer.from(once)).toEqual(Buffer.from(await cityReportDocx(cards, options)));
    expect((await parts(once))['word/document.xml']).toContain('西安市安全生产委员会办公室');
  });
});
