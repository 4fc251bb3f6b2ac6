import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createEngine, documentsFromRegister, registerValue, takesRegister, type DocumentEntry, type UnitEvidence } from '../src/index.js';
import { rulesetOf, unit } from './helpers.js';

const REQUIRED = ['安全生产责任制规定', '安全生产考核办法', '隐患排查治理制度'];
const rs = createEngine().compile(
  rulesetOf(
    [
      { id: 'docs', title: { zh: '配套政策' }, max: 1, scoring: { method: 'per-missing', params: { field: 'policyDocs', required: REQUIRED, per: 0.2 } } },
      { id: 'plan', title: { zh: '实施方案' }, max: 2, scoring: { method: 'presence', params: { field: 'planIssued' } } },
      { id: 'other', title: { zh: '其他' }, max: 1, scoring: { method: 'presence', params: { field: 'drill' } } },
    ],
    [
      { name: 'policyDocs', type: 'documents', title: { zh: '创建配套政策文件', en: 'supporting policies' } },
      { name: 'planIssued', type: 'boolean', document: true, title: { zh: '创建实施方案', en: 'implementation plan' } },
      { name: 'drill', type: 'boolean', title: { zh: '开展演练' } },
    ],
  ),
);

const full = (document: string, extra: Partial<DocumentEntry> = {}): DocumentEntry => ({ document, title: `西安市${document}`, number: '市安办发〔2022〕1号', date: '2022-03-01', ...extra });

describe('documentsFromRegister', () => {
  it('counts a document that is named and dated or numbered; names what an incomplete one lacks', () => {
    const r = documentsFromRegister([
      full('A'),
      { document: 'B', title: '西安市B', date: '2022-01-01' },
      { document: 'C', title: '西安市C', number: '1号' },
      { document: 'D', title: '西安市D' },
      { document: 'E', number: '2号' },
      { document: 'F' },
      { document: 'D', title: '西安市D（修订）' },
    ]);
    expect(r.counted).toEqual(['A', 'B', 'C']);
    expect(r.incomplete).toEqual([
      { document: 'D', title: '西安市D', lacks: ['number', 'date'] },
      { document: 'E', lacks: ['title'] },
      { document: 'F', lacks: ['title', 'number', 'date'] },
    ]);
  });

  it('a complete entry makes an earlier incomplete one for the same document irrelevant', () => {
    expect(documentsFromRegister([{ document: 'A' }, full('A')])).toEqual({ counted: ['A'], incomplete: [] });
  });

  it('blank text does not name or date a document', () => {
    expect(documentsFromRegister([{ document: 'A', title: '  ', number: ' ' }]).counted).toEqual([]);
  });

  it('registerValue: the counted documents (after a plain list), or whether any counts', () => {
    expect(registerValue({ type: 'documents' }, [full('B'), { document: 'C' }], ['A', 'B'])).toEqual(['A', 'B']);
    expect(registerValue({ type: 'documents' }, [full('C')])).toEqual(['C']);
    expect(registerValue({ type: 'boolean' }, [{ document: 'x', title: 't' }])).toBe(false);
    expect(registerValue({ type: 'boolean' }, [{ document: 'x', title: 't', date: '2022-01-01' }])).toBe(true);
  });

  it('property: a document counts iff some entry for it has a title and a number or a date', () => {
    const entry = fc.record(
      {
        document: fc.constantFrom('A', 'B', 'C'),
        title: fc.constantFrom('t', ' '),
        number: fc.constantFrom('n', ''),
        date: fc.constantFrom('2022-01-01'),
      },
      { requiredKeys: ['document'] },
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (raw) => {
        const entries = raw.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== '')) as unknown as DocumentEntry);
        const r = documentsFromRegister(entries);
        for (const d of ['A', 'B', 'C']) {
          const counts = entries.some((e) => e.document === d && (e.title ?? '').trim() !== '' && ((e.number ?? '') !== '' || (e.date ?? '') !== ''));
          expect(r.counted.includes(d)).toBe(counts);
          expect(r.incomplete.some((x) => x.document === d)).toBe(!counts && entries.some((e) => e.document === d));
        }
      }),
    );
  });
});

