import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type ExcelJS from 'exceljs';
import { EvidenceError, registerValue, stableJson, type DocumentEntry, type Ruleset, type UnitEvidence } from '@safecity/engine';
import { district, unitById, units } from '@safecity/ruleset-xian-2022';
import { parseWorkbook, readWorkbooks } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { BOOLEAN_LIST, BOOLEAN_PAIRS, BOOLEAN_WORDS, toBoolean } from '../src/values.js';
import { districtRs, engine, fill, issuesOf, load, metaRows, rowOf, type MetaRow } from './helpers.js';
import registerRuleset from '../../engine/test/fixtures/register.ruleset.json' with { type: 'json' };

// The same small rubric as the other adapter's and the engine's register tests: a documents field,
// a document yes/no field and a plain yes/no field.
const REQUIRED = registerRuleset.tree[0]!.children[0]!.scoring.params.required as string[];
const rs = engine.compile(registerRuleset as unknown as Ruleset);
const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
const F = 'yanta.xlsx';
const REG = '佐证材料清单';
let template: Uint8Array;
let rows: MetaRow[];

beforeAll(async () => {
  template = await excelTemplate(rs, unit);
  rows = metaRows(await load(template));
});

const parse = (bytes: Uint8Array) => parseWorkbook(bytes, { file: F, ruleset: rs });

async function thrown(p: Promise<unknown>): Promise<EvidenceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceError);
    return e as EvidenceError;
  }
  throw new Error('expected an EvidenceError');
}

/** Set cells of 佐证材料清单: row → [column letter, value] pairs. */
const setRegister = (ws: ExcelJS.Worksheet, row: number, cells: Record<string, unknown>) => {
  for (const [col, v] of Object.entries(cells)) ws.getCell(`${col}${row}`).value = v as ExcelJS.CellValue;
};

