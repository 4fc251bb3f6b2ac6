import { beforeAll, describe, expect, test } from 'vitest';
import type ExcelJS from 'exceljs';
import { evidenceLayout, type Node } from '@safecity/engine';
import { unitById } from '@safecity/ruleset-xian-2022';
import { parseWorkbook } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, engine, extraJson, extraRs, extraUnit, load, metaRows, rowOf, type MetaRow } from './helpers.js';

const HEADERS = ['评分项编号', '评价内容', '评分标准', '分值', '佐证项', '计量单位', '填报值', '备注（说明）'];
const yanta = unitById('yanta')!;

/** The per-missing required documents of a field, read straight from the ruleset JSON. */
function requiredOf(field: string): string[] | undefined {
  let out: string[] | undefined;
  const walk = (nodes: readonly Node[]) => {
    for (const n of nodes) {
      if (n.children) walk(n.children as Node[]);
      const p = n.scoring?.params as { field?: string; required?: string[] } | undefined;
      if (n.scoring?.method === 'per-missing' && p?.field === field) out = p.required;
    }
  };
  walk(districtRs.source.tree as Node[]);
  return out;
}

describe('template for 雁塔区 under xian-2022/district', () => {
  let wb: ExcelJS.Workbook;
  let rows: MetaRow[];
  let ws: ExcelJS.Worksheet;
  beforeAll(async () => {
    wb = await load(await excelTemplate(districtRs, yanta));
    rows = metaRows(wb);
    ws = wb.getWorksheet('评分项')!;
  });

  test('prints as a clerk needs it: landscape A4, all columns on the page, the header row on every page', () => {
    for (const name of ['填报说明', '评分项', '基本情况', '佐证材料清单']) {
      const setup = wb.getWorksheet(name)!.pageSetup;
      expect(setup, name).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
      if (name !== '填报说明') expect(setup.printTitlesRow, name).toBe('1:1');
    }
  });

  test('sheets: instructions first, items, general, very hidden _meta', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填报说明', '评分项', '基本情况', '佐证材料清单', '_meta']);
    expect(wb.getWorksheet('_meta')!.state).toBe('veryHidden');
    const guide = wb.getWorksheet('填报说明')!;
    const text: string[] = [];
    guide.eachRow((r) => text.push(String(r.getCell(1).value)));
    const all = text.join('\n');
    for (const s of ['雁塔区', 'xian-2022/district', districtRs.version, districtRs.hash, '是/否', '整数', '比率', '空白表示未填报', '灰色单元格', '工作表']) expect(all).toContain(s);
  });

  test('_meta names the ruleset id, version, hash and the unit', () => {
    const meta = wb.getWorksheet('_meta')!;
    const kv = new Map<string, unknown>();
    meta.eachRow((r) => kv.set(String(r.getCell(1).value), r.getCell(2).value));
    expect(kv.get('rulesetId')).toBe('xian-2022/district');
    expect(kv.get('rulesetVersion')).toBe(districtRs.version);
    expect(kv.get('rulesetHash')).toBe(districtRs.hash);
    expect([kv.get('unitId'), kv.get('unitName'), kv.get('unitKind')]).toEqual(['yanta', '雁塔区', 'district']);
  });

  test('headers, and one row per field (per required document for per-missing fields) in layout order', () => {
    expect(HEADERS.map((_, i) => ws.getRow(1).getCell(i + 1).value)).toEqual(HEADERS);
    const layout = evidenceLayout(districtRs, yanta);
    const expected: Array<[string, string, string]> = [];
    for (const it of layout.items) {
      if (it.fields.length === 0) expected.push([it.id, '', '']);
      for (const f of it.fields) {
        const req = f.type === 'documents' ? requiredOf(f.name) : undefined;
        if (req) for (const d of req) expected.push([it.id, f.name, d]);
        else expected.push([it.id, f.name, '']);
      }
    }
    const items = rows.filter((r) => r.sheet === '评分项');
    expect(items.map((r) => [r.item, r.field, r.document])).toEqual(expected);
    expect(items.map((r) => r.row)).toEqual(items.map((_, i) => i + 2));
    // The visible text agrees: item id in A, field title (or document) in E.
    for (const r of items) {
      expect(ws.getCell(`A${r.row}`).value).toBe(r.item);
      if (r.document) expect(ws.getCell(`E${r.row}`).value).toContain(r.document);
      else if (r.field) expect(String(ws.getCell(`E${r.row}`).value)).toContain(districtRs.fields.find((f) => f.name === r.field)!.title.zh);
    }
    const docRows = items.filter((r) => r.field === 'policyDocs');
    expect(docRows.map((r) => r.document)).toEqual(['安全发展规划', '安全生产责任制规定', '隐患排查治理制度', '考核奖惩办法']);
    // General fields (read only by vetoes) on 基本情况.
    expect(rows.filter((r) => r.sheet === '基本情况').map((r) => r.field)).toEqual(layout.general.map((f) => f.name));
  });

  test('item columns are merged down over the item’s rows', () => {
    const multi = rows.filter((r) => r.item === '1.1.2');
    expect(multi.length).toBe(3);
    const first = multi[0]!.row;
    for (const col of ['A', 'B', 'C', 'D']) {
      for (const r of multi) {
        const c = ws.getCell(`${col}${r.row}`);
        expect(c.isMerged).toBe(true);
        expect(c.master.address).toBe(`${col}${first}`);
      }
    }
    expect(ws.getCell(`D${first}`).value).toBe(3);
    expect(ws.getCell(`G${first}`).isMerged).toBe(false);
  });

  test('typed validations with Chinese prompts on the 填报值 cells', () => {
    const dv = (r: MetaRow) => ws.getCell(`G${r.row}`).dataValidation;
    const bool = dv(rowOf(rows, 'leadingGroupDoc'));
    expect(bool.type).toBe('list');
    expect(bool.formulae).toEqual(['"是,否,√,×,Y,N,YES,NO,TRUE,FALSE,1,0,有,无"']);
    expect(bool.promptTitle).toBe('创建工作领导小组成立文件');
    expect(bool.showInputMessage && bool.showErrorMessage).toBe(true);
    const count = dv(rowOf(rows, 'leadershipMeetings'));
    expect([count.type, count.operator, count.formulae]).toEqual(['whole', 'greaterThanOrEqual', [0]]);
    expect(count.prompt).toContain('整数');
    expect(count.prompt).toContain('次');
    const rate = dv(rowOf(rows, 'hazmatMonitoringRate'));
    expect([rate.type, rate.operator, rate.formulae]).toEqual(['decimal', 'between', [0, 100]]);
    expect(rate.prompt).toContain('比率');
    expect(rate.error).toContain('0–100');
    const doc = dv(rowOf(rows, 'policyDocs', '考核奖惩办法'));
    expect(doc.type).toBe('list');
    expect(doc.formulae).toEqual(['"是,否,√,×,Y,N,YES,NO,TRUE,FALSE,1,0,有,无"']);
    expect(doc.prompt).toContain('考核奖惩办法');
    // Every input row has a validation; info rows have none.
    for (const r of rows.filter((x) => x.sheet === '评分项')) {
      if (r.kind === 'info') expect(dv(r)).toBeUndefined();
      else expect(dv(r)?.type).toBeDefined();
    }
  });

  test('protected: only 填报值 and 备注 unlocked; frozen below the header and right of the item columns', () => {
    const protection = (ws as unknown as { sheetProtection: Record<string, unknown> }).sheetProtection;
    expect(protection).toMatchObject({ sheet: true, formatCells: true, formatColumns: true, formatRows: true });
    expect(protection['algorithmName']).toBeUndefined(); // no password
    const r = rowOf(rows, 'leadershipMeetings').row;
    for (const col of ['A', 'B', 'C', 'D', 'E', 'F']) expect(ws.getCell(`${col}${r}`).protection?.locked).not.toBe(false);
    expect(ws.getCell(`A${r}`).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(ws.getCell(`G${r}`).protection?.locked).toBe(false);
    expect(ws.getCell(`H${r}`).protection?.locked).toBe(false);
    expect(ws.getCell('G1').protection?.locked).not.toBe(false);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 4, ySplit: 1 });
    expect(ws.getColumn(2).width).toBeGreaterThan(20);
    expect(ws.getCell(`B${r}`).alignment?.wrapText).toBe(true);
  });

  test('an untouched template reads back as all rows empty, nothing invented', async () => {
    const bytes = await excelTemplate(districtRs, yanta);
    const res = await parseWorkbook(bytes, { file: 't.xlsx', ruleset: districtRs });
    expect(res.part.values).toEqual({});
    expect(res.records.filter((r) => !r.place.includes('!佐证材料清单!'))).toHaveLength(rows.length);
    expect(res.records.every((r) => r.status === 'empty')).toBe(true);
    // Nothing filled is not silence: the file is named (a blank template used to score 0 without a word).
    expect(res.warnings).toEqual([{ path: 't.xlsx', message: '未填写任何填报值：本单位将按未提供计分（t.xlsx）' }]);
  });
});

