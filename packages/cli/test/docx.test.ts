// The Word documents from the command: `safecity feedback` writes <unit>.docx beside .md and
// .xlsx; `safecity report --out X.docx` writes the report (and the comparison) in 公文 form.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

/** The paragraphs' text of a .docx's body. */
async function docxText(file: string): Promise<string[]> {
  const xml = await (await JSZip.loadAsync(readFileSync(file))).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:p(?:\s[^>]*)?>[\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('')).filter((t) => t !== '');
}

describe('Word documents from the command', () => {
  it('feedback writes <unit>.docx; report --out X.docx writes the report and the comparison', { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-cli-docx-'));
    for (const unit of ['yanta', 'beilin']) {
      await cli(['template', '--ruleset', 'xian-2022/district', '--unit', unit, '--out', `${unit}.json`], cwd);
      const tpl = JSON.parse(readFileSync(join(cwd, `${unit}.json`), 'utf8'));
      tpl.items['3.1.1.1'].planFindings = unit === 'yanta' ? 1 : 3;
      writeFileSync(join(cwd, `${unit}.json`), JSON.stringify(tpl));
    }
    expect((await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', 'beilin.json', '--out', 'scores'], cwd)).code).toBe(0);

    const f = await cli(['feedback', '--scores', 'scores', '--out', 'feedback', '--date', '2023-03-31', '--json'], cwd);
    expect(f.code, f.err).toBe(0);
    expect(JSON.parse(f.out).written).toEqual(expect.arrayContaining(['yanta.md', 'yanta.xlsx', 'yanta.docx', 'beilin.docx']));
    const yanta = await docxText(join(cwd, 'feedback', 'yanta.docx'));
    expect(yanta[0]).toBe('雁塔区反馈清单');
    expect(yanta).toEqual(expect.arrayContaining(['一、意见反馈清单（数据核查）', '西安市安全生产委员会办公室', '2023年3月31日']));
    expect(yanta.join('\n')).toContain('城市总体规划及专项规划存在的问题：发现1处');
    expect(yanta.join('\n')).not.toContain('xian-2022/district');
    // the Markdown and the workbook carry the same date
    expect(readFileSync(join(cwd, 'feedback', 'yanta.md'), 'utf8')).toContain('- 日期：2023年3月31日');

    const other = await cli(['feedback', '--scores', 'scores', '--out', 'feedback2', '--issuer', '雁塔区安委会办公室'], cwd);
    expect(other.code, other.err).toBe(0);
    expect(other.out).toContain('（.xlsx、.md、.docx）');
    expect(await docxText(join(cwd, 'feedback2', 'yanta.docx'))).toContain('雁塔区安委会办公室');

    // the round before rectification (here the same cards, copied: one folder as both is refused)
    cpSync(join(cwd, 'scores'), join(cwd, 'scores-before'), { recursive: true });
    const r = await cli(['report', '--scores', 'scores', '--before', 'scores-before', '--date', '2023-04-28', '--out', 'report/city.docx', '--json'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).written).toEqual(['report/city.docx', 'report/city.rectification.docx']);
    expect(existsSync(join(cwd, 'report', 'city.html'))).toBe(false);
    const report = await docxText(join(cwd, 'report', 'city.docx'));
    expect(report[0]).toBe('国家安全发展示范城市创建自检评估自评报告');
    expect(report).toEqual(expect.arrayContaining(['一、创建工作基本情况', '五、下一步工作', '西安市安全生产委员会办公室', '2023年4月28日']));
    const cmp = await docxText(join(cwd, 'report', 'city.rectification.docx'));
    expect(cmp[0]).toBe('整改前后对比');
    expect(cmp).toContain('2023年4月28日');

    // html as before, its Markdown twin beside it
    const h = await cli(['report', '--scores', 'scores', '--out', 'report/city.html'], cwd);
    expect(h.code, h.err).toBe(0);
    expect(existsSync(join(cwd, 'report', 'city.md'))).toBe(true);
  });

  it('wrong usage: another extension, a date that is not one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-cli-docx-'));
    const pdf = await cli(['report', '--scores', 'scores', '--out', 'x.pdf'], cwd);
    expect(pdf.code).toBe(2);
    expect(pdf.err).toContain('--out 应以 .html（同时写出同名 .md）或 .docx（公文格式的 Word 文档）结尾，收到“x.pdf”');
    const d = await cli(['report', '--scores', 'scores', '--out', 'x.docx', '--date', '2023-02-30'], cwd);
    expect(d.code).toBe(2);
    expect(d.err).toContain('--date 应为日期，写作 YYYY-MM-DD（如 2023-03-31），收到“2023-02-30”');
    const f = await cli(['feedback', '--scores', 'scores', '--out', 'fb', '--date', '31.3.2023'], cwd);
    expect(f.code).toBe(2);
    expect(f.err).toContain('收到“31.3.2023”');
  });
});
