import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, EvidenceError, type Ruleset, registerValue, type DocumentEntry, type UnitEvidence } from '@safecity/engine';
import { jsonEvidence, jsonTemplate, parseJsonEvidence, readJsonEvidence, evidenceJsonSchema } from '../src/index.js';
import { Ajv } from 'ajv';
import registerRuleset from '../../engine/test/fixtures/register.ruleset.json' with { type: 'json' };

type Json = Record<string, any>;

// The same small rubric as the other adapter's and the engine's register tests: a documents field,
// a document yes/no field and a plain yes/no field.
const REQUIRED = registerRuleset.tree[0]!.children[0]!.scoring.params.required as string[];
const rs = createEngine().compile(registerRuleset as unknown as Ruleset);
const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
const file = 'yanta.json';
const template = () => JSON.parse(JSON.stringify(jsonTemplate(rs, unit))) as Json;
const parse = (t: Json) => parseJsonEvidence(JSON.stringify(t), { file, ruleset: rs });

function thrown(fn: () => unknown): EvidenceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceError);
    return e as EvidenceError;
  }
  throw new Error('expected an EvidenceError');
}

describe('the evidence register in JSON', () => {
  it('a documents field takes register entries; the value is the documents that count', () => {
    const t = template();
    t['items']['docs']['policyDocs'] = [
      '隐患排查治理制度',
      { document: '安全生产责任制规定', title: '西安市雁塔区安全生产责任制规定', number: '雁政发〔2022〕3号', date: '2022-03-01', archived: true, link: 'docs/1.pdf', provider: '区应急局', contact: '王明' },
      { document: '安全生产考核办法', title: '雁塔区安全生产考核办法' },
    ];
    t['items']['plan']['planIssued'] = [{ title: '雁塔区创建实施方案', date: '2022-02-01' }];
    const r = parse(t);
    expect(r.part.values).toEqual({ policyDocs: ['隐患排查治理制度', '安全生产责任制规定'], planIssued: true });
    expect(r.part.register).toEqual({
      policyDocs: [
        { document: '安全生产责任制规定', title: '西安市雁塔区安全生产责任制规定', number: '雁政发〔2022〕3号', date: '2022-03-01', archived: true, link: 'docs/1.pdf', provider: '区应急局', contact: '王明' },
        { document: '安全生产考核办法', title: '雁塔区安全生产考核办法' },
      ],
      planIssued: [{ document: 'planIssued', title: '雁塔区创建实施方案', date: '2022-02-01' }],
    });
    expect(r.warnings).toEqual([]);
    // The card says which document is missing and which is incomplete.
    const card = rs.score({ unit: r.part.unit, values: r.part.values, register: r.part.register! });
    expect(card.nodes[0]!.children![0]!.deductions![0]!.reason).toBe('创建配套政策文件缺1项：《安全生产考核办法》（已登记，缺文号和印发日期）；每缺一项扣0.2分，1分扣完为止，扣0.2分');
  });

  it('a plain 是 or list of names still reads, with ONE warning for the file naming the fields (fails on the old reader: no warning)', () => {
    const t = template();
    t['items']['docs']['policyDocs'] = REQUIRED;
    t['items']['plan']['planIssued'] = true;
    t['items']['drill']['drill'] = true;
    const r = parse(t);
    expect(r.part.values).toEqual({ policyDocs: REQUIRED, planIssued: true, drill: true });
    expect(r.part.register).toBeUndefined();
    expect(r.warnings).toEqual([
      { path: file, message: '佐证材料清单为空：“创建配套政策文件”、“创建实施方案”只填了“是”或文件名，未登记证明材料名称、文号和印发日期；暂按已提供计分，请补充登记（数据核查以清单为准）' },
    ]);
  });

  it('a 不适用 claim is read with its reason', () => {
    const t = template();
    t['items']['drill']['$notApplicable'] = '本区无演练任务';
    t['items']['docs']['$notApplicable'] = null;
    t['items']['drill']['drill'] = false;
    const r = parse(t);
    expect(r.part.claims).toEqual({ drill: '本区无演练任务' });
    const t2 = template();
    t2['items']['drill']['$notApplicable'] = ' ';
    expect(thrown(() => parse(t2)).issues).toEqual([{ path: 'yanta.json#/items/drill/$notApplicable', message: expect.stringContaining('不适用原因应为非空文本') }]);
  });

  it('every bad register entry is named at its JSON pointer', () => {
    const t = template();
    t['items']['docs']['policyDocs'] = [
      { title: 'x', date: '2022-01-01' },
      { document: '安全生产考核办法', date: '2022-02-30', archived: '是', 文号: '1号' },
      7,
    ];
    t['items']['plan']['planIssued'] = ['雁塔区实施方案'];
    t['items']['drill']['drill'] = [{ document: 'drill' }];
    const e = thrown(() => parse(t));
    expect(e.issues.map((i) => i.path)).toEqual([
      'yanta.json#/items/docs/policyDocs/0/document',
      'yanta.json#/items/docs/policyDocs/1/文号',
      'yanta.json#/items/docs/policyDocs/1/date',
      'yanta.json#/items/docs/policyDocs/1/archived',
      'yanta.json#/items/docs/policyDocs/2',
      'yanta.json#/items/plan/planIssued/0',
      'yanta.json#/items/drill/drill',
    ]);
    expect(e.issues[3]!.message).toContain('archived（是否归档）应为 true 或 false，实为 "是"（不加引号）');
    expect(e.issues[2]!.message).toContain('date（印发日期）应为 YYYY-MM-DD 格式的日期');
  });

  it('an error also carries the warnings found in the same file, so both are fixed in one round (fails on the old reader)', () => {
    const t = template();
    delete t['ruleset']['hash'];
    t['items']['plan']['planIssued'] = true;
    t['items']['drill']['drill'] = 'x';
    const e = thrown(() => parse(t));
    expect(e.issues).toHaveLength(1);
    expect(e.warnings.map((w) => w.message)).toEqual([expect.stringContaining('未写 ruleset.hash'), expect.stringContaining('佐证材料清单为空：“创建实施方案”')]);
    const e2 = thrown(() => readJsonEvidence([{ file, input: JSON.stringify(t) }], { ruleset: rs }));
    expect(e2.warnings).toHaveLength(2);
  });

  it('a file with no value filled at all warns, naming the file (fails on the old reader: silent)', () => {
    const r = parse(template());
    expect(r.warnings).toEqual([{ path: file, message: '未填写任何填报值：本单位将按未提供计分（yanta.json）' }]);
  });

  it('the generated schema accepts register entries and claims, and refuses a bad entry', () => {
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(evidenceJsonSchema(rs, unit));
    const t = template();
    t['items']['docs']['policyDocs'] = ['a', { document: 'b', title: 'B', number: '1号' }];
    t['items']['plan']['planIssued'] = [{ title: 'P', date: '2022-01-01' }];
    t['items']['drill']['$notApplicable'] = '无';
    expect(validate(t)).toBe(true);
    t['items']['docs']['policyDocs'] = [{ title: 'B' }];
    expect(validate(t)).toBe(false);
  });
});

