/**
 * The workbook reader (one inflation, a streaming XML parser): what exceljs read, read the same;
 * what a hostile or broken file does, refused with its place and a plain message.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type ExcelJS from 'exceljs';
import type { DocumentEntry, Ruleset, UnitEvidence } from '@safecity/engine';
import { units, unitById } from '@safecity/ruleset-xian-2022';
import { parseWorkbook } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, engine, extraRs, extraUnit, fill, issuesOf, load, metaRows, rowOf, type MetaRow } from './helpers.js';
import registerRuleset from '../../engine/test/fixtures/register.ruleset.json' with { type: 'json' };

/** LibreOffice, when installed (as the report package's print tests find it): the re-save test runs where it is. */
const soffice = ['/usr/bin', ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean)]
  .flatMap((d) => ['soffice', 'libreoffice'].map((n) => join(d, n)))
  .find((f) => {
    try {
      accessSync(f, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

const F = 'yanta.xlsx';
const yanta = unitById('yanta')!;
let extra: Uint8Array;
let extraRows: MetaRow[];
let district: Uint8Array;
let districtRows: MetaRow[];

beforeAll(async () => {
  extra = await excelTemplate(extraRs, extraUnit);
  extraRows = metaRows(await load(extra));
  district = await excelTemplate(districtRs, yanta);
  districtRows = metaRows(await load(district));
});

const parseExtra = (bytes: Uint8Array) => parseWorkbook(bytes, { file: F, ruleset: extraRs });
const parseDistrict = (bytes: Uint8Array) => parseWorkbook(bytes, { file: F, ruleset: districtRs, units });

/** The part path of a sheet, through workbook.xml and its relationships. */
function sheetPath(entries: Record<string, Uint8Array>, sheet: string): string {
  const dec = (p: string) => new TextDecoder().decode(entries[p]);
  const rid = new RegExp(`<sheet [^>]*name="${sheet}"[^>]*r:id="([^"]+)"`).exec(dec('xl/workbook.xml'))?.[1];
  const target = new RegExp(`<Relationship [^>]*Id="${rid}"[^>]*Target="([^"]+)"`).exec(dec('xl/_rels/workbook.xml.rels'))?.[1];
  if (target === undefined) throw new Error(`no part for sheet ${sheet}`);
  return `xl/${target.replace(/^\/?xl\//, '')}`;
}

/** Edit the XML of one sheet (or any part, by path) and zip the workbook again. */
function patchPart(bytes: Uint8Array, part: { sheet: string } | { path: string }, edit: (xml: string) => string): Uint8Array {
  const entries = unzipSync(bytes);
  const path = 'sheet' in part ? sheetPath(entries, part.sheet) : part.path;
  entries[path] = strToU8(edit(new TextDecoder().decode(entries[path])));
  return zipSync(entries);
}

/** Replace the `<c>` of an address (self-closing or not) in a sheet's XML. */
function setCellXml(xml: string, address: string, cell: string): string {
  const re = new RegExp(`<c r="${address}"[^>]*?/>|<c r="${address}"[^>]*?>.*?</c>`);
  if (!re.test(xml)) throw new Error(`no cell ${address}`);
  return xml.replace(re, cell);
}

/** Set raw cells (address → inner XML and attributes) of 评分项 in the extra template. */
const rawCells = (cells: Record<string, string>, base = () => extra) =>
  patchPart(base(), { sheet: '评分项' }, (xml) => Object.entries(cells).reduce((x, [a, c]) => setCellXml(x, a, c), xml));

const at = (rows: readonly MetaRow[], field: string, document = '') => rowOf(rows, field, document).row;

describe('cells as Excel, WPS and LibreOffice write them', () => {
  test('an inline string (t="inlineStr") and inline rich text runs', async () => {
    const lv = at(extraRows, 'level');
    const docs = at(extraRows, 'otherDocs');
    const r = await parseExtra(
      rawCells({
        [`G${lv}`]: `<c r="G${lv}" t="inlineStr"><is><t>省级</t></is></c>`,
        [`G${docs}`]: `<c r="G${docs}" t="inlineStr"><is><r><rPr><b/></rPr><t>值班</t></r><r><t xml:space="preserve">制度；应急预案</t></r></is></c>`,
      }),
    );
    expect(r.part.values).toEqual({ level: '省级', otherDocs: ['值班制度', '应急预案'] });
  });

  test('rich text in the shared strings (runs joined, phonetic readings left out)', async () => {
    const lv = at(extraRows, 'level');
    const bytes = await fill(extra, (wb) => {
      wb.getWorksheet('评分项')!.getCell(`G${lv}`).value = { richText: [{ text: '国家', font: { bold: true } }, { text: '级' }] };
    });
    expect((await parseExtra(bytes)).part.values).toEqual({ level: '国家级' });
    // A phonetic run (<rPh>, as Japanese and Chinese Excel may add) is not part of the text.
    expect(new TextDecoder().decode(unzipSync(bytes)['xl/sharedStrings.xml'])).toContain('<t>级</t></r>');
    const withPhonetic = patchPart(bytes, { path: 'xl/sharedStrings.xml' }, (xml) => xml.replace('<t>级</t></r>', '<t>级</t></r><rPh sb="0" eb="1"><t>ji</t></rPh>'));
    expect((await parseExtra(withPhonetic)).part.values).toEqual({ level: '国家级' });
  });

  test('booleans (t="b") and error values (t="e")', async () => {
    const flag = rowOf(extraRows, 'flagged');
    const cov = at(extraRows, 'coverage');
    const ok = await parseExtra(patchPart(extra, { sheet: flag.sheet }, (xml) => setCellXml(xml, `G${flag.row}`, `<c r="G${flag.row}" t="b"><v>1</v></c>`)));
    expect(ok.part.values).toEqual({ flagged: true });
    const issues = await issuesOf(parseExtra(rawCells({ [`G${cov}`]: `<c r="G${cov}" t="e"><v>#N/A</v></c>` })));
    expect(issues).toEqual([{ path: `${F}!评分项!G${cov}`, message: '评分项 A.5 的“覆盖率”为错误值 #N/A；请改为有效的值' }]);
  });

  test('a shared formula: the master and a cell sharing it, each read from its cached result, the warning naming each cell’s own formula', async () => {
    const b = at(extraRows, 'budget');
    const d = at(extraRows, 'drills');
    expect(d).toBe(b + 1);
    const r = await parseExtra(
      rawCells({
        [`G${b}`]: `<c r="G${b}"><f t="shared" ref="G${b}:G${d}" si="0">D${b}*2+1</f><v>5</v></c>`,
        [`G${d}`]: `<c r="G${d}"><f t="shared" si="0"/><v>7</v></c>`,
      }),
    );
    expect(r.part.values).toEqual({ budget: 5, drills: 7 });
    expect(r.warnings).toEqual([
      { path: `${F}!评分项!G${b}`, message: `评分项 A.3 的“专项经费”是公式（=D${b}*2+1），已按文件中保存的计算结果 "5" 读取；请核对` },
      { path: `${F}!评分项!G${d}`, message: `评分项 A.3 的“演练次数”是公式（=D${d}*2+1），已按文件中保存的计算结果 "7" 读取；请核对` },
    ]);
  });

  test('a formula whose cached result is text (t="str"), with an escaped character', async () => {
    const lv = at(extraRows, 'level');
    const r = await parseExtra(rawCells({ [`G${lv}`]: `<c r="G${lv}" t="str"><f>"市"&amp;"级"</f><v>市级</v></c>` }));
    expect(r.part.values).toEqual({ level: '市级' });
    expect(r.warnings[0]!.message).toBe('评分项 A.2 的“创建等级”是公式（="市"&"级"），已按文件中保存的计算结果 "市级" 读取；请核对');
  });

  test('a formula whose cached result is 0 is read as 0 (fails on the old reader: "no cached result")', async () => {
    const d = at(extraRows, 'drills');
    const r = await parseExtra(rawCells({ [`G${d}`]: `<c r="G${d}"><f>1-1</f><v>0</v></c>` }));
    expect(r.part.values).toEqual({ drills: 0 });
    expect(r.warnings[0]).toEqual({ path: `${F}!评分项!G${d}`, message: '评分项 A.3 的“演练次数”是公式（=1-1），已按文件中保存的计算结果 "0" 读取；请核对' });
  });

  test('a formula whose cached result is empty text is blank, not "no cached result" (fails on the old reader)', async () => {
    const lv = at(extraRows, 'level');
    const r = await parseExtra(rawCells({ [`G${lv}`]: `<c r="G${lv}" t="str"><f>IF(1,"","x")</f><v></v></c>` }));
    expect(r.part.values).toEqual({});
    expect(r.records.find((x) => x.place === `${F}!评分项!G${lv}`)?.status).toBe('empty');
  });

  test('a formula without a cached result (no <v>) is still an error at its cell', async () => {
    const d = at(extraRows, 'drills');
    const issues = await issuesOf(parseExtra(rawCells({ [`G${d}`]: `<c r="G${d}"><f>SUM(A1:A2)</f></c>` })));
    expect(issues).toEqual([{ path: `${F}!评分项!G${d}`, message: expect.stringContaining('是公式（=SUM(A1:A2)），但文件中没有保存计算结果') }]);
  });

  test('date cells: a serial with a custom date format, with the built-in format 14, with a Chinese format; and a date typed as text', async () => {
    const p = at(extraRows, 'planIssued');
    const read = async (value: ExcelJS.CellValue, numFmt?: string) => {
      const bytes = await fill(extra, (wb) => {
        const c = wb.getWorksheet('评分项')!.getCell(`G${p}`);
        c.value = value;
        if (numFmt !== undefined) c.numFmt = numFmt;
      });
      return (await parseExtra(bytes)).part.values['planIssued'];
    };
    expect(await read(new Date(Date.UTC(2023, 2, 15)), 'yyyy-mm-dd')).toBe('2023-03-15');
    expect(await read(new Date(Date.UTC(2023, 2, 15)), 'mm-dd-yy')).toBe('2023-03-15');
    expect(await read(new Date(Date.UTC(2023, 2, 15)), 'yyyy"年"m"月"d"日"')).toBe('2023-03-15');
    expect(await read('2023年3月15日')).toBe('2023-03-15');
    // The serial itself, under a date format, as Excel writes it (45000 = 2023-03-15).
    const styled = await fill(extra, (wb) => {
      const c = wb.getWorksheet('评分项')!.getCell(`G${p}`);
      c.value = new Date(Date.UTC(2000, 0, 1));
      c.numFmt = 'yyyy-mm-dd';
    });
    const serial = patchPart(styled, { sheet: '评分项' }, (xml) => xml.replace(new RegExp(`(<c r="G${p}"[^>]*>)<v>[^<]*</v>`), '$1<v>45000</v>'));
    expect((await parseExtra(serial)).part.values['planIssued']).toBe('2023-03-15');
  });

  test('a 印发日期 in 佐证材料清单 as a date cell and as text', async () => {
    const rs = engine.compile(registerRuleset as unknown as Ruleset);
    const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
    const template = await excelTemplate(rs, unit);
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('佐证材料清单')!;
      ws.getCell('C2').value = '关于印发安全发展规划的通知';
      ws.getCell('E2').value = new Date(Date.UTC(2022, 5, 1));
      ws.getCell('E2').numFmt = 'yyyy/m/d';
      ws.getCell('C3').value = '考核办法';
      ws.getCell('E3').value = '2022.7.8';
    });
    const r = await parseWorkbook(bytes, { file: F, ruleset: rs });
    const dates = Object.values(r.part.register ?? {}).flatMap((es) => es.map((e) => [e.title, e.date]));
    expect(dates).toEqual(expect.arrayContaining([['关于印发安全发展规划的通知', '2022-06-01'], ['考核办法', '2022-07-08']]));
  });

  test('a link pasted into 附件路径或链接 (a hyperlink cell) reads as its text', async () => {
    const rs = engine.compile(registerRuleset as unknown as Ruleset);
    const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
    const bytes = await fill(await excelTemplate(rs, unit), (wb) => {
      const ws = wb.getWorksheet('佐证材料清单')!;
      ws.getCell('C2').value = '规划';
      ws.getCell('G2').value = { text: '共享盘/规划.pdf', hyperlink: 'https://example.org/a.pdf' };
    });
    const r = await parseWorkbook(bytes, { file: F, ruleset: rs });
    const links = Object.values(r.part.register ?? {}).flatMap((es) => es.map((e) => e.link));
    expect(links).toEqual(['共享盘/规划.pdf']);
  });

  test('a 填报值 cell merged into the one above is refused, naming the master cell', async () => {
    const b = at(extraRows, 'budget');
    const bytes = patchPart(extra, { sheet: '评分项' }, (xml) => xml.replace('</mergeCells>', `<mergeCell ref="G${b}:G${b + 1}"/></mergeCells>`));
    const issues = await issuesOf(parseExtra(bytes));
    expect(issues).toEqual([{ path: `${F}!评分项!G${b + 1}`, message: `评分项 A.3 的“演练次数”的填报值单元格 G${b + 1} 被合并到 G${b}；请取消合并后逐行填写` }]);
  });
});

describe('the data validations are skipped unparsed, never more than them', () => {
  test('a comment or processing instruction holding "<dataValidations" before the cells: the sheet is read whole', async () => {
    const lv = at(extraRows, 'level');
    for (const trap of ['<!-- <dataValidations> -->', '<?trap <dataValidations ?>']) {
      const bytes = patchPart(rawCells({ [`G${lv}`]: `<c r="G${lv}" t="inlineStr"><is><t>省级</t></is></c>` }), { sheet: '评分项' }, (xml) => {
        expect(xml).toContain('</dataValidations>');
        return xml.replace('<sheetData>', `${trap}<sheetData>`);
      });
      expect((await parseExtra(bytes)).part.values).toEqual({ level: '省级' });
    }
  });
});

describe('a LibreOffice re-save of a filled template', () => {
  const rs = engine.compile(registerRuleset as unknown as Ruleset);
  const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
  const entry = (document: string, date: string): DocumentEntry => ({ document, title: `关于${document}的通知`, number: '区安委〔2022〕3号', date, archived: true, link: '共享盘/文件.pdf', provider: '区应急局', contact: '张三' });

  test.skipIf(soffice === undefined)('reads the same values, register, claims and records', async () => {
    const required = (registerRuleset.tree[0]!.children[0]!.scoring.params.required as string[]).slice(0, 2);
    const evidence: UnitEvidence = {
      unit,
      values: { policyDocs: required, drill: true, planIssued: true },
      register: { policyDocs: required.map((d, i) => entry(d, `2022-0${i + 3}-1${i}`)), planIssued: [entry('planIssued', '2022-12-31')] },
      claims: { drill: '由市级统一承担' },
    };
    const bytes = await excelTemplate(rs, unit, { evidence });
    const work = mkdtempSync(join(tmpdir(), 'safecity-resave-'));
    try {
      const input = join(work, 'in', 'yanta.xlsx');
      spawnSync('mkdir', ['-p', join(work, 'in')]);
      writeFileSync(input, bytes);
      const res = spawnSync(
        soffice as string,
        [`-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`, '--headless', '--norestore', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', work, input],
        { encoding: 'utf8', timeout: 120_000 },
      );
      const resaved = new Uint8Array(readFileSync(join(work, 'yanta.xlsx')));
      expect(res.status).toBe(0);
      expect(resaved).not.toEqual(bytes);
      const a = await parseWorkbook(bytes, { file: F, ruleset: rs });
      const b = await parseWorkbook(resaved, { file: F, ruleset: rs });
      expect(b.part).toEqual(a.part);
      expect(b.records).toEqual(a.records);
      expect(b.warnings).toEqual(a.warnings);
      expect(a.part.claims).toEqual(evidence.claims);
      expect(Object.keys(a.part.register ?? {}).sort()).toEqual(['planIssued', 'policyDocs']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});

/** Patch a zip entry's declared (uncompressed) size in the central directory and local header. */
function patchSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  const enc = new TextEncoder().encode(name);
  const nameAt = (p: number, len: number) => len === enc.length && enc.every((b, i) => out[p + i] === b);
  for (let p = 0; p + 46 < out.length; p++) {
    const sig = v.getUint32(p, true);
    if (sig === 0x02014b50 && nameAt(p + 46, v.getUint16(p + 28, true))) v.setUint32(p + 24, size, true);
    if (sig === 0x04034b50 && nameAt(p + 30, v.getUint16(p + 26, true))) v.setUint32(p + 22, size, true);
  }
  return out;
}

describe('hostile and broken files: refused with the file and a plain message', () => {
  const refused = async (bytes: Uint8Array, message: string) => {
    const issues = await issuesOf(parseDistrict(bytes));
    expect(issues).toEqual([{ path: F, message }]);
  };

  test('a sheet whose zip entry declares fewer bytes than it holds', async () => {
    const path = sheetPath(unzipSync(district), '评分项');
    await refused(patchSize(district, path, 100), `条目 ${path} 解压后超过文件头声明的 100 字节（文件头不实，可能是“压缩炸弹”），拒绝读取`);
  });

  test('a sheet whose zip entry declares more bytes than it holds', async () => {
    const entries = unzipSync(district);
    const path = sheetPath(entries, '评分项');
    const size = entries[path]!.length;
    await refused(patchSize(district, path, size + 10), `ZIP 文件已损坏（条目 ${path} 解压后为 ${size} 字节，文件头记录为 ${size + 10} 字节），无法读取`);
  });

  test('a zip bomb under the cap that lies about its size: refused, nothing kept', async () => {
    const entries = unzipSync(district);
    entries['xl/media/big.bin'] = new Uint8Array(50_000_000);
    await refused(patchSize(zipSync(entries), 'xl/media/big.bin', 1000), '条目 xl/media/big.bin 解压后超过文件头声明的 1000 字节（文件头不实，可能是“压缩炸弹”），拒绝读取');
  });

  test('a zip bomb that lies about its size, under a small cap: refused in 4 KB pieces as before', async () => {
    const bomb = zipSync({ ...unzipSync(district), 'xl/media/big.bin': new Uint8Array(30_000_000) });
    const issues = await issuesOf(parseWorkbook(patchSize(bomb, 'xl/media/big.bin', 10), { file: F, ruleset: districtRs, limits: { maxUncompressedBytes: 5_000_000 } }));
    expect(issues).toEqual([{ path: F, message: '条目 xl/media/big.bin 解压后超过文件头声明的 10 字节（文件头不实，可能是“压缩炸弹”），拒绝读取' }]);
  });

  test('a DOCTYPE with an entity expansion (billion laughs) is refused, nothing expanded', async () => {
    const laughs = '<!DOCTYPE worksheet [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
    const entries = unzipSync(district);
    const path = sheetPath(entries, '_meta');
    const bytes = patchPart(district, { path }, (xml) => xml.replace(/(<\?xml[^>]*\?>)/, `$1${laughs}`).replace('<sheetData>', '<sheetData><row r="999"><c r="A999" t="inlineStr"><is><t>&c;</t></is></c></row>'));
    await refused(bytes, `工作簿已损坏，无法读取（${path} 含有文档类型声明（DOCTYPE），出于安全原因拒绝读取）；请用 Excel 或 WPS 打开后重新保存为 .xlsx`);
  });

  test('an external entity (XXE) in the shared strings is refused', async () => {
    const bytes = patchPart(district, { path: 'xl/sharedStrings.xml' }, (xml) =>
      xml.replace(/(<\?xml[^>]*\?>)/, '$1<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>').replace('<si>', '<si><t>&x;</t></si><si>'),
    );
    await refused(bytes, '工作簿已损坏，无法读取（xl/sharedStrings.xml 含有文档类型声明（DOCTYPE），出于安全原因拒绝读取）；请用 Excel 或 WPS 打开后重新保存为 .xlsx');
  });

  test('truncated XML in a sheet', async () => {
    const entries = unzipSync(district);
    const path = sheetPath(entries, '评分项');
    const bytes = patchPart(district, { path }, (xml) => xml.slice(0, Math.floor(xml.length / 3)));
    const issues = await issuesOf(parseDistrict(bytes));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(F);
    expect(issues[0]!.message).toMatch(new RegExp(`^工作簿已损坏，无法读取（${path.replace(/\./g, '\\.')} 的 XML 不完整或有误：.+）；请用 Excel 或 WPS 打开后重新保存为 \\.xlsx$`));
  });

  test('a cell referring to a shared string that is not there', async () => {
    const r = at(districtRows, 'leadershipMeetings');
    const path = sheetPath(unzipSync(district), '评分项');
    const bytes = patchPart(district, { sheet: '评分项' }, (xml) => setCellXml(xml, `G${r}`, `<c r="G${r}" t="s"><v>99999</v></c>`));
    await refused(bytes, `工作簿已损坏，无法读取（${path} 的单元格 G${r} 引用了不存在的共享字符串 99999）；请用 Excel 或 WPS 打开后重新保存为 .xlsx`);
  });
});
