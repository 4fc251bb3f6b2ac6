// Scores an official can sign: each defect found reading the demo or by an independent
// implementation of the documented semantics, as a test that failed before its fix.
import { describe, expect, it } from 'vitest';
import { createEngine, EvidenceError, responsibilityConflicts, RulesetError, type Finding, type Ruleset } from '../src/index.js';
import { roundToMilli } from '../src/points.js';
import { field, rulesetOf, scoreItem, unit } from './helpers.js';

const engine = createEngine();
type Json = Record<string, unknown>;

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof EvidenceError || e instanceof RulesetError) return e.issues.map((i) => ({ path: i.path, message: i.message }));
    throw e;
  }
  throw new Error('expected an error');
}

describe('grade vetoes: every one that fires applies', () => {
  const grades = [
    { id: 'A', title: { zh: '优秀' }, min: 90 },
    { id: 'B', title: { zh: '良好' }, min: 80 },
    { id: 'C', title: { zh: '合格' }, min: 60 },
    { id: 'D', title: { zh: '不合格' }, min: 0 },
  ];
  const atMost = (id: string, grade: string) => ({
    id,
    title: { zh: id },
    when: { var: 'flag' },
    reason: { zh: `至多${grade}` },
    effect: { type: 'grade', grade },
  });
  const rs = (vetoes: Json[]) =>
    engine.compile(rulesetOf([{ id: 'i', title: { zh: '项' }, max: 100, scoring: { method: 'presence', params: { field: 'ok' } } }], [field('ok', 'boolean'), field('flag', 'boolean')], { grades, vetoes }));
  it('"at most C" before "at most D" gives D, and so does the other order', () => {
    for (const order of [[atMost('v1', 'C'), atMost('v2', 'D')], [atMost('v2', 'D'), atMost('v1', 'C')]]) {
      const card = rs(order).score({ unit, values: { ok: true, flag: true } });
      expect(card.grade).toBe('D');
      expect(card.vetoes.map((v) => v.id).sort()).toEqual(['v1', 'v2']);
    }
  });
  it('a grade veto never raises the grade reached', () => {
    const card = rs([atMost('v1', 'B')]).score({ unit, values: { ok: false, flag: true } });
    expect(card.grade).toBe('D');
  });
});

describe('JsonLogic results are rounded exactly, half-up, as their decimal text reads', () => {
  it('0.5005 → 0.501 and 0.5035 → 0.504 (binary rounding gave 0.500 for the first)', () => {
    expect(roundToMilli(0.5005)).toBe(501);
    expect(roundToMilli(0.5035)).toBe(504);
    expect(roundToMilli(1.0005)).toBe(1001);
    expect(roundToMilli(2.0004999)).toBe(2000);
    expect(roundToMilli(0.0005)).toBe(1);
    expect(roundToMilli(0.00049)).toBe(0);
    expect(roundToMilli(1e-7)).toBe(0);
    expect(roundToMilli(123456.0125)).toBe(123456013);
    expect(roundToMilli(1e21)).toBe(1e24);
    expect(roundToMilli(-0.0005)).toBe(-0);
    expect(roundToMilli(-0.0015)).toBe(-1);
    expect(roundToMilli(3)).toBe(3000);
  });
  it('an item scored by logic keeps the exact half-up result', () => {
    const rs = engine.compile(
      rulesetOf([{ id: 'i', title: { zh: '项' }, max: 1, scoring: { logic: { '*': [{ var: 'x' }, 0.001] } } }], [field('x', 'number')]),
    );
    expect(rs.score({ unit, values: { x: 500.5 } }).earned).toBe(0.501);
    expect(rs.score({ unit, values: { x: 503.5 } }).earned).toBe(0.504);
  });
});