describe('round trip: evidence with values, register and claims → jsonEvidence → parse = the same evidence', () => {
  const text = fc.constantFrom('西安市雁塔区安全生产责任制规定', '雁政发〔2022〕3号', 'a"b\\c', '王 明');
  const entry = (docs: readonly string[]) =>
    fc.record(
      {
        document: fc.constantFrom(...docs),
        title: text,
        number: text,
        date: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        archived: fc.boolean(),
        link: text,
        provider: text,
        contact: text,
      },
      { requiredKeys: ['document'] },
    ) as fc.Arbitrary<DocumentEntry>;
  const evidence: fc.Arbitrary<UnitEvidence> = fc
    .record({
      plain: fc.subarray(['隐患排查治理制度', '其他文件']),
      docs: fc.array(entry([...REQUIRED, '补充文件']), { maxLength: 5 }),
      plan: fc.oneof(fc.constant(undefined), fc.boolean(), fc.array(entry(['planIssued']), { minLength: 1, maxLength: 2 })),
      drill: fc.option(fc.boolean(), { nil: undefined }),
      claim: fc.option(fc.constantFrom('本区无此任务', '由市级统一承担'), { nil: undefined }),
    })
    .map(({ plain, docs, plan, drill, claim }) => {
      const values: Record<string, any> = {};
      const register: Record<string, DocumentEntry[]> = {};
      const counted = registerValue({ type: 'documents' }, docs) as string[];
      const names = plain.filter((d) => !counted.includes(d));
      values['policyDocs'] = registerValue({ type: 'documents' }, docs, names);
      if (docs.length > 0) register['policyDocs'] = docs;
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

  it('keeps values, register and claims', () => {
    fc.assert(
      fc.property(evidence, (e) => {
        const r = parse(jsonEvidence(rs, e) as Json);
        expect(r.part.values).toEqual(e.values);
        expect(r.part.register).toEqual(e.register);
        expect(r.part.claims).toEqual(e.claims);
      }),
      { numRuns: 150 },
    );
  });
});