describe('the 佐证材料清单 sheet', () => {
  test('one pre-filled row per required document and per document field, then blank rows', async () => {
    const wb = await load(template);
    const ws = wb.getWorksheet(REG)!;
    const header = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => ws.getCell(1, c).value);
    expect(header).toEqual(['评分项', '材料要求', '证明材料名称', '文号', '印发日期', '是否归档', '附件路径或链接', '提供单位', '联系人']);
    expect([2, 3, 4, 5].map((r) => [ws.getCell(r, 1).value, ws.getCell(r, 2).value])).toEqual([
      ['docs 配套政策', '安全生产责任制规定'],
      ['docs 配套政策', '安全生产考核办法'],
      ['docs 配套政策', '隐患排查治理制度'],
      ['plan 实施方案', '创建实施方案'],
    ]);
    expect(ws.getCell('A2').protection?.locked).not.toBe(false);
    expect(ws.getCell('C2').protection?.locked).toBe(false);
    expect(ws.getCell('A6').protection?.locked).toBe(false); // room for more
    // exceljs spreads a loaded range over its cells.
    const dv = (ws as unknown as { dataValidations: { find(address: string): ExcelJS.DataValidation | undefined } }).dataValidations;
    for (const a of ['E2', 'E25']) expect(dv.find(a)?.type).toBe('date');
    expect(dv.find('F3')?.formulae).toEqual([`"${BOOLEAN_LIST.join(',')}"`]);
    expect(dv.find('A6')?.type).toBe('list');
    expect(dv.find('A5')).toBeUndefined();
    // The 评分项 sheet has its 不适用原因 column.
    expect(wb.getWorksheet('评分项')!.getCell('I1').value).toBe('不适用原因');
  });

  test('registered documents are read back; the value is what counts; the card names the incomplete one', async () => {
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet(REG)!;
      setRegister(ws, 2, { C: '西安市雁塔区安全生产责任制规定', D: '雁政发〔2022〕3号', E: new Date(Date.UTC(2022, 2, 1)), F: '√', G: 'docs/1.pdf', H: '区应急局', I: '王明' });
      setRegister(ws, 3, { C: '雁塔区安全生产考核办法' });
      setRegister(ws, 5, { C: '雁塔区创建实施方案', E: '2022年2月1日' });
      setRegister(ws, 6, { A: 'docs', B: '安全生产宣传制度', C: '雁塔区安全宣传制度', D: '雁安办〔2022〕9号' });
      wb.getWorksheet('评分项')!.getCell(`G${rowOf(rows, 'policyDocs', '隐患排查治理制度').row}`).value = '是';
      wb.getWorksheet('评分项')!.getCell(`I${rowOf(rows, 'drill').row}`).value = '本区本年度无演练任务';
    });
    const r = await parse(bytes);
    expect(r.part.values).toEqual({ policyDocs: ['隐患排查治理制度', '安全生产责任制规定', '安全生产宣传制度'], planIssued: true });
    expect(r.part.register).toEqual({
      policyDocs: [
        { document: '安全生产责任制规定', title: '西安市雁塔区安全生产责任制规定', number: '雁政发〔2022〕3号', date: '2022-03-01', archived: true, link: 'docs/1.pdf', provider: '区应急局', contact: '王明' },
        { document: '安全生产考核办法', title: '雁塔区安全生产考核办法' },
        { document: '安全生产宣传制度', title: '雁塔区安全宣传制度', number: '雁安办〔2022〕9号' },
      ],
      planIssued: [{ document: 'planIssued', title: '雁塔区创建实施方案', date: '2022-02-01' }],
    });
    expect(r.part.claims).toEqual({ drill: '本区本年度无演练任务' });
    expect(r.part.sources['policyDocs']).toContain(`${F}!${REG}!C2`);
    // 隐患排查治理制度 was ticked 是 but not registered: the one warning of the file names its field.
    expect(r.warnings).toEqual([{ path: F, message: expect.stringContaining('佐证材料清单为空：“创建配套政策文件”只填了“是”或文件名') }]);
    const card = rs.score({ unit: r.part.unit, values: r.part.values, register: r.part.register!, claims: r.part.claims! });
    const nodes = card.nodes[0]!.children!;
    expect(nodes[0]!.deductions![0]!.reason).toBe('创建配套政策文件缺1项：《安全生产考核办法》（已登记，缺文号和印发日期）；每缺一项扣0.2分，1分扣完为止，扣0.2分');
    expect(nodes[2]!.claim).toEqual({ notApplicable: '本区本年度无演练任务' });
  });

  test('a bad date, a 是否归档 that is no yes/no word and a row naming an unknown item are errors at their cells', async () => {
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet(REG)!;
      setRegister(ws, 2, { C: 'A', E: '2022-02-30' });
      setRegister(ws, 3, { C: 'B', D: '1号', F: '已归' });
      setRegister(ws, 6, { A: '9.9.9', C: 'C', D: '2号' });
      setRegister(ws, 7, { A: 'drill', C: 'D', D: '3号' });
      setRegister(ws, 8, { C: '没有评分项', D: '4号' });
    });
    const issues = await issuesOf(parse(bytes));
    expect(issues).toEqual([
      { path: `${F}!${REG}!E2`, message: `${REG}第 2 行（安全生产责任制规定）的印发日期应为日期（YYYY-MM-DD），实为"2022-02-30"` },
      { path: `${F}!${REG}!F3`, message: `${REG}第 3 行（安全生产考核办法）的是否归档应为“是”或“否”（也接受 ${BOOLEAN_WORDS}），实为"已归"` },
      { path: `${F}!${REG}!A6`, message: `${REG}第 6 行的评分项“9.9.9”不是本细则的评分项；请从下拉列表中选择评分项编号` },
      { path: `${F}!${REG}!A7`, message: `${REG}第 7 行的评分项 drill 不要求登记文件类佐证材料（或不适用于雁塔区）；请核对评分项编号` },
      { path: `${F}!${REG}!A8`, message: `${REG}第 8 行未填写评分项编号：请填写该文件所属的评分项编号` },
    ]);
  });

  test('a plain 是 with an empty register reads, with ONE warning for the file listing the fields (not one per cell)', async () => {
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      for (const d of REQUIRED) ws.getCell(`G${rowOf(rows, 'policyDocs', d).row}`).value = '是';
      ws.getCell(`G${rowOf(rows, 'planIssued').row}`).value = '是';
      ws.getCell(`G${rowOf(rows, 'drill').row}`).value = '是';
    });
    const r = await parse(bytes);
    expect(r.part.values).toEqual({ policyDocs: REQUIRED, planIssued: true, drill: true });
    expect(r.warnings).toEqual([
      {
        path: F,
        message: `佐证材料清单为空：“创建配套政策文件”、“创建实施方案”只填了“是”或文件名，未在“${REG}”中登记证明材料名称、文号和印发日期；暂按已提供计分，请补充登记（数据核查以清单为准）`,
      },
    ]);
  });
});

