import { beforeAll, describe, expect, test } from 'vitest';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import type ExcelJS from 'exceljs';
import type { Ruleset } from '@safecity/engine';
import { district, unitById, units } from '@safecity/ruleset-xian-2022';
import { parseWorkbook, readWorkbooks } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, engine, extraRs, extraUnit, fill, issuesOf, load, metaRows, rowOf, type MetaRow } from './helpers.js';

const yanta = unitById('yanta')!;
const F = 'yanta.xlsx';
let template: Uint8Array;
let rows: MetaRow[];
let extraTemplate: Uint8Array;
let extraRows: MetaRow[];

beforeAll(async () => {
  template = await excelTemplate(districtRs, yanta);
  rows = metaRows(await load(template));
  extraTemplate = await excelTemplate(extraRs, extraUnit);
  extraRows = metaRows(await load(extraTemplate));
});

const parse = (bytes: Uint8Array, extra: Partial<Parameters<typeof parseWorkbook>[1]> = {}) =>
  parseWorkbook(bytes, { file: F, ruleset: districtRs, units, ...extra });

/** Set one 填报值 cell of a field (and document) in the district template. */
async function withCell(field: string, value: unknown, document = '', base = () => template, map = () => rows): Promise<{ bytes: Uint8Array; place: string }> {
  const r = rowOf(map(), field, document);
  const bytes = await fill(base(), (wb) => {
    wb.getWorksheet(r.sheet)!.getCell(`G${r.row}`).value = value as ExcelJS.CellValue;
  });
  return { bytes, place: `${F}!${r.sheet}!G${r.row}` };
}

describe('bad cells: each names its cell, the item and the field, and what was found', () => {
  const cases: Array<[string, string, unknown, string, string?]> = [
    ['text in a rate cell', 'hazmatMonitoringRate', '约90', '评分项 3.2.1.11 的“重大危险源企业视频和安全监控系统安装率”应为 0–100 的数，实为"约90"'],
    ['rate above 100', 'hazmatMonitoringRate', 120, '应为 0–100 的数，实为120'],
    ['rate as text above 100%', 'gridCoverageRate', '120%', '实为"120%"'],
    ['rate with four decimals', 'gridCoverageRate', 90.1234, '最多三位小数'],
    ['negative count', 'leadershipMeetings', -3, '评分项 1.1.2 的“年度研究部署创建工作的会议次数”应为不小于 0 的整数，实为-3'],
    ['decimals in an integer', 'leadershipMeetings', 2.5, '应为不小于 0 的整数，实为2.5'],
    ['words in an integer', 'leadershipMeetings', '三次', '实为"三次"'],
    ['invalid 是/否', 'leadingGroupDoc', '有的', '评分项 1.1.1 的“创建工作领导小组成立文件”应为“是”或“否”，实为"有的"'],
    ['invalid 是/否 on a document row', 'policyDocs', '在写', '“创建配套政策文件”中“安全发展规划”应为“是”或“否”，实为"在写"', '安全发展规划'],
    ['a formula without a cached result', 'leadershipMeetings', { formula: 'SUM(1,2)' }, '是公式（=SUM(1,2)），但文件中没有保存计算结果'],
    ['an error cell', 'leadershipMeetings', { error: '#DIV/0!' }, '为错误值 #DIV/0!'],
    ['a formula whose result is an error', 'hazmatMonitoringRate', { formula: '1/0', result: { error: '#DIV/0!' } }, '是公式（=1/0），为错误值 #DIV/0!'],
    ['a general (veto) field', 'largerAccidentDeaths', '两人', '基本情况“'],
  ];
  test.each(cases)('%s', async (_name, field, value, message, document = '') => {
    const { bytes, place } = await withCell(field, value, document);
    const issues = await issuesOf(parse(bytes));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(place);
    expect(issues[0]!.message).toContain(message);
  });

  test('a bad date text (extra field types)', async () => {
    const { bytes, place } = await withCell('planIssued', '2023-02-30', '', () => extraTemplate, () => extraRows);
    const issues = await issuesOf(parseWorkbook(bytes, { file: F, ruleset: extraRs }));
    expect(issues).toEqual([{ path: place, message: '评分项 A.1 的“方案印发日期”应为日期（YYYY-MM-DD），实为"2023-02-30"' }]);
  });

  test('a value not in an enum list, a document named twice', async () => {
    const lv = rowOf(extraRows, 'level');
    const docs = rowOf(extraRows, 'otherDocs');
    const bytes = await fill(extraTemplate, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell(`G${lv.row}`).value = '区级';
      ws.getCell(`G${docs.row}`).value = '值班制度；应急预案；值班制度';
    });
    const issues = await issuesOf(parseWorkbook(bytes, { file: F, ruleset: extraRs }));
    expect(issues.map((i) => i.path)).toEqual([`${F}!评分项!G${lv.row}`, `${F}!评分项!G${docs.row}`]);
    expect(issues[0]!.message).toContain('应为以下之一：国家级、省级、市级，实为"区级"');
    expect(issues[1]!.message).toContain('文件“值班制度”重复填写');
  });

  test('a formula with a cached result is read, with a warning naming the cell', async () => {
    const { bytes, place } = await withCell('hazmatMonitoringRate', { formula: '45+45', result: 90 });
    const res = await parse(bytes);
    expect(res.part.values['hazmatMonitoringRate']).toBe(90);
    expect(res.warnings).toEqual([{ path: place, message: expect.stringContaining('是公式（=45+45），已按文件中保存的计算结果') }]);
  });

  test('all problems of a workbook come at once', async () => {
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell(`G${rowOf(rows, 'hazmatMonitoringRate').row}`).value = '约90';
      ws.getCell(`G${rowOf(rows, 'leadershipMeetings').row}`).value = 2.5;
      ws.getCell(`G${rowOf(rows, 'leadingGroupDoc').row}`).value = '是'; // fine
      ws.getCell(`G${rowOf(rows, 'policyDocs', '考核奖惩办法').row}`).value = 'maybe';
    });
    const issues = await issuesOf(parse(bytes));
    expect(issues.map((i) => i.path)).toEqual(
      [rowOf(rows, 'leadershipMeetings'), rowOf(rows, 'policyDocs', '考核奖惩办法'), rowOf(rows, 'hazmatMonitoringRate')].map((r) => `${F}!评分项!G${r.row}`),
    );
  });
});