test('a unit of a kind the ruleset is not for is refused', async () => {
  await expect(excelTemplate(districtRs, unitById('fagaiwei')!)).rejects.toThrow(/不适用于 市发改委（municipal）/);
});

describe('template for the other field types', () => {
  test('date, enum, bounded number and integer, free document list, rows option', async () => {
    const wb = await load(await excelTemplate(extraRs, extraUnit, { rows: 3 }));
    const rows = metaRows(wb);
    const ws = wb.getWorksheet('评分项')!;
    const dv = (field: string) => ws.getCell(`G${rowOf(rows, field).row}`).dataValidation;
    expect(dv('planIssued')).toMatchObject({ type: 'date', operator: 'between' });
    expect(ws.getCell(`G${rowOf(rows, 'planIssued').row}`).numFmt).toBe('yyyy-mm-dd');
    expect(dv('level')).toMatchObject({ type: 'list', formulae: ['"国家级,省级,市级"'] });
    expect(dv('budget')).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 100000] });
    expect(dv('drills')).toMatchObject({ type: 'whole', operator: 'between', formulae: [0, 50] });
    expect(dv('coverage')).toMatchObject({ type: 'decimal', formulae: [0, 100] });
    expect(dv('otherDocs').prompt).toContain('；');
    expect(rows.filter((r) => r.field === 'otherDocs')).toHaveLength(3);
    expect(rows.find((r) => r.sheet === '基本情况')?.field).toBe('flagged');
    expect(wb.getWorksheet('基本情况')!.getCell('B2').value).toContain('瞒报');
  });

  test('long or comma-bearing enum lists are kept on a hidden list sheet', async () => {
    const json = structuredClone(extraJson) as unknown as { id: string; fields: Array<{ name: string; values?: string[] }> };
    json.fields.find((f) => f.name === 'level')!.values = ['甲,一级', '乙'];
    const rs = engine.compile(json);
    const wb = await load(await excelTemplate(rs, extraUnit));
    const ws = wb.getWorksheet('评分项')!;
    const dv = ws.getCell(`G${rowOf(metaRows(wb), 'level').row}`).dataValidation;
    expect(dv.formulae[0]).toBe('_lists!$A$1:$A$2');
    expect(wb.getWorksheet('_lists')!.state).toBe('veryHidden');
  });
});