describe('round trip: evidence (values, register, claims) → pre-filled template → parse = the same evidence', () => {
  const text = fc.constantFrom('西安市雁塔区安全生产责任制规定', '雁政发〔2022〕3号', '王 明', 'docs/a b.pdf', '12');
  const entry = (docs: readonly string[]) =>
    fc.record(
      {
        document: fc.constantFrom(...docs),
        title: text,
        number: text,
        date: fc.integer({ min: Date.UTC(2000, 0, 1) / 864e5, max: Date.UTC(2030, 11, 31) / 864e5 }).map((d) => new Date(d * 864e5).toISOString().slice(0, 10)),
        archived: fc.boolean(),
        link: text,
        provider: text,
        contact: text,
      },
      { requiredKeys: ['document'] },
    ) as fc.Arbitrary<DocumentEntry>;
  const evidence: fc.Arbitrary<UnitEvidence> = fc
    .record({
      plain: fc.option(fc.subarray(REQUIRED), { nil: undefined }),
      docs: fc.array(entry([...REQUIRED, '补充文件']), { maxLength: 5 }),
      plan: fc.oneof(fc.constant(undefined), fc.boolean(), fc.array(entry(['planIssued']), { minLength: 1, maxLength: 2 })),
      drill: fc.option(fc.boolean(), { nil: undefined }),
      claim: fc.option(fc.constantFrom('本区无此任务', '由市级统一承担'), { nil: undefined }),
    })
    .map(({ plain, docs, plan, drill, claim }) => {
      const values: Record<string, any> = {};
      const register: Record<string, DocumentEntry[]> = {};
      const listed = new Set(docs.map((e) => e.document));
      if (docs.length > 0) {
        register['policyDocs'] = docs;
        values['policyDocs'] = registerValue({ type: 'documents' }, docs, (plain ?? []).filter((d) => !listed.has(d)));
      } else if (plain !== undefined) values['policyDocs'] = plain;
      if (Array.isArray(plan)) {
        register['planIssued'] = plan;
        values['planIssued'] = registerValue({ type: 'boolean' }, plan);
      } else if (plan !== undefined) values['planIssued'] = plan;
      if (drill !== undefined) values['drill'] = drill;
      const e: UnitEvidence = { unit, values };
      if (Object.keys(register).length > 0) e.register = register;
      if (claim !== undefined) e.claims = { drill: claim };
      return e;
    });
  const sorted = (v: unknown) => (Array.isArray(v) ? v.map((x) => stableJson(x)).sort() : v);
  const norm = (r: Record<string, unknown> | undefined) => (r === undefined ? undefined : Object.fromEntries(Object.entries(r).map(([k, v]) => [k, sorted(v)])));

  test('keeps values, register and claims (documents in any order)', async () => {
    await fc.assert(
      fc.asyncProperty(evidence, async (e) => {
        const r = await parse(await excelTemplate(rs, unit, { evidence: e }));
        expect(norm(r.part.values)).toEqual(norm(e.values));
        expect(norm(r.part.register)).toEqual(norm(e.register));
        expect(r.part.claims).toEqual(e.claims);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('clerk-facing fixes', () => {
  test('a workbook made for another edition names that edition and the current one, not "模板信息已损坏" (fails on the old reader)', async () => {
    // The next edition renamed a field: the old reader checked the row map first and called the workbook broken.
    const next = JSON.parse(JSON.stringify(district).split('"leadingGroupDoc"').join('"leadingGroupDocument"')) as Ruleset;
    next.version = '2.1.0';
    next.edition = 2023;
    next.title = { zh: '西安市安全发展示范城市创建评价细则（2023版）·区县（开发区）' };
    const bytes = await excelTemplate(districtRs, unitById('yanta')!);
    const issues = await issuesOf(parseWorkbook(bytes, { file: F, ruleset: engine.compile(next), units }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).not.toContain('已损坏');
    expect(issues[0]!.message).toContain(`此工作簿是按评价细则《${district.title.zh}》（xian-2022/district ${district.version}，2022版）生成的`);
    expect(issues[0]!.message).toContain('当前细则为《西安市安全发展示范城市创建评价细则（2023版）·区县（开发区）》（xian-2022/district 2.1.0，2023版）');
  });

  test('the 是/否 words agree: the reader, the cells’ validation and the 填报说明 accept the same words (fails on the old template: 是,否 only)', async () => {
    for (const [y, n] of BOOLEAN_PAIRS) {
      expect(toBoolean({ kind: 'text', text: y })).toBe(true);
      expect(toBoolean({ kind: 'text', text: n })).toBe(false);
    }
    expect([...BOOLEAN_LIST].sort()).toEqual(BOOLEAN_PAIRS.flat().sort());
    // A word the reader takes is one the list offers (and no other).
    for (const w of ['✓', '对', '没有', '错']) expect(toBoolean({ kind: 'text', text: w })).toBeUndefined();
    const wb = await load(template);
    const dvs = (wb.getWorksheet('评分项') as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
    const lists = Object.values(dvs).filter((v) => v.type === 'list');
    expect(lists.length).toBeGreaterThan(0);
    for (const v of lists) expect(v.formulae).toEqual([`"${BOOLEAN_LIST.join(',')}"`]);
    const guide: string[] = [];
    wb.getWorksheet('填报说明')!.eachRow((r) => guide.push(String(r.getCell(1).value)));
    const all = guide.join('\n');
    for (const [y, n] of BOOLEAN_PAIRS.slice(1)) expect(all).toContain(`${y}/${n}`);
  });

  test('an error carries the warnings of the same workbook, so both are fixed in one round (fails on the old reader)', async () => {
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell(`G${rowOf(rows, 'drill').row}`).value = '大概';
      ws.getCell(`H${rowOf(rows, 'planIssued').row}`).value = '是，已印发';
    });
    const e = await thrown(parse(bytes));
    expect(e.issues).toHaveLength(1);
    expect(e.warnings).toEqual([{ path: `${F}!评分项!H${rowOf(rows, 'planIssued').row}`, message: expect.stringContaining('备注中写有“是，已印发”') }]);
    const e2 = await thrown(readWorkbooks([{ file: F, input: bytes }], { ruleset: rs }));
    expect(e2.warnings).toHaveLength(1);
  });

  test('a value typed into 备注 with 填报值 empty warns at the 备注 cell (fails on the old reader: silent)', async () => {
    const r0 = rowOf(rows, 'drill').row;
    const bytes = await fill(template, (wb) => {
      wb.getWorksheet('评分项')!.getCell(`H${r0}`).value = '是';
    });
    const r = await parse(bytes);
    expect(r.part.values).toEqual({});
    expect(r.warnings).toContainEqual({
      path: `${F}!评分项!H${r0}`,
      message: `评分项 drill 的“开展演练”的填报值（G 列）为空，而备注中写有“是”：备注不计分；如这是填报值，请填到 G${r0}，否则本项按未提供计分`,
    });
  });

  test('a blank template warns, naming the file (fails on the old reader: scored 0 in silence)', async () => {
    const r = await parse(template);
    expect(r.warnings).toEqual([{ path: F, message: `未填写任何填报值：本单位将按未提供计分（${F}）` }]);
  });

  test('two files with different values: the conflict in Chinese, with the field’s title and both places', async () => {
    const a = await fill(template, (wb) => void (wb.getWorksheet('评分项')!.getCell(`G${rowOf(rows, 'drill').row}`).value = '是'));
    const b = await fill(template, (wb) => void (wb.getWorksheet('评分项')!.getCell(`G${rowOf(rows, 'drill').row}`).value = '否'));
    const e = await thrown(readWorkbooks([{ file: 'a.xlsx', input: a }, { file: 'b.xlsx', input: b }], { ruleset: rs }));
    const r0 = rowOf(rows, 'drill').row;
    expect(e.issues).toEqual([
      { path: `b.xlsx!评分项!G${r0}`, message: `雁塔区的“开展演练”填报了两次且不一致：a.xlsx!评分项!G${r0}为 是，此处为 否；同一项只能填报一个值，请核对后保留一处` },
    ]);
  });

  test('version 1 workbooks (no 佐证材料清单, no 不适用原因) still read', async () => {
    // Made as format 1 made them: the sheet and column removed, _meta saying version 1.
    const bytes = await fill(template, (wb) => {
      wb.removeWorksheet(wb.getWorksheet(REG)!.id);
      const meta = wb.getWorksheet('_meta')!;
      meta.eachRow((row) => {
        if (row.getCell(1).value === 'formatVersion') row.getCell(2).value = 1;
      });
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell('I1').value = null;
      ws.getCell(`G${rowOf(rows, 'drill').row}`).value = '是';
    });
    const r = await parse(bytes);
    expect(r.part.values).toEqual({ drill: true });
  });
});

test('the district template pre-filled with a unit’s evidence reads back the same values', async () => {
  const yanta = unitById('yanta')!;
  const values = { leadershipMeetings: 4, policyDocs: ['安全发展规划', '考核奖惩办法'], leadingGroupDoc: true };
  const r = await parseWorkbook(await excelTemplate(districtRs, yanta, { evidence: { unit: yanta, values } }), { file: F, ruleset: districtRs, units });
  expect(r.part.values).toEqual(values);
});