describe('a workbook that is not this template any more', () => {
  test('made for another version of the ruleset', async () => {
    const newer = engine.compile({ ...structuredClone(district), version: '9.1.0' } as Ruleset);
    const issues = await issuesOf(parseWorkbook(template, { file: F, ruleset: newer }));
    expect(issues).toEqual([{ path: F, message: expect.stringContaining(`此工作簿是按评价细则《${district.title.zh}》（xian-2022/district ${district.version}，2022版）生成的，当前细则为《${district.title.zh}》（xian-2022/district 9.1.0，2022版）`) }]);
  });

  test('same version, but the ruleset content (hash) changed', async () => {
    const changed = structuredClone(district) as Ruleset;
    changed.title = { zh: changed.title.zh + '（修订）' };
    const issues = await issuesOf(parseWorkbook(template, { file: F, ruleset: engine.compile(changed) }));
    expect(issues[0]!.path).toBe(F);
    expect(issues[0]!.message).toContain('细则内容已变更');
  });

  test('_meta removed', async () => {
    const bytes = await fill(template, (wb) => wb.removeWorksheet(wb.getWorksheet('_meta')!.id));
    const issues = await issuesOf(parse(bytes));
    expect(issues).toEqual([{ path: F, message: expect.stringContaining('找不到模板信息') }]);
  });

  test('a unit not on the list', async () => {
    const issues = await issuesOf(parse(template, { units: units.filter((u) => u.id !== 'yanta') }));
    expect(issues[0]!.message).toContain('不在评价对象名单中');
  });

  test('a row added below the template, with content', async () => {
    const last = Math.max(...rows.filter((r) => r.sheet === '评分项').map((r) => r.row));
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell(`E${last + 3}`).value = '补充说明';
      ws.getCell(`G${last + 3}`).value = 5;
      ws.getCell(`H${last + 5}`).value = '  '; // blank: ignored
    });
    const issues = await issuesOf(parse(bytes));
    expect(issues).toEqual([{ path: `${F}!评分项!E${last + 3}`, message: expect.stringContaining('模板外新增的行') }]);
  });

  test('an item id changed in a row', async () => {
    const r = rowOf(rows, 'leadingGroupDoc');
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell(`A${r.row}`).value = '9.9.9';
      ws.getCell(`G${r.row}`).value = '是';
    });
    const issues = await issuesOf(parse(bytes));
    expect(issues).toEqual([{ path: `${F}!评分项!G${r.row}`, message: expect.stringContaining('评分项编号为“9.9.9”，模板中为“1.1.1”') }]);
  });

  test('rows sorted or moved (佐证项 changed)', async () => {
    const a = rowOf(rows, 'leadershipWorkPlan');
    const b = rowOf(rows, 'leadershipInspections');
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      const ea = ws.getCell(`E${a.row}`).value;
      ws.getCell(`E${a.row}`).value = ws.getCell(`E${b.row}`).value;
      ws.getCell(`E${b.row}`).value = ea;
    });
    const issues = await issuesOf(parse(bytes));
    expect(issues.map((i) => i.path)).toEqual([`${F}!评分项!G${a.row}`, `${F}!评分项!G${b.row}`]);
    expect(issues[0]!.message).toContain('行被修改、排序或移动');
  });

  test('a sheet renamed', async () => {
    const bytes = await fill(template, (wb) => {
      wb.getWorksheet('评分项')!.name = 'Sheet1';
    });
    const issues = await issuesOf(parse(bytes));
    expect(issues).toEqual([{ path: `${F}!评分项`, message: expect.stringContaining('找不到工作表“评分项”') }]);
  });
});

