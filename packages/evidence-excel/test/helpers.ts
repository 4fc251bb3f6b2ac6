import ExcelJS from 'exceljs';
import { createEngine, EvidenceError, type CompiledRuleset, type Ruleset } from '@safecity/engine';
import { district, municipal } from '@safecity/ruleset-xian-2022';
import { expect } from 'vitest';

export const engine = createEngine();
export const districtRs = engine.compile(district);
export const municipalRs = engine.compile(municipal);

/** A small ruleset with the field types the Xi'an rubrics do not use (date, enum, number bounds, free document lists) and a veto field. */
export const extraJson = {
  id: 'test/extra',
  version: '1.0.0',
  edition: 2022,
  title: { zh: '测试细则' },
  unitKinds: ['district'],
  fields: [
    { name: 'planIssued', type: 'date', title: { zh: '方案印发日期' } },
    { name: 'level', type: 'enum', title: { zh: '创建等级' }, values: ['国家级', '省级', '市级'] },
    { name: 'budget', type: 'number', title: { zh: '专项经费' }, unit: '万元', minimum: 0, maximum: 100000 },
    { name: 'drills', type: 'integer', title: { zh: '演练次数' }, unit: '次', maximum: 50 },
    { name: 'otherDocs', type: 'documents', title: { zh: '其他制度文件' } },
    { name: 'coverage', type: 'rate', title: { zh: '覆盖率' }, unit: '%' },
    { name: 'flagged', type: 'boolean', title: { zh: '发生瞒报' } },
  ],
  tree: [
    {
      id: 'A',
      title: { zh: '组' },
      max: 10,
      children: [
        { id: 'A.1', title: { zh: '方案' }, max: 2, scoring: { method: 'presence', params: { field: 'planIssued' } } },
        { id: 'A.2', title: { zh: '等级' }, max: 2, scoring: { method: 'presence', params: { field: 'level' } } },
        { id: 'A.3', title: { zh: '经费与演练' }, max: 2, scoring: { method: 'checklist', params: { points: [
          { id: 'b', title: { zh: '经费' }, field: 'budget', points: 1 },
          { id: 'd', title: { zh: '演练' }, field: 'drills', points: 1 },
        ] } } },
        { id: 'A.4', title: { zh: '文件' }, max: 2, scoring: { method: 'presence', params: { field: 'otherDocs' } } },
        { id: 'A.5', title: { zh: '覆盖' }, max: 2, scoring: { method: 'rate', params: { field: 'coverage', target: 90 } } },
      ],
    },
  ],
  vetoes: [{ id: 'v', title: { zh: '瞒报' }, when: { var: 'flagged' }, reason: { zh: '瞒报事故' }, effect: { type: 'zero' } }],
} as unknown as Ruleset;
export const extraRs: CompiledRuleset = engine.compile(extraJson);
export const extraUnit = { id: 'yanta', name: '雁塔区', kind: 'district' };

/** Load bytes with exceljs (as a person's spreadsheet program would). */
export async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

export async function save(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export interface MetaRow {
  sheet: string;
  row: number;
  kind: string;
  item: string;
  field: string;
  document: string;
}

/** The row map of a template's `_meta`. */
export function metaRows(wb: ExcelJS.Workbook): MetaRow[] {
  const ws = wb.getWorksheet('_meta')!;
  const out: MetaRow[] = [];
  ws.eachRow((row) => {
    if (row.getCell(1).value !== 'row') return;
    const v = (i: number) => String(row.getCell(i).value ?? '');
    out.push({ sheet: v(2), row: Number(v(3)), kind: v(4), item: v(5), field: v(6), document: v(7) });
  });
  return out;
}

/** Fill cells (sheet, address → value) of a workbook and save it. */
export async function fill(
  bytes: Uint8Array,
  edit: (wb: ExcelJS.Workbook) => void | Promise<void>,
): Promise<Uint8Array> {
  const wb = await load(bytes);
  await edit(wb);
  return save(wb);
}

/** Run a promise expected to fail with an EvidenceError; return its issues. */
export async function issuesOf(p: Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(EvidenceError);
    return [...(err as EvidenceError).issues];
  }
  throw new Error('expected an EvidenceError');
}

/** Row of a field (and document) in the map. */
export function rowOf(rows: readonly MetaRow[], field: string, document = ''): MetaRow {
  const r = rows.find((m) => m.field === field && m.document === document);
  if (r === undefined) throw new Error(`no row for ${field} ${document}`);
  return r;
}