describe('findings an item cannot take are refused, each naming the finding', () => {
  const graded = { id: 'g1', title: { zh: '总体方案质量' }, max: 2, checkMethods: ['onsite'], scoring: { method: 'expert-grade', params: {} } };
  const counted = { id: 'c1', title: { zh: '消火栓' }, max: 1, checkMethods: ['data-check', 'onsite'], scoring: { method: 'per-finding', params: { field: 'n', per: 0.2 } } };
  const rs = engine.compile(rulesetOf([graded, counted], [field('n', 'integer')]));
  it('a finding from a check method the item does not list', () => {
    const issues = issuesOf(() => rs.score({ unit, values: { n: 0 } }, { findings: [{ item: 'g1', source: 'data-check', type: 'grade', grade: '优' }] }));
    expect(issues).toEqual([{ path: '/0/source', message: 'item g1 is checked by 现场检查 (onsite) only; this grade finding comes from 数据核查 (data-check)' }]);
  });
  it('a rejection on an item that reads no evidence (it would silently cancel the grade)', () => {
    const findings: Finding[] = [
      { item: 'g1', source: 'onsite', type: 'grade', grade: '优' },
      { item: 'g1', source: 'onsite', type: 'rejected', check: 'authenticity', reason: '方案系补做' },
    ];
    const issues = issuesOf(() => rs.score({ unit, values: { n: 0 } }, { findings }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('/1');
    expect(issues[0]!.message).toMatch(/reads no evidence fields .*expert-grade.*give a grade or a deduction/);
  });
  it('findings from a listed method still apply', () => {
    const card = rs.score({ unit, values: { n: 0 } }, { findings: [{ item: 'c1', source: 'onsite', type: 'deduction', points: 0.4, reason: '现场抽查2处' }] });
    expect(card.nodes[0]!.children![1]!.earned).toBe(0.6);
  });
});

describe('an expert grade is the assessors’ finding: their list, their name', () => {
  const item = { checkMethods: ['data-check', 'onsite'] };
  it('an on-site grade deducts as the on-site check, saying who graded', () => {
    const r = scoreItem('expert-grade', {}, 2, [], {}, [{ item: 'i', source: 'onsite', type: 'grade', grade: '良' }], item);
    expect(r.earned).toBe(1.6);
    expect(r.node.deductions).toEqual([{ points: 0.4, reason: '现场检查组专家评定为“良”，得1.6分（满分2分）', suggestion: '对照评价内容补强薄弱环节', source: 'onsite', code: 'graded' }]);
  });
  it('quotes the assessors’ reason for the grade, when they gave one', () => {
    const r = scoreItem('expert-grade', {}, 2, [], {}, [{ item: 'i', source: 'onsite', type: 'grade', grade: '良', reason: '部分任务未量化' }], item);
    expect(r.node.deductions![0]!.reason).toBe('现场检查组专家评定为“良”，得1.6分（满分2分）：部分任务未量化');
  });
  it('a data-check grade deducts as the data check; the on-site grade stands over it', () => {
    const dc = scoreItem('expert-grade', {}, 2, [], {}, [{ item: 'i', source: 'data-check', type: 'grade', grade: '中' }], item);
    expect(dc.node.deductions![0]).toMatchObject({ source: 'data-check', reason: '数据核查组专家评定为“中”，得1.2分（满分2分）' });
    const both = scoreItem('expert-grade', {}, 2, [], {}, [
      { item: 'i', source: 'data-check', type: 'grade', grade: '中' },
      { item: 'i', source: 'onsite', type: 'grade', grade: '优' },
    ], item);
    expect(both.earned).toBe(2);
  });
});

describe('a 否 reads as 否, a count in its own measure word', () => {
  const declined = field('declined', 'boolean', {
    title: { zh: '道路交通事故万车死亡率较上年下降', en: 'road deaths per 10,000 vehicles fell' },
    negative: { zh: '道路交通事故万车死亡率较上年未下降', en: 'road deaths per 10,000 vehicles did not fall' },
  });
  it('a boolean answered 否 reads with its declared negative, not 未提供', () => {
    const r = scoreItem('presence', { field: 'declined' }, 1, [declined], { declined: false });
    expect(r.node.deductions![0]!.reason).toBe('道路交通事故万车死亡率较上年未下降，扣1分');
    expect(r.node.deductions![0]!.reason).not.toContain('未提供');
    const rs = engine.compile(rulesetOf([{ id: 'i', title: { zh: '项' }, max: 1, scoring: { method: 'presence', params: { field: 'declined' } } }], [declined]));
    expect(rs.score({ unit, values: { declined: false } }, { lang: 'en' }).nodes[0]!.children![0]!.deductions![0]!.reason).toBe(
      'road deaths per 10,000 vehicles did not fall; 1 deducted',
    );
  });
  it('without a declared negative: 否, 未提供 for an empty document list, the number for a count', () => {
    expect(scoreItem('presence', { field: 'b' }, 1, [field('b', 'boolean', { title: { zh: '成立领导小组' } })], { b: false }).node.deductions![0]!.reason).toBe('成立领导小组：否，扣1分');
    expect(scoreItem('presence', { field: 'd' }, 1, [field('d', 'documents', { title: { zh: '总体方案' } })], { d: [] }).node.deductions![0]!.reason).toBe('未提供总体方案，扣1分');
    expect(scoreItem('presence', { field: 'n' }, 1, [field('n', 'integer', { title: { zh: '专职人员' }, unit: '人' })], { n: 0 }).node.deductions![0]!.reason).toBe('专职人员为0人，扣1分');
  });
  it('未提供 stays for a missing submission', () => {
    expect(scoreItem('presence', { field: 'declined' }, 1, [declined], {}).node.deductions![0]!.reason).toBe('未提供佐证材料（道路交通事故万车死亡率较上年下降）');
  });
  it('per-finding counts in the field’s measure word, or its declared count', () => {
    const overdue = field('overdue', 'integer', { title: { zh: '逾期未完成的创建任务' }, unit: '项' });
    expect(scoreItem('per-finding', { field: 'overdue', per: 0.5 }, 2, [overdue], { overdue: 1 }).node.deductions![0]!.reason).toBe(
      '逾期未完成的创建任务：发现1项，每项扣0.5分，2分扣完为止，扣0.5分',
    );
    const counted = field('overdue', 'integer', { title: { zh: '逾期任务' }, unit: '项', count: { zh: '{count}项逾期任务', en: '{count} overdue tasks' } });
    const rs = engine.compile(rulesetOf([{ id: 'i', title: { zh: '项' }, max: 2, scoring: { method: 'per-finding', params: { field: 'overdue', per: 0.5 } } }], [counted]));
    expect(rs.score({ unit, values: { overdue: 3 } }).nodes[0]!.children![0]!.deductions![0]!.reason).toBe('逾期任务：发现3项逾期任务，每项扣0.5分，2分扣完为止，扣1.5分');
    expect(rs.score({ unit, values: { overdue: 3 } }, { lang: 'en' }).nodes[0]!.children![0]!.deductions![0]!.reason).toBe('逾期任务: 3 overdue tasks, 0.5 each, at most 2; 1.5 deducted');
    // Without a unit of measure: 处.
    expect(scoreItem('per-finding', { field: 'n', per: 0.2 }, 1, [field('n', 'integer')], { n: 2 }).node.deductions![0]!.reason).toBe('n：发现2处，每处扣0.2分，1分扣完为止，扣0.4分');
  });
});

describe('a check finding replaces or adds to the unit’s own count (merge per item)', () => {
  const hydrants = field('hydrantDefects', 'integer', { title: { zh: '市政消火栓未保持完好' }, unit: '处' });
  const onsite: Finding[] = [{ item: 'i', source: 'onsite', type: 'deduction', points: 0.4, reason: '现场抽查发现2处消火栓无水' }];
  it('replace: the on-site count stands, the unit’s is kept for the record (0.6 + 0.4 no longer both deduct)', () => {
    const r = scoreItem('per-finding', { field: 'hydrantDefects', per: 0.2 }, 1, [hydrants], { hydrantDefects: 3 }, onsite, { merge: 'replace' });
    expect(r.earned).toBe(0.6);
    expect(r.node.deductions!.map((d) => [d.source, d.points, d.superseded ?? false])).toEqual([
      ['rule', 0, true],
      ['onsite', 0.4, false],
    ]);
  });
  it('both (the default): the two deduct together, bounded by the max', () => {
    const r = scoreItem('per-finding', { field: 'hydrantDefects', per: 0.2 }, 1, [hydrants], { hydrantDefects: 3 }, onsite);
    expect(r.earned).toBe(0);
    expect(r.deducted).toBe(1);
  });
  it('replace without findings: the unit’s own count deducts', () => {
    expect(scoreItem('per-finding', { field: 'hydrantDefects', per: 0.2 }, 1, [hydrants], { hydrantDefects: 3 }, [], { merge: 'replace' }).earned).toBe(0.4);
  });
  it('replace never sets aside a missing submission: the check’s finding is no substitute for the unit’s evidence', () => {
    const r = scoreItem('per-finding', { field: 'hydrantDefects', per: 0.2 }, 1, [hydrants], {}, onsite, { merge: 'replace' });
    expect(r.earned).toBe(0);
    expect(r.node.deductions!.map((d) => [d.code, d.points, d.superseded ?? false])).toEqual([
      ['no-evidence', 1, false],
      ['finding', 0, false],
    ]);
  });
  it('replace never sets aside evidence a check rejected', () => {
    const findings: Finding[] = [
      ...onsite,
      { item: 'i', source: 'data-check', type: 'rejected', field: 'hydrantDefects', check: 'accuracy', reason: '台账与系统不符' },
    ];
    const r = scoreItem('per-finding', { field: 'hydrantDefects', per: 0.2 }, 1, [hydrants], { hydrantDefects: 3 }, findings, { merge: 'replace' });
    expect(r.earned).toBe(0);
    expect(r.node.deductions![0]).toMatchObject({ code: 'rejected', points: 1 });
  });
});

describe('rate: how a part of a step counts is declared', () => {
  const rate = field('r', 'rate', { title: { zh: '完好率' }, unit: '%' });
  const at = (steps: string | undefined, r: number) =>
    scoreItem('rate', { field: 'r', target: 95, per: 0.5, step: 5, ...(steps ? { steps } : {}) }, 2, [rate], { r }).earned;
  it('started (default): 不足5个百分点的按5个百分点计', () => {
    expect(at(undefined, 94)).toBe(1.5);
    expect(at('started', 89)).toBe(1);
  });
  it('complete: only whole steps deduct', () => {
    expect(at('complete', 94)).toBe(2);
    expect(at('complete', 89)).toBe(1.5);
  });
  it('linear: in proportion, rounded half-up to 0.001', () => {
    expect(at('linear', 94)).toBe(1.9); // 1 point below: 0.1
    expect(at('linear', 94.99)).toBe(1.999); // 0.01 × 0.5 / 5 = 0.001
    expect(at('linear', 94.995)).toBe(1.999); // 0.0005 rounds half-up
    expect(at('linear', 0)).toBe(0); // capped at the max
  });
});

describe('责任唯一: one value per city-wide indicator, reported by its lead', () => {
  const fields = [
    field('renovationRate', 'rate', { title: { zh: '老旧管网改造率' }, unit: '%' }),
    field('partnerTaskRate', 'rate', { title: { zh: '本部门承担的老旧管网改造配合任务完成率' }, unit: '%' }),
  ];
  const item: Json = {
    id: '3.1.2.4.2',
    title: { zh: '老旧管网改造' },
    max: 1,
    standard: '改造率≤80%的，扣1分。',
    scoring: { method: 'threshold', params: { field: 'renovationRate', op: '<=', value: 80, deduct: 1 } },
    lead: 'chengguanju',
    partners: ['shuiwuju', 'zhujianju'],
    partner: {
      content: '配合牵头单位推进老旧管网改造，完成本部门承担的改造任务',
      standard: '配合任务完成率100%得满分；每低10个百分点扣0.2分，不足10个百分点的不扣分。',
      scoring: { method: 'rate', params: { field: 'partnerTaskRate', target: 100, per: 0.2, step: 10, steps: 'complete' } },
    },
    applicability: { units: ['chengguanju', 'shuiwuju', 'zhujianju'], reason: { zh: '本项由市城管局牵头，不属于本单位评价范围' } },
  };
  const rs = engine.compile(rulesetOf([item], fields));
  const dept = (id: string) => ({ id, name: id, kind: 'municipal' });
  const node = (c: ReturnType<typeof rs.score>) => c.nodes[0]!.children![0]!;
  it('the lead is scored on the indicator', () => {
    const c = rs.score({ unit: dept('chengguanju'), values: { renovationRate: 74 } });
    expect(node(c)).toMatchObject({ earned: 0, role: 'lead', method: 'threshold' });
    expect(node(c).deductions![0]!.reason).toBe('老旧管网改造率为74%（≤80%），扣1分');
  });
  it('a partner is judged on its own contribution, never on its own figure for the indicator', () => {
    const c = rs.score({ unit: dept('shuiwuju'), values: { renovationRate: 74, partnerTaskRate: 85 } });
    expect(node(c)).toMatchObject({ earned: 0.8, role: 'partner', method: 'rate' });
    expect(node(c).deductions).toHaveLength(1);
    expect(node(c).deductions![0]!.reason).toBe('本部门承担的老旧管网改造配合任务完成率为85%，低于100%，扣0.2分');
    // Its figure for the indicator changes nothing.
    expect(rs.score({ unit: dept('shuiwuju'), values: { renovationRate: 99, partnerTaskRate: 85 } }).total).toBe(c.total);
  });
  it('a partner with no partner evidence loses the item with 未提供佐证材料 (its indicator figure is not evidence of its part)', () => {
    const c = rs.score({ unit: dept('zhujianju'), values: { renovationRate: 90 } });
    expect(node(c).earned).toBe(0);
    expect(node(c).deductions![0]).toMatchObject({ code: 'no-evidence', reason: '未提供佐证材料（本部门承担的老旧管网改造配合任务完成率）' });
  });
  it('templates ask each unit for its own part', () => {
    expect(rs.itemsFor(dept('chengguanju'))[0]).toMatchObject({ role: 'lead', fields: ['renovationRate'], standard: '改造率≤80%的，扣1分。' });
    expect(rs.itemsFor(dept('shuiwuju'))[0]).toMatchObject({
      role: 'partner',
      fields: ['partnerTaskRate'],
      standard: '配合任务完成率100%得满分；每低10个百分点扣0.2分，不足10个百分点的不扣分。',
      lead: 'chengguanju',
      partners: ['shuiwuju', 'zhujianju'],
    });
    expect(rs.itemsFor(dept('gonganju'))).toEqual([]);
  });
  it('a finding rejecting the lead’s figure on a partner names the field it does not read', () => {
    const issues = issuesOf(() =>
      rs.score(
        { unit: dept('shuiwuju'), values: { partnerTaskRate: 85 } },
        { findings: [{ item: '3.1.2.4.2', source: 'data-check', type: 'rejected', field: 'renovationRate', check: 'accuracy', reason: 'x' }] },
      ),
    );
    expect(issues).toEqual([{ path: '/0/field', message: 'item 3.1.2.4.2 does not read "renovationRate" (it reads partnerTaskRate)' }]);
  });
  it('the format refuses an item with partners but no partner scoring, and other slips, each at its pointer', () => {
    const { partner: _p, ...noPartner } = item;
    expect(issuesOf(() => engine.compile(rulesetOf([noPartner], fields)))).toEqual([
      {
        path: '/tree/0/children/0/partners',
        message: 'an item with partners (配合单位) needs "partner": how a partner is judged on its own contribution (责任唯一: the indicator\'s value is the lead\'s alone)',
      },
    ]);
    const slips = issuesOf(() =>
      engine.compile(rulesetOf([{ ...item, partners: ['chengguanju', 'shuiwuju', 'shuiwuju', 'gonganju'] }], fields)),
    ).map((i) => i.message);
    expect(slips).toContain('"chengguanju" is the lead (牵头单位); it cannot also be a partner');
    expect(slips).toContain('partner "shuiwuju" is listed twice');
    expect(slips).toContain('the lead and partners must be among the units the item applies to; missing gonganju');
    const { lead: _l, ...noLead } = item;
    expect(issuesOf(() => engine.compile(rulesetOf([noLead], fields))).map((i) => i.path)).toEqual(['/tree/0/children/0/partner']);
  });
});

describe('coverage: a unit judged on a handful of points cannot top the ranking on them', () => {
  const tree = (n: number): Json[] => [
    { id: '1', title: { zh: '工作机制' }, max: 20, children: [{ id: '1.1', title: { zh: '机制' }, max: 20, scoring: { method: 'presence', params: { field: 'a' } } }] },
    {
      id: '3',
      title: { zh: '工作成效' },
      max: 100,
      childrenMax: 'cap',
      children: Array.from({ length: n }, (_, i) => ({
        id: `3.${i + 1}`,
        title: { zh: `成效${i + 1}` },
        max: 2,
        scoring: { method: 'presence', params: { field: 'b' } },
        applicability: { units: i < 1 ? ['thin', 'broad'] : ['broad'], reason: { zh: '不属于本单位' } },
      })),
    },
  ];
  const rs = engine.compile({
    id: 'test/coverage',
    version: '1.0.0',
    edition: 2022,
    title: { zh: '覆盖' },
    unitKinds: ['municipal'],
    fields: [field('a', 'boolean'), field('b', 'boolean')],
    childrenMax: 'cap',
    tree: tree(50),
    normalize: { scale: 100, coverage: { node: '3', min: 20, rate: 60 } },
  } as unknown as Ruleset);
  it('a thin unit’s shortfall is counted at the declared rate', () => {
    // thin: 20 + 2 earned of 22 applicable; 3 applies with 2 < 20 → 18 points assumed at 60 % = 10.8.
    // normalized = (22 + 10.8) / (22 + 18) × 100 = 82.
    const c = rs.score({ unit: { id: 'thin', name: '某局', kind: 'municipal' }, values: { a: true, b: true } });
    expect(c.total).toBe(22);
    expect(c.normalized).toBe(82);
    expect(c.coverage).toEqual({ node: '3', title: '工作成效', max: 2, min: 20, rate: 60, thin: true });
    expect(Object.keys(c).indexOf('coverage')).toBe(Object.keys(c).indexOf('normalized') + 1);
  });
  it('a unit with enough coverage is normalised as before', () => {
    const c = rs.score({ unit: { id: 'broad', name: '应急局', kind: 'municipal' }, values: { a: true, b: true } });
    expect(c.normalized).toBe(100);
    expect(c.coverage).toMatchObject({ max: 100, thin: false });
  });
  it('the node must be in the base tree', () => {
    const bad = { ...rs.source, normalize: { scale: 100, coverage: { node: '9', min: 20, rate: 60 } } };
    expect(issuesOf(() => engine.compile(bad))).toEqual([{ path: '/normalize/coverage/node', message: '"9" names no item or group of the tree' }]);
  });
});

describe('a veto names where what it read came from', () => {
  it('the card’s veto cites the sources of its fields', () => {
    const rs = engine.compile(
      rulesetOf([{ id: 'i', title: { zh: '项' }, max: 1, scoring: { method: 'presence', params: { field: 'ok' } } }], [field('ok', 'boolean'), field('deaths', 'integer')], {
        vetoes: [{ id: 'larger', title: { zh: '较大事故' }, when: { '>': [{ var: 'deaths' }, 0] }, reason: { zh: '发生较大事故' }, effect: { type: 'flag' } }],
      }),
    );
    const card = rs.score({ unit, values: { ok: true, deaths: 1 }, sources: { deaths: ['gaoling.json#/values/deaths'], ok: ['x'] } });
    expect(card.vetoes).toEqual([{ id: 'larger', title: '较大事故', reason: '发生较大事故', effect: 'flag', evidence: ['gaoling.json#/values/deaths'] }]);
  });
});

describe('responsibilityConflicts: a partner’s figure that contradicts the lead’s, with both places', () => {
  const fields = [
    field('renovationRate', 'rate', { title: { zh: '老旧管网改造率' }, unit: '%' }),
    field('partnerTaskRate', 'rate', { title: { zh: '配合任务完成率' }, unit: '%' }),
  ];
  const rs = engine.compile(
    rulesetOf(
      [
        {
          id: '3.1.2.4.2',
          title: { zh: '老旧管网改造' },
          max: 1,
          scoring: { method: 'threshold', params: { field: 'renovationRate', op: '<=', value: 80, deduct: 1 } },
          lead: 'chengguanju',
          partners: ['zhujianju', 'shuiwuju'],
          partner: { standard: '配合任务完成率100%得满分', scoring: { method: 'rate', params: { field: 'partnerTaskRate', target: 100 } } },
        },
      ],
      fields,
    ),
  );
  const ev = (id: string, name: string, values: Record<string, number>) => ({
    unit: { id, name, kind: 'municipal' },
    values,
    sources: Object.fromEntries(Object.keys(values).map((k) => [k, [`${id}.json#/items/3.1.2.4.2/${k}`]])),
  });
  const lead = ev('chengguanju', '市城管局', { renovationRate: 85 });
  const differs = ev('shuiwuju', '市水务局', { renovationRate: 74, partnerTaskRate: 90 });
  const agrees = ev('zhujianju', '市住建局', { renovationRate: 85, partnerTaskRate: 100 });
  it('names both units, both values and both places; an agreeing partner is not listed', () => {
    const list = responsibilityConflicts(rs, [differs, agrees, lead]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      item: '3.1.2.4.2',
      field: 'renovationRate',
      lead: { unit: { id: 'chengguanju' }, value: 85, places: ['chengguanju.json#/items/3.1.2.4.2/renovationRate'] },
      partner: { unit: { id: 'shuiwuju' }, value: 74, places: ['shuiwuju.json#/items/3.1.2.4.2/renovationRate'] },
    });
    expect(list[0]!.message.zh).toBe(
      '3.1.2.4.2“老旧管网改造”由市城管局牵头，老旧管网改造率以牵头单位报送的85%为准（chengguanju.json#/items/3.1.2.4.2/renovationRate）；配合单位市水务局报送74%（shuiwuju.json#/items/3.1.2.4.2/renovationRate），二者不一致（配合单位不按此数计分），请核实',
    );
    // The partner's score does not move with its own figure.
    expect(rs.score(differs).total).toBe(rs.score({ ...differs, values: { ...differs.values, renovationRate: 10 } }).total);
  });
  it('nothing to compare without the lead’s figure; the same list whatever the order', () => {
    expect(responsibilityConflicts(rs, [differs, agrees])).toEqual([]);
    expect(responsibilityConflicts(rs, [lead, agrees, differs])).toEqual(responsibilityConflicts(rs, [differs, lead, agrees]));
  });
});

describe('a city ruleset’s declarations are checked at compile time, each at its pointer', () => {
  const base = (fields: Json[], extra: Json = {}) =>
    ({
      id: 'test/city',
      version: '1.0.0',
      edition: 2022,
      title: { zh: '城市' },
      unitKinds: ['city'],
      fields,
      tree: [{ id: '1', title: { zh: '成效' }, max: 1, scoring: { method: 'rate', params: { field: fields[0]!['name'], target: 100, per: 1, step: 100, steps: 'linear' } } }],
      ...extra,
    }) as unknown as Ruleset;
  const agg = (name: string, type: string, aggregate: Json) => ({ name, type, title: { zh: name }, aggregate });
  it('an aggregate whose result is not the field’s type, or whose op does not fit what it reads', () => {
    const issues = issuesOf(() =>
      engine.compile(
        base([
          agg('a', 'rate', { from: { kinds: ['district'] }, of: { node: '3' }, op: 'mean' }),
          agg('b', 'integer', { from: { kinds: ['district'] }, of: { node: '3' }, op: 'mean' }),
          agg('c', 'rate', { from: { kinds: ['district'] }, of: { node: '3' }, op: 'sum' }),
          agg('d', 'rate', { from: { kinds: ['district'] }, of: { field: 'x' }, op: 'pooled' }),
          agg('e', 'integer', { from: { kinds: ['district'], lead: true }, of: { field: 'x' }, op: 'sum' }),
          agg('f', 'integer', { from: { kinds: ['district'] }, of: { field: 'x' }, op: 'sum', bar: { op: '>', value: 0 } }),
        ]),
      ),
    );
    expect(issues).toEqual([
      { path: '/fields/1/type', message: 'field "b" is integer, but its aggregate (mean of node) gives rate' },
      { path: '/fields/2/aggregate/op', message: 'a sum of score rates means nothing; use "mean", "pooled", "min" or "max"' },
      { path: '/fields/3/aggregate/op', message: '"pooled" (Σ earned ÷ Σ max) is of an item or group: "of": { "node": … }' },
      { path: '/fields/4/aggregate/from/lead', message: '"lead" picks the lead of each item under "of": { "node": … }' },
      { path: '/fields/5/aggregate/bar', message: '"bar" is for "share" and "count", not "sum"' },
    ]);
  });
  it('a consistency check naming its figure’s unit both ways, or twice the same id', () => {
    const check = (id: string, figure: Json) => ({ id, title: { zh: id }, figure: { ruleset: 'r/m', field: 'x', ...figure }, against: { field: 'x', op: 'sum' }, expect: '>=' });
    const issues = issuesOf(() =>
      engine.compile(
        base([agg('a', 'rate', { from: { kinds: ['district'] }, of: { node: '3' }, op: 'mean' })], {
          consistency: [check('c1', { unit: 'u', leadOf: '3.1' }), check('c2', {}), check('c2', { unit: 'u' })],
        }),
      ),
    );
    expect(issues).toEqual([
      { path: '/consistency/0/figure', message: 'name the figure\'s unit with either "unit" or "leadOf" (an item whose lead reports it)' },
      { path: '/consistency/1/figure', message: 'name the figure\'s unit with either "unit" or "leadOf" (an item whose lead reports it)' },
      { path: '/consistency/2/id', message: 'consistency check "c2" is declared twice' },
    ]);
  });
});
