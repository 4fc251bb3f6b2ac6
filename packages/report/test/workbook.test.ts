import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { feedbackWorkbook, neutraliseFormula, WORKBOOK_HEADERS } from '../src/index.js';
import { wrappedLines } from '../src/workbook.js';
import { districtLarger, feedbackCard, generatedCard } from './helpers.js';

async function open(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  return wb;
}

describe('feedbackWorkbook', async () => {
  const bytes = await feedbackWorkbook(feedbackCard(), { ruleset: districtLarger, date: '2023-03-31' });
  const wb = await open(bytes);
  const dataSheet = wb.getWorksheet('意见反馈清单')!;
  const onsiteSheet = wb.getWorksheet('问题反馈清单')!;

  it('is an xlsx with the two sheets', () => {
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]); // a zip
    expect(wb.worksheets.map((w) => w.name)).toEqual(['意见反馈清单', '问题反馈清单', '_meta']);
    expect(wb.getWorksheet('_meta')!.state).toBe('veryHidden');
  });

  it('has a title (unit, ruleset, date) and the Chinese headers', () => {
    expect(dataSheet.getCell('A1').value).toBe('雁塔区 意见反馈清单（数据核查）· 问题整改台账');
    expect(onsiteSheet.getCell('A1').value).toBe('雁塔区 问题反馈清单（现场检查）· 问题整改台账');
    const info = String(dataSheet.getCell('A2').value);
    expect(info).toContain('评价对象：雁塔区    ');
    expect(info).toContain(`评价细则：西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）（版本 ${districtLarger.version}）`);
    expect(info).toContain('加分项：得5分（上限5分）');
    expect(info).toContain('日期：2023年3月31日');
    expect(info).toContain('整改时限：各项按整改类型自下发之日起计（立行立改、限期整改见各项，长期坚持每轮复核）；未另行规定的，2023年4月15日前完成');
    const header = (dataSheet.getRow(4).values as unknown[]).slice(1);
    expect(header).toEqual(['序号', '评分项', '评分项名称', '问题描述', '扣分', '整改建议', '佐证/位置', '责任单位', '整改类型', '整改时限', '责任人', '整改措施', '进度', '整改佐证', '复核意见', '销号日期']);
    expect(header).toEqual([...WORKBOOK_HEADERS]);
  });

  it('writes one row per deduction, numbers as numbers', () => {
    // (2.1.2, not yet graded, is not a row: the info line names it under 待评定.)
    const row = (dataSheet.getRow(7).values as unknown[]).slice(1);
    expect(row).toEqual([
      3,
      '3.1.1.1',
      '工作成效 › 城市安全源头治理 › 城市安全规划 › 城市总体规划及防灾减灾等专项规划',
      '城市总体规划及专项规划存在的问题：发现3处，每处扣0.5分，2分扣完为止，扣1.5分',
      1.5,
      '补充规划中的综合防灾和公共安全内容，制定缺失的专项规划并组织专家论证和中期评估',
      '工作表“评分项”第22行', // the place as a clerk finds it (the unit's own file is not named)
      '雁塔区',
      '限期整改',
      '2023年4月30日', // its own: 30 days from the feedback date
      undefined, // 责任人 … 销号日期: for the unit and the office to fill in
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      '3.1.1.1|findings|rule', // the row's key, in a hidden column
    ]);
    expect(String(dataSheet.getCell('A8').value)).toBe('合计：2 项，扣 2 分；另有 1 项已被取代，不计分。');
    expect(String(dataSheet.getCell('A2').value)).toContain('待评定：2.1.2 总体方案质量（2分）尚无专家评定等级，待评估组评定后计分');
    expect(onsiteSheet.getCell('D7').value).toBe('高层建筑消防通道堵塞|2处\n另见照片');
    expect(onsiteSheet.getCell('G7').value).toBe('照片1.jpg\n照片2.jpg');
    expect(onsiteSheet.getCell('I7').value).toBe('立行立改');
    expect(onsiteSheet.getCell('J7').value).toBe('2023年4月7日');
  });

  it('stores a reason starting with =SUM(A1) as text with a leading apostrophe, never as a formula', () => {
    const reason = onsiteSheet.getCell('D6');
    expect(reason.value).toBe("'=SUM(A1) 现场抽查2个建设项目未开展安全评估");
    expect(reason.type).toBe(ExcelJS.ValueType.String);
    expect(onsiteSheet.getCell('F6').value).toBe("'-补做评估");
    for (const ws of wb.worksheets)
      ws.eachRow((r) =>
        r.eachCell((c) => {
          expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof c.value === 'string') expect(c.value).not.toMatch(/^[=+\-@\t\r]/);
        }),
      );
  });

  it('is set up for print: A4 landscape, fit to width, header row repeated, frozen, wrapped', () => {
    for (const ws of [dataSheet, onsiteSheet]) {
      expect(ws.pageSetup.orientation).toBe('landscape');
      expect(ws.pageSetup.paperSize).toBe(9);
      expect(ws.pageSetup.fitToPage).toBe(true);
      expect(ws.pageSetup.fitToWidth).toBe(1);
      expect(ws.pageSetup.fitToHeight).toBe(0);
      expect(ws.pageSetup.printTitlesRow).toBe('3:4');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
      expect(ws.getColumn(4).width).toBeGreaterThan(30);
      expect(ws.getCell('D5').alignment?.wrapText).toBe(true);
    }
  });

  it('marks who fills which columns, and validates 进度 and 销号日期', () => {
    expect(dataSheet.getCell('A3').value).toBe('问题及整改要求（市安委办下发）');
    expect(dataSheet.getCell('K3').value).toBe('整改落实情况（由单位填写）');
    expect(dataSheet.getCell('O3').value).toBe('复核销号（由市安委办填写）');
    expect(dataSheet.getCell('M5').dataValidation).toMatchObject({ type: 'list', formulae: ['"未开始,整改中,已完成"'] });
    expect(dataSheet.getCell('P5').dataValidation).toMatchObject({ type: 'date' });
    expect(dataSheet.getColumn(17).hidden).toBe(true);
  });

  it('names the unit, the ruleset, the evidence hash and every row\'s key in _meta', () => {
    const meta = wb.getWorksheet('_meta')!;
    const kv = new Map<string, unknown>();
    meta.eachRow((r) => kv.set(String(r.getCell(1).value), r.getCell(2).value));
    const card = feedbackCard();
    expect(kv.get('safecity-ledger')).toBe(1);
    expect(kv.get('unitId')).toBe('yanta');
    expect(kv.get('rulesetId')).toBe('xian-2022/district');
    expect(kv.get('rulesetVersion')).toBe(districtLarger.version);
    expect(kv.get('evidenceHash')).toBe(card.evidenceHash);
    expect(kv.get('rows')).toBe(6);
    const keys: unknown[] = [];
    meta.eachRow((r, n) => n > 13 && keys.push(r.getCell(4).value));
    expect(keys).toContain('3.2.2.17|finding|onsite');
    expect(new Set(keys).size).toBe(6);
  });
});

