/**
 * The Word documents, read back structurally: fonts and sizes of the 公文 layout, the title,
 * headings, tables and their cells, the page number in the footer, the 落款 and the date, landscape
 * sections, and nothing technical (JSON pointers, ruleset ids, unit ids, hashes) in the body.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoreCard } from '@safecity/engine';
import { cityReport, cityReportDocx, compareMarkdown, compareRounds, feedbackDocx, feedbackRows, markdownBlocks, markdownDocx, RECTIFICATION_TYPES } from '../src/index.js';
import { isWideTable } from '../src/docx.js';
import { xmlText } from '../src/docx-layout.js';
import { assertWellFormed, docxParts, paragraphs, sections, tables, textOf } from './docx-parts.js';
import { city, district, districtLarger, feedbackCard, oddUnit } from './helpers.js';

const ISSUER = '西安市安全生产委员会办公室';

describe('feedbackDocx', async () => {
  const card = feedbackCard();
  const bytes = await feedbackDocx(card, { ruleset: districtLarger, date: '2023-03-31', issuer: ISSUER });
  const p = await docxParts(bytes);
  const paras = paragraphs(p.document);
  const body = textOf(p.document);

  it('is a well-formed Word package', () => {
    expect(p.files).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/fontTable.xml', 'docProps/core.xml']));
    for (const xml of [p.document, p.styles, p.fontTable, p.core, ...p.footers]) assertWellFormed(xml);
  });

  it('declares the 公文 fonts and sizes: 仿宋_GB2312 三号 body on a fixed line, 黑体 / 楷体 / bold 仿宋 headings, 小标宋 二号 title', () => {
    const style = (id: string) => new RegExp(`<w:style [^>]*w:styleId="${id}"[^>]*>[\\s\\S]*?</w:style>`).exec(p.styles)?.[0] ?? '';
    expect(p.styles).toMatch(/<w:docDefaults>[\s\S]*w:eastAsia="仿宋_GB2312"[\s\S]*<w:sz w:val="32"\/>[\s\S]*<w:lang [^>]*w:eastAsia="zh-CN"/);
    expect(style('GwBody')).toMatch(/w:eastAsia="仿宋_GB2312"/);
    expect(style('GwBody')).toMatch(/<w:spacing [^>]*w:line="579"[^>]*w:lineRule="exact"|<w:spacing [^>]*w:lineRule="exact"[^>]*w:line="579"/);
    expect(style('GwBody')).toMatch(/<w:ind w:firstLine="640"\/>/);
    expect(style('GwTitle')).toMatch(/w:eastAsia="方正小标宋简体"/);
    expect(style('GwTitle')).toMatch(/<w:sz w:val="44"\/>/);
    expect(style('GwTitle')).toMatch(/<w:jc w:val="center"\/>/);
    expect(style('Heading1')).toMatch(/w:eastAsia="黑体"/);
    expect(style('Heading2')).toMatch(/w:eastAsia="楷体_GB2312"/);
    expect(style('Heading3')).toMatch(/w:eastAsia="仿宋_GB2312"[\s\S]*<w:b\/>/);
    expect(style('GwTable')).toMatch(/w:eastAsia="仿宋_GB2312"[\s\S]*<w:sz w:val="24"\/>/);
  });

  it('declares the fonts\' fallbacks (仿宋_GB2312 → 仿宋 → FangSong …) with the GB2312 character set', () => {
    const font = (name: string) => new RegExp(`<w:font w:name="${name}">[\\s\\S]*?</w:font>`).exec(p.fontTable)?.[0] ?? '';
    expect(font('仿宋_GB2312')).toContain('<w:altName w:val="仿宋"/>');
    expect(font('仿宋_GB2312')).toContain('<w:charset w:val="86"/>');
    expect(font('仿宋')).toContain('<w:altName w:val="FangSong"/>');
    expect(font('楷体_GB2312')).toContain('<w:altName w:val="楷体"/>');
    expect(font('黑体')).toContain('<w:altName w:val="SimHei"/>');
    expect(font('方正小标宋简体')).toContain('<w:altName w:val="宋体"/>');
  });

  it('has the title, the preamble lines and a level-1 heading per list', () => {
    expect(paras.find((x) => x.style === 'GwTitle')?.text).toBe('雁塔区反馈清单');
    const lines = paras.filter((x) => x.style === 'GwBody').map((x) => x.text);
    expect(lines).toEqual(
      expect.arrayContaining([
        '评价对象：雁塔区',
        '评价细则：《西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）》（版本 2.0.0）',
        '加分项：得5分（上限5分）',
        '整改时限：各项按整改类型自下发之日起计（立行立改、限期整改见各项，长期坚持每轮复核）；未另行规定的，2023年4月15日前完成',
      ]),
    );
    expect(lines.find((l) => l.startsWith('得分：'))).toMatch(/^得分：总分139\.7（基础134\.7\/140，加分5）；折算[\d.]+；等级\S+$/);
    expect(lines.find((l) => l.startsWith('待评定：'))).toMatch(/^待评定：2\.1\.2 总体方案质量（2分）尚无专家评定等级/);
    expect(paras.filter((x) => x.style === 'Heading1').map((x) => x.text)).toEqual(['一、意见反馈清单（数据核查）', '二、问题反馈清单（现场检查）']);
  });

  it('has one table per list, header row repeated, a row per deduction with its cells as in the Markdown', () => {
    const ts = tables(p.document);
    expect(ts).toHaveLength(2);
    const rows = feedbackRows(card, { ruleset: districtLarger });
    for (const [i, list] of (['data-check', 'onsite'] as const).entries()) {
      const t = ts[i]!;
      expect(t.rows[0]!.cells).toEqual(['序号', '评分项', '评分项名称', '问题描述', '扣分', '整改建议', '佐证/位置', '责任单位', '整改类型', '整改时限']);
      expect(t.rows[0]!.xml).toContain('<w:tblHeader/>');
      expect(t.rows.slice(1).map((r) => [r.cells[0], r.cells[1], r.cells[4]])).toEqual(rows.filter((r) => r.list === list).map((r) => [String(r.no), r.itemId, String(r.points)]));
    }
    const cells = (id: string, list: number) => ts[list]!.rows.find((r) => r.cells[1] === id)!.cells;
    // the row's own rectification type and due date, counted from the lists' date
    const row3111 = feedbackRows(card, { ruleset: districtLarger, date: '2023-03-31' }).find((r) => r.itemId === '3.1.1.1')!;
    const ROW_TYPE = RECTIFICATION_TYPES[row3111.rectification];
    const ROW_DEADLINE = row3111.deadlineText;
    expect(cells('3.1.1.1', 0)).toEqual([
      '3',
      '3.1.1.1',
      '工作成效 › 城市安全源头治理 › 城市安全规划 › 城市总体规划及防灾减灾等专项规划',
      '城市总体规划及专项规划存在的问题：发现3处，每处扣0.5分，2分扣完为止，扣1.5分',
      '1.5',
      expect.stringContaining('专项规划'),
      '工作表“评分项”第22行', // the unit's own file, without its name (the unit's id)
      '雁塔区',
      ROW_TYPE,
      ROW_DEADLINE,
    ]);
    expect(cells('2.4.2', 0)[3]).toBe('【已被取代，不计分】台账资料未按月归档');
    expect(cells('2.4.2', 0)[4]).toBe('0');
    // a newline in a reason is a line break in its cell; formula-looking text stays as it is
    expect(cells('3.2.2.17', 1)[3]).toBe('高层建筑消防通道堵塞|2处\n另见照片');
    expect(cells('3.2.2.17', 1)[6]).toBe('照片1.jpg\n照片2.jpg');
    expect(cells('3.1.1.2', 1)[3]).toBe('=SUM(A1) 现场抽查2个建设项目未开展安全评估');
    // 扣分 right-aligned, 序号 centred
    const row = ts[0]!.rows[1]!.xml;
    const cellXml = [...row.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((m) => m[0]);
    expect(cellXml[4]).toContain('<w:jc w:val="right"/>');
    expect(cellXml[0]).toContain('<w:jc w:val="center"/>');
  });

  it('gives each list its totals after the table', () => {
    expect(paras.map((x) => x.text)).toEqual(expect.arrayContaining(['合计：2项，扣2分；另有1项已被取代，不计分。', '合计：3项，扣1.3分。']));
  });

  it('is landscape A4 with the 公文 margins, page numbers — 1 — centred in the footer', () => {
    const s = sections(p.document);
    expect(s).toHaveLength(1);
    expect(s[0]!.props).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
    expect(s[0]!.props).toMatch(/<w:pgMar w:top="1474" w:right="1984" w:bottom="1587" w:left="2098"/);
    expect(p.footers).toHaveLength(1);
    const footer = p.footers[0]!;
    expect(footer).toMatch(/<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/);
    expect(textOf(footer)).toBe('—  —');
    expect(footer).toContain('<w:jc w:val="center"/>');
  });

  it('ends with the 落款 and the date, right-aligned, the date two characters in from the 署名', () => {
    const last = paras.slice(-2);
    expect(last.map((x) => [x.style, x.text])).toEqual([
      ['GwSignature', ISSUER],
      ['GwSignature', '2023年3月31日'],
    ]);
    const right = (x: { xml: string }) => Number(/<w:ind w:right="(\d+)"\/>/.exec(x.xml)?.[1]);
    // 署名 13 characters, 右空二字; the date (6.5 characters wide) starts two characters after the 署名's start
    expect(right(last[0]!)).toBe(640);
    expect(right(last[1]!)).toBe(Math.round((13 - 6.5) * 320));
    expect(p.styles).toMatch(/w:styleId="GwSignature"[\s\S]*?<w:jc w:val="right"\/>/);
    expect(p.core).toContain('2023-03-31T00:00:00Z');
  });

  it('is the same bytes whenever it is written: the zip entries carry the document\'s date, not the clock\'s', async () => {
    expect(new Set(p.stamps)).toEqual(new Set(['2023-03-31 00:00']));
    const again = await feedbackDocx(card, { ruleset: districtLarger, date: '2023-03-31', issuer: ISSUER });
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('has nothing technical in the body: no JSON pointer, ruleset id, unit id or hash', () => {
    expect(body).not.toMatch(/#\//);
    expect(body).not.toContain('xian-2022');
    expect(body).not.toMatch(/\byanta\b/);
    expect(body).not.toMatch(/sha256|[0-9a-f]{32}/);
    expect(body).not.toMatch(/\d\.\d{3}/); // at most two decimals
  });

  it('titles a single list by its name, and says so when a list is empty', async () => {
    const one = await docxParts(await feedbackDocx(card, { ruleset: districtLarger, date: '2023-03-31', lists: ['onsite'] }));
    const ps = paragraphs(one.document);
    expect(ps.find((x) => x.style === 'GwTitle')?.text).toBe('雁塔区问题反馈清单（现场检查）');
    expect(ps.filter((x) => x.style === 'Heading1')).toEqual([]);
    expect(tables(one.document)).toHaveLength(1);
    // no 落款 given: the date alone closes it
    expect(ps.at(-1)?.text).toBe('2023年3月31日');
    const clean: ScoreCard = { ...card, nodes: [], vetoes: [] };
    const empty = paragraphs((await docxParts(await feedbackDocx(clean, { date: '2023-03-31' }))).document).map((x) => x.text);
    expect(empty.filter((t) => t === '无扣分项。')).toHaveLength(2);
  });

  it('rejects what is not a card, and another ruleset, with the feedback lists\' messages', async () => {
    await expect(feedbackDocx({ unit: 'x' } as unknown as ScoreCard)).rejects.toThrow(/card: expected a ScoreCard/);
    await expect(feedbackDocx(card, { ruleset: { ...district, version: '9.9.9' } })).rejects.toThrow(TypeError);
  });
});

describe('text from data cannot break the file', () => {
  it('strips control characters XML 1.0 forbids, escapes markup, keeps the rest', async () => {
    const card = feedbackCard();
    const hostile: ScoreCard = {
      ...card,
      unit: { ...card.unit, name: `${oddUnit.name}\u0001\u0008\u000b\uFFFE\uD800区` },
      nodes: card.nodes.map((n) => ({ ...n })),
    };
    const reason = '现场\u0000发现\u001f问题<w:p>&amp;"\'\t]]>';
    const node = (function find(ns: readonly ScoreCard['nodes'][number][]): ScoreCard['nodes'][number] | undefined {
      for (const n of ns) {
        if (n.deductions?.some((d) => d.points > 0)) return n;
        const f = find(n.children ?? []);
        if (f) return f;
      }
      return undefined;
    })(hostile.nodes)!;
    node.deductions = node.deductions!.map((d, i) => (i === 0 ? { ...d, reason } : d));
    const p = await docxParts(await feedbackDocx(hostile, { date: '2023-03-31', issuer: '办公室\u0007' }));
    assertWellFormed(p.document);
    assertWellFormed(p.core);
    const text = textOf(p.document);
    expect(text).toContain('测试<b>开发区</b>&区反馈清单');
    expect(text).toContain('现场发现问题<w:p>&amp;"\' ]]>');
    expect(text).toContain('办公室');
    expect(p.document).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE]/);
  });

  it('any text survives as its XML-allowed characters (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), async (a, b) => {
        const text = `${a}${b}`;
        const p = await docxParts(await markdownDocx('正文', { title: text, issuer: text, date: '2023-04-28' }));
        assertWellFormed(p.document);
        assertWellFormed(p.core);
        const ps = paragraphs(p.document);
        const want = xmlText(text).replace(/\r\n?|\n/g, '\n');
        expect(ps.find((x) => x.style === 'GwTitle')?.text ?? '').toBe(want);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

const MD = `# 测试报告

西安市 · 2023年4月28日

> 本文件以表格列出图表内容。

## 一、总体情况

本次共评价 **3 个**单位。

【待填写：总体评价（由市安委办填写）】

### （一）市级成员单位

- 第一条
- 第二条

1. 甲
2. 乙

#### 1. 细项

**等级分布**

| 等级 | 单位数 | 占比 |
|---|---|---|
| 优秀 | 3 | 10.7% |
| 良好 | 15 | 53.6% |

## 二、排名

按折算得分排列。

| 排名 | 单位 | 类别 | 折算得分 | 工作成效（百分制） | 适用分值 | 总分 | 基础得分 / 适用满分 | 加分 | 等级 | 否决 |
|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|
| 1 | 市市场监管局 | 市级成员单位 | 93.33 | 100.0% | 11※ | 52.2 | 48.2 / 51 | 4 | 优秀 |  |
| 2 | 浐灞生态区 | 开发区 | 91.87 | 89.7% | 94 | 123.1 | 123.1 / 134 | 0 | 优秀 | 是 |

※ 注：不足部分按60%计。

## 附录（数据来源与版本）

评价细则：xian-2022/district 2.0.0（sha256:abc）。
`;

describe('markdownDocx', async () => {
  const p = await docxParts(await markdownDocx(MD, { issuer: ISSUER, date: '2023-04-28', header: '内部资料', footer: '西安市安委办印发' }));
  const paras = paragraphs(p.document);
  const styled = (s: string) => paras.filter((x) => x.style === s).map((x) => x.text);

  it('takes the first heading as the title and the short line under it as the subtitle', () => {
    expect(styled('GwTitle')).toEqual(['测试报告']);
    expect(styled('GwSubtitle')).toEqual(['西安市 · 2023年4月28日']);
  });

  it('maps ## / ### / #### to the three heading levels, a quote to a note, a bold line before a table to its caption', () => {
    expect(styled('Heading1')).toEqual(['一、总体情况', '二、排名', '附录（数据来源与版本）']);
    expect(styled('Heading2')).toEqual(['（一）市级成员单位']);
    expect(styled('Heading3')).toEqual(['1. 细项']);
    expect(styled('GwNote')).toContain('本文件以表格列出图表内容。');
    expect(styled('GwCaption')).toEqual(['等级分布']);
    expect(styled('GwBody')).toEqual(expect.arrayContaining(['本次共评价 3 个单位。', '第一条', '第二条', '1. 甲', '2. 乙']));
    const bold = paras.find((x) => x.text === '本次共评价 3 个单位。')!.xml;
    expect(bold).toMatch(/<w:b\/>[\s\S]*3 个/);
  });

  it('highlights the places for officials\' text', () => {
    const ph = paras.find((x) => x.text.includes('【待填写'))!;
    expect(ph.text).toBe('【待填写：总体评价（由市安委办填写）】');
    expect(ph.xml).toContain('<w:highlight w:val="yellow"/>');
    expect(paras.find((x) => x.text === '第一条')!.xml).not.toContain('<w:highlight');
  });

  it('right-aligns numeric columns and puts a wide table, with the heading introducing it, in a landscape section', () => {
    const ts = tables(p.document);
    expect(ts).toHaveLength(2);
    const jc = (t: (typeof ts)[number], row: number) => [...t.rows[row]!.xml.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((m) => /<w:jc w:val="(\w+)"\/>/.exec(m[0])?.[1]);
    expect(jc(ts[0]!, 1)).toEqual(['left', 'right', 'right']); // detected
    expect(jc(ts[1]!, 1)).toEqual(['right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left']); // as the Markdown says
    const s = sections(p.document);
    expect(s.map((x) => x.landscape)).toEqual([false, true, false]);
    expect(textOf(s[1]!.content)).toMatch(/^二、排名按折算得分排列。排名/);
    expect(textOf(s[1]!.content)).toContain('※ 注：不足部分按60%计。');
    expect(s[1]!.props).toContain('w:orient="landscape"');
    expect(s[1]!.props).toContain('<w:type w:val="nextPage"/>');
  });

  it('puts the 落款 and the date before the appendix, which starts a page', () => {
    const i = paras.findIndex((x) => x.text === ISSUER);
    expect(paras[i + 1]!.text).toBe('2023年4月28日');
    const app = paras.findIndex((x) => x.text === '附录（数据来源与版本）');
    expect(app).toBeGreaterThan(i + 1);
    expect(paras[app]!.xml).toContain('<w:pageBreakBefore/>');
  });

  it('writes the header and footer text', () => {
    expect(new Set(p.headers.map(textOf))).toEqual(new Set(['内部资料']));
    expect(textOf(p.footers[0]!)).toBe('—  —西安市安委办印发');
  });

  it('reads <br> in a cell as a line break and escaped punctuation as text', async () => {
    const { blocks } = await markdownBlocks('| a | b |\n|---|---|\n| 一<br>二 | x \\| y \\<b\\> |\n');
    const t = blocks[0] as Extract<(typeof blocks)[number], { kind: 'table' }>;
    expect(t.rows[0]!.map((c) => c.map((r) => (r.break ? '\n' : '') + r.text).join(''))).toEqual(['一\n二', 'x | y <b>']);
  });

  it('keeps a table narrower than the page in portrait', async () => {
    const { blocks } = await markdownBlocks('| 等级 | 单位数 |\n|---|---:|\n| 优秀 | 3 |\n');
    expect(isWideTable(blocks[0] as Extract<(typeof blocks)[number], { kind: 'table' }>)).toBe(false);
  });

  it('keeps wide tables in portrait when asked, turns the whole document when asked, and writes an empty text', async () => {
    const squeezed = sections((await docxParts(await markdownDocx(MD, { wideTables: 'portrait', date: '2023-04-28' }))).document);
    expect(squeezed.map((x) => x.landscape)).toEqual([false]);
    const turned = sections((await docxParts(await markdownDocx(MD, { orientation: 'landscape', date: '2023-04-28' }))).document);
    expect(turned.map((x) => x.landscape)).toEqual([true]);
    const empty = await docxParts(await markdownDocx('', { date: '2023-04-28' }));
    assertWellFormed(empty.document);
    expect(paragraphs(empty.document).map((x) => x.text).filter((t) => t !== '')).toEqual(['2023年4月28日']);
  });

  it('lays out the rectification comparison too', async () => {
    const { cards, before } = city();
    const md = compareMarkdown(compareRounds(before, cards, { rulesets: [district] }));
    const q = await docxParts(await markdownDocx(md, { date: '2023-05-20' }));
    const ps = paragraphs(q.document);
    expect(ps.find((x) => x.style === 'GwTitle')?.text).toBe('整改前后对比');
    expect(ps.filter((x) => x.style === 'Heading1').map((x) => x.text)).toContain('雁塔区');
    const ts = tables(q.document);
    expect(ts[0]!.rows[0]!.cells).toEqual(['单位', '整改前', '整改后', '总分变化', '挽回分', '已整改', '仍扣分', '新增扣分']);
    expect(ts.length).toBeGreaterThan(5);
  });
});

describe('cityReportDocx', async () => {
  const { cards, before, selfScores } = city();
  const options = { city: '西安市', date: '2023-04-28', before, selfScores, rulesets: [district], radarUnits: 6 };
  const p = await docxParts(await cityReportDocx(cards, options));
  const paras = paragraphs(p.document);
  const { markdown } = cityReport(cards, options);

  it('has the report\'s title, its sections as headings and its tables', () => {
    const title = /^# (.*)$/m.exec(markdown)![1]!;
    expect(paras.find((x) => x.style === 'GwTitle')?.text).toBe(title);
    const h2 = [...markdown.matchAll(/^## (.*)$/gm)].map((m) => m[1]!.replace(/\\/g, ''));
    expect(paras.filter((x) => x.style === 'Heading1').map((x) => x.text)).toEqual(h2);
    expect(tables(p.document)).toHaveLength(markdown.match(/^\|[-:|]+\|$/gm)!.length);
  });

  it('keeps the escaped markup of a reason as text', () => {
    expect(textOf(p.document)).toContain('<script>alert("x")</script>现场未见领导小组文件原件');
    expect(p.document).not.toContain('<script>');
  });

  it('puts the ranking in landscape and signs for the city\'s 安委会办公室', () => {
    const s = sections(p.document);
    expect(s.some((x) => x.landscape && textOf(x.content).includes('排名'))).toBe(true);
    expect(s[0]!.landscape).toBe(false);
    const i = paras.findIndex((x) => x.text === '西安市安全生产委员会办公室');
    expect(i).toBeGreaterThan(0);
    expect(paras[i + 1]!.text).toBe('2023年4月28日');
  });
});