describe('scoring with a register', () => {
  const score = (e: Omit<UnitEvidence, 'unit'>) => rs.score({ unit, ...e });
  const node = (card: ReturnType<typeof score>, id: string) => card.nodes[0]!.children!.find((n) => n.id === id)!;

  it('per-missing names each missing document: not provided, or registered but incomplete and what it lacks', () => {
    const card = score({
      values: { policyDocs: ['隐患排查治理制度'], planIssued: true, drill: true },
      register: { policyDocs: [full('隐患排查治理制度'), { document: '安全生产考核办法', title: '西安市安全生产考核办法' }], planIssued: [full('实施方案')] },
    });
    const n = node(card, 'docs');
    expect(n.earned).toBe(0.6);
    expect(n.deductions![0]!.reason).toBe(
      '创建配套政策文件缺2项：《安全生产责任制规定》（未提供）、《安全生产考核办法》（已登记，缺文号和印发日期）；每缺一项扣0.2分，1分扣完为止，扣0.4分',
    );
  });

  it('evidence without a register scores and reads exactly as before', () => {
    const before = score({ values: { policyDocs: ['隐患排查治理制度'], planIssued: false, drill: true } });
    expect(node(before, 'docs').deductions![0]!.reason).toBe('创建配套政策文件缺2项：安全生产责任制规定、安全生产考核办法；每缺一项扣0.2分，1分扣完为止，扣0.4分');
    expect(node(before, 'plan').deductions![0]!.reason).toBe('创建实施方案：否，扣2分');
    expect(before.evidenceHash).toBe(score({ values: { policyDocs: ['隐患排查治理制度'], planIssued: false, drill: true } }).evidenceHash);
  });

  it('presence on a document field names the incomplete entry', () => {
    const card = score({ values: { policyDocs: REQUIRED, planIssued: false, drill: true }, register: { planIssued: [{ document: 'planIssued', title: '西安市创建实施方案' }] } });
    expect(node(card, 'plan').deductions![0]!.reason).toBe('创建实施方案未予认定：《西安市创建实施方案》已登记，但缺文号和印发日期，扣2分');
    const en = rs.score({ unit, values: { planIssued: false }, register: { planIssued: [{ document: 'planIssued' }] } }, { lang: 'en' });
    expect(node(en, 'plan').deductions![0]!.reason).toContain('implementation plan not accepted: registered, but lacks its title and a document number or date');
  });

  it('with the field’s own words for 否, the register’s note follows them', () => {
    const rs2 = createEngine().compile(
      rulesetOf(
        [{ id: 'plan', title: { zh: '总体方案' }, max: 2, scoring: { method: 'presence', params: { field: 'overallPlan' } } }],
        [{ name: 'overallPlan', type: 'boolean', document: true, title: { zh: '创建工作总体方案' }, negative: { zh: '未制定创建工作总体方案' } }],
      ),
    );
    const card = rs2.score({ unit, values: { overallPlan: false }, register: { overallPlan: [{ document: 'overallPlan', title: '雁塔区创建工作总体方案', number: ' ' }] } });
    expect(card.nodes[0]!.children![0]!.deductions![0]!.reason).toBe('创建工作总体方案未予认定：《雁塔区创建工作总体方案》已登记，但缺文号和印发日期，扣2分');
  });

  it('a documents field flagged document: false takes no register (names that are not documents)', () => {
    expect(takesRegister({ type: 'documents', document: false })).toBe(false);
    expect(takesRegister({ type: 'documents' })).toBe(true);
    expect(takesRegister({ type: 'boolean' })).toBe(false);
    expect(takesRegister({ type: 'boolean', document: true })).toBe(true);
  });

  it('the register changes the words, never the points; and it is hashed', () => {
    const values = { policyDocs: ['隐患排查治理制度'], planIssued: false, drill: false };
    const a = score({ values });
    const b = score({ values, register: { policyDocs: [{ document: '安全生产考核办法' }] }, claims: { other: '本单位无演练任务' } });
    expect(b.total).toBe(a.total);
    expect(b.evidenceHash).not.toBe(a.evidenceHash);
  });

  it('a 不适用 claim is carried on the item node and does not change the score', () => {
    const card = score({ values: { policyDocs: REQUIRED, planIssued: true, drill: false }, claims: { other: '本单位不承担演练任务' } });
    const n = node(card, 'other');
    expect(n.claim).toEqual({ notApplicable: '本单位不承担演练任务' });
    expect(n.earned).toBe(0);
    expect(node(card, 'plan').claim).toBeUndefined();
  });

  it('bad registers and claims are errors at their pointers', () => {
    const bad = () =>
      rs.score({
        unit,
        values: {},
        register: { drill: [{ document: 'x' }], policyDocs: [{ document: '', date: '2022-02-30', archived: 'yes' } as never], nope: [] },
        claims: { zzz: '' },
      });
    expect(bad).toThrow(/register\/drill/);
    try {
      bad();
    } catch (e) {
      const paths = (e as { issues: Array<{ path: string }> }).issues.map((i) => i.path);
      expect(paths).toEqual([
        '/register/drill',
        '/register/policyDocs/0/document',
        '/register/policyDocs/0/date',
        '/register/policyDocs/0/archived',
        '/register/nope',
        '/claims/zzz',
        '/claims/zzz',
      ]);
    }
  });
});