describe('a workbook with an empty list', () => {
  it('says 无扣分项 and totals 0', async () => {
    const wb = await open(await feedbackWorkbook(generatedCard('gaoling', 1, 7), { date: '2023-03-31' }));
    const ws = wb.getWorksheet('问题反馈清单')!;
    expect(ws.getCell('A5').value).toBe('无扣分项');
    expect(ws.getCell('A6').value).toBe('合计：0 项，扣 0 分。');
    // Its only loss is 2.1.2, not yet graded: nothing to rectify on either list.
    expect(wb.getWorksheet('意见反馈清单')!.getCell('A5').value).toBe('无扣分项');
  });
});

describe('printed rows never overlap', () => {
  it('each row is as tall as its longest wrapped text', async () => {
    const wb = await open(await feedbackWorkbook(feedbackCard(), { ruleset: districtLarger, date: '2023-03-31' }));
    const ws = wb.getWorksheet('意见反馈清单')!;
    // 3.1.1.1's reason (45 CJK-width characters in a 44-wide column) takes 3 lines, its title more.
    const row = ws.getRow(7);
    const widths = (ws.columns ?? []).map((c) => c.width ?? 10);
    const needed = Math.max(...Array.from((row.values as unknown[]).slice(1)).map((v, i) => (typeof v === 'string' ? wrappedLines(v, widths[i] ?? 10) : 1)));
    expect(needed).toBeGreaterThan(1);
    expect(row.height).toBeGreaterThanOrEqual(needed * 16);
    expect(ws.getRow(2).height).toBeGreaterThanOrEqual(18);
  });
  it('counts a CJK character as two widths, and a newline as a new line', () => {
    expect(wrappedLines('市政消火栓', 12)).toBe(1);
    expect(wrappedLines('市政消火栓未保持完好', 12)).toBe(2);
    expect(wrappedLines('市政消火栓未保持完好之处', 12)).toBe(3);
    expect(wrappedLines('a\nb', 20)).toBe(2);
  });
});

describe('neutraliseFormula', () => {
  it('prefixes text a spreadsheet would evaluate', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(s)).toBe(`'${s}`);
    for (const s of ['雁塔区', '1.2.1', '', ' =x']) expect(neutraliseFormula(s)).toBe(s);
    // an apostrophe of the text's own is quoted too, so reading back (one apostrophe removed) gives it exactly
    expect(neutraliseFormula("'=x")).toBe("''=x");
  });
});