/** Find a zip's central directory entry (and local header) of a name and patch 32-bit fields. */
function patchZip(zip: Uint8Array, name: string, patch: { flags?: number; size?: number }): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  const enc = new TextEncoder().encode(name);
  const nameAt = (p: number, len: number) => len === enc.length && enc.every((b, i) => out[p + i] === b);
  for (let p = 0; p + 46 < out.length; p++) {
    const sig = v.getUint32(p, true);
    if (sig === 0x02014b50 && nameAt(p + 46, v.getUint16(p + 28, true))) {
      if (patch.flags !== undefined) v.setUint16(p + 8, patch.flags, true);
      if (patch.size !== undefined) v.setUint32(p + 24, patch.size, true);
    }
    if (sig === 0x04034b50 && nameAt(p + 30, v.getUint16(p + 26, true))) {
      if (patch.flags !== undefined) v.setUint16(p + 6, patch.flags, true);
      if (patch.size !== undefined) v.setUint32(p + 22, patch.size, true);
    }
  }
  return out;
}

describe('files that are not a readable .xlsx are refused before opening, each with its own message', () => {
  const refused = async (bytes: Uint8Array, message: string, limits?: { maxFileBytes?: number; maxUncompressedBytes?: number }) => {
    const issues = await issuesOf(parse(bytes, limits ? { limits } : {}));
    expect(issues).toEqual([{ path: F, message: expect.stringContaining(message) }]);
  };

  test('not a zip: CSV text', () => refused(strToU8('评分项编号,填报值\n1.1.1,是\n'), '这是文本文件（如 CSV 或 TXT）'));
  test('not a zip: a PDF renamed', () => refused(strToU8('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), '这是 PDF 文件'));
  test('an empty file', () => refused(new Uint8Array(0), '文件是空的'));
  test('a truncated zip (a template cut in half)', () => refused(template.subarray(0, Math.floor(template.length / 2)), 'ZIP 文件不完整'));
  test('over maxFileBytes', () => refused(template, '超过上限 0 MB（1000 字节）', { maxFileBytes: 1000 }));

  test('a zip bomb with honest headers: refused from the central directory, nothing inflated', () =>
    refused(zipSync({ 'xl/workbook.xml': strToU8('<workbook/>'), 'xl/big.bin': new Uint8Array(5_000_000) }), '解压后大小 4.8 MB 超过上限 1 MB', {
      maxUncompressedBytes: 1_000_000,
    }));

  test('a zip bomb whose headers lie: refused as soon as the entry outgrows its declared size', async () => {
    const bomb = patchZip(zipSync({ 'xl/workbook.xml': strToU8('<workbook/>'), 'xl/big.bin': new Uint8Array(5_000_000) }), 'xl/big.bin', { size: 100 });
    await refused(bomb, '条目 xl/big.bin 解压后超过文件头声明的 100 字节（文件头不实', { maxUncompressedBytes: 1_000_000 });
  });

  test('an encrypted workbook (OLE2 with EncryptionInfo)', () => {
    const utf16 = (s: string) => new Uint8Array([...s].flatMap((c) => [c.charCodeAt(0), 0]));
    const bytes = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504), ...utf16('EncryptionInfo'), ...new Uint8Array(64)]);
    return refused(bytes, '工作簿设置了打开密码（已加密）');
  });

  test('an encrypted zip entry', () => refused(patchZip(template, 'xl/workbook.xml', { flags: 1 }), '工作簿设置了打开密码（已加密）'));

  test('a legacy .xls (OLE2 without encryption)', () =>
    refused(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(1000)]), '请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）'));

  test('a macro workbook (.xlsm: xl/vbaProject.bin)', () => {
    const entries = unzipSync(template);
    entries['xl/vbaProject.bin'] = new Uint8Array([1, 2, 3]);
    return refused(zipSync(entries), '启用宏的工作簿（.xlsm');
  });

  test('a macro workbook (.xlsm: macro-enabled content type only)', () => {
    const entries = unzipSync(template);
    const ct = new TextDecoder().decode(entries['[Content_Types].xml']);
    entries['[Content_Types].xml'] = strToU8(ct.replace('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'application/vnd.ms-excel.sheet.macroEnabled.main+xml'));
    return refused(zipSync(entries), '启用宏的工作簿（.xlsm）');
  });

  test('a zip that is not a workbook', () => refused(zipSync({ 'readme.txt': strToU8('hello') }), '不是 Excel 工作簿（缺少 xl/workbook.xml）'));
  test('a Word document', () => refused(zipSync({ 'word/document.xml': strToU8('<w/>') }), '这是 Word 文档'));
});

describe('readWorkbooks', () => {
  test('collects every file’s problems, and conflicts between files, into one error', async () => {
    const a = await withCell('leadershipMeetings', 3);
    const b = await withCell('leadershipMeetings', 4);
    const issues = await issuesOf(
      readWorkbooks(
        [
          { file: 'a.xlsx', input: a.bytes },
          { file: 'b.xlsx', input: b.bytes },
          { file: 'c.csv', input: strToU8('a,b\n') },
        ],
        { ruleset: districtRs, units },
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(['c.csv', a.place.replace(F, 'b.xlsx')]);
    expect(issues[1]!.message).toContain('填报了两次且不一致');
  });
});
