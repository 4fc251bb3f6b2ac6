// exceljs loads with the first workbook, not with the package: the Markdown (and HTML) outputs
// work without it. Here it throws when loaded, so anything that loads it early fails.
import { describe, expect, it, vi } from 'vitest';
import { municipalCard, MUNICIPAL } from './cards.js';

vi.mock('exceljs', () => {
  throw new Error('exceljs was loaded');
});
// The build the report loads (its Node entry runs `new Function` as it loads).
vi.mock('exceljs/dist/exceljs.bare.min.js', () => {
  throw new Error('exceljs was loaded');
});

describe('loading the package', () => {
  it('writes a feedback list in Markdown without loading exceljs, and loads it for a workbook', async () => {
    const { feedbackMarkdown, feedbackWorkbook } = await import('../src/index.js');
    const card = municipalCard('shuiwuju', '市水务局', [8, 10], { max: 20, earned: 20 });
    const md = feedbackMarkdown(card, { ruleset: MUNICIPAL, date: '2023-03-31' });
    expect(md).toContain('市水务局');
    expect(md).toContain('未定期研究部署');
    const error = await feedbackWorkbook(card, { ruleset: MUNICIPAL, date: '2023-03-31' }).then(() => undefined, (e: unknown) => e);
    // (vitest wraps the mock's error: its cause is ours)
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).cause)).toBe('Error: exceljs was loaded');
  });
});
