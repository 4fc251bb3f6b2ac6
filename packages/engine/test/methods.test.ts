// Every built-in method, with the national rubric's real phrases as cases
// (国家安全发展示范城市评分标准（2019版）, quoted in shared/sources/DOMAIN-SOURCES.md).
import { describe, it, expect } from 'vitest';
import { createEngine } from '../src/index.js';
import { field, rulesetOf, scoreItem, unit } from './helpers.js';

describe('per-finding: "每发现上述任何一处情况扣0.5分，2分扣完为止" (item (1), 2分)', () => {
  const f = [field('findings', 'integer')];
  const p = { field: 'findings', per: 0.5, cap: 2 };
  it.each([
    [0, 2, 0],
    [1, 1.5, 0.5],
    [3, 0.5, 1.5],
    [4, 0, 2],
    [9, 0, 2], // floored at zero: 扣完为止
  ])('%i findings → earned %d, deducted %d', (count, earned, deducted) => {
    const r = scoreItem('per-finding', p, 2, f, { findings: count });
    expect(r.earned).toBe(earned);
    expect(r.deducted).toBe(deducted);
  });
  it('explains the deduction in the rubric\'s words', () => {
    const r = scoreItem('per-finding', p, 2, f, { findings: 3 });
    expect(r.node.deductions).toEqual([
      { points: 1.5, reason: 'findings：发现3处，每处扣0.5分，2分扣完为止，扣1.5分', suggestion: '逐一整改findings（3处）', source: 'rule', code: 'findings' },
    ]);
  });
  it('"每发现一处扣0.2分，1分扣完为止" on a 2-point item: the cap, not the max, bounds it', () => {
    const r = scoreItem('per-finding', { field: 'findings', per: 0.2, cap: 1 }, 2, f, { findings: 7 });
    expect(r.earned).toBe(1);
    expect(r.deducted).toBe(1);
  });
  it('"每发现一处扣0.1分，0.5分扣完为止": 0.1 × 3 stays exact (no float drift)', () => {
    const r = scoreItem('per-finding', { field: 'findings', per: 0.1, cap: 0.5 }, 1, f, { findings: 3 });
    expect(r.earned).toBe(0.7);
    expect(r.node.deductions![0]!.points).toBe(0.3);
  });
});

describe('per-missing: "…安全管理办法…每缺一项扣0.2分，1分扣完为止" (item (3), 1分)', () => {
  const required = ['高层建筑', '大型商业综合体', '综合交通枢纽', '管线管廊', '轨道交通', '燃气工程', '垃圾填埋场(渣土受纳场)', '电梯', '游乐设施'];
  const f = [field('rules', 'documents')];
  const p = { field: 'rules', required, per: 0.2, cap: 1 };
  it('all nine present → full marks, no deductions', () => {
    const r = scoreItem('per-missing', p, 1, f, { rules: required });
    expect(r.earned).toBe(1);
    expect(r.node.deductions).toEqual([]);
  });
  it('three missing → 0.6 deducted, naming what is missing', () => {
    const r = scoreItem('per-missing', p, 1, f, { rules: required.slice(0, 6) });
    expect(r.earned).toBe(0.4);
    expect(r.node.deductions![0]!.reason).toBe('rules缺3项：垃圾填埋场(渣土受纳场)、电梯、游乐设施；每缺一项扣0.2分，1分扣完为止，扣0.6分');
    expect(r.node.deductions![0]!.suggestion).toBe('制修订并提交：垃圾填埋场(渣土受纳场)、电梯、游乐设施');
  });
  it('seven missing → 1 (扣完为止), documents outside the list do not count', () => {
    const r = scoreItem('per-missing', p, 1, f, { rules: ['电梯', '游乐设施', '其他办法'] });
    expect(r.earned).toBe(0);
    expect(r.deducted).toBe(1);
  });
});

describe('threshold: "…老旧管网改造率≤80%的，扣1分"', () => {
  const f = [field('rate', 'rate', { unit: '%' })];
  const p = { field: 'rate', op: '<=', value: 80, deduct: 1 };
  it.each([
    [80, 1, 1],
    [79.9, 1, 1],
    [80.1, 2, 0],
    [100, 2, 0],
  ])('改造率 %d%% on a 2-point item → earned %d', (rate, earned, deducted) => {
    const r = scoreItem('threshold', p, 2, f, { rate });
    expect(r.earned).toBe(earned);
    expect(r.deducted).toBe(deducted);
  });
  it('says the value and the threshold', () => {
    const r = scoreItem('threshold', p, 2, f, { rate: 78.5 });
    expect(r.node.deductions![0]!.reason).toBe('rate为78.5%（≤80%），扣1分');
  });
  it.each([
    ['<', 5, 4.999, true],
    ['<', 5, 5, false],
    ['>', 3, 4, true],
    ['>=', 3, 3, true],
    ['>=', 3, 2, false],
  ])('op %s %d with value %d breaches: %s', (op, value, v, breached) => {
    const r = scoreItem('threshold', { field: 'n', op, value, deduct: 0.5 }, 1, [field('n', 'number')], { n: v });
    expect(r.earned).toBe(breached ? 0.5 : 1);
  });
});

describe('rate: "完好率100%" / "达标率≥95%"', () => {
  const f = [field('rate', 'rate')];
  it('消防通信设施完好率≥95%: each started point below costs 0.5, 2 at most', () => {
    const p = { field: 'rate', target: 95, per: 0.5, cap: 2 };
    expect(scoreItem('rate', p, 2, f, { rate: 95 }).earned).toBe(2);
    expect(scoreItem('rate', p, 2, f, { rate: 94.5 }).earned).toBe(1.5);
    expect(scoreItem('rate', p, 2, f, { rate: 93.2 }).earned).toBe(1); // 1.8 points below → 2 steps
    expect(scoreItem('rate', p, 2, f, { rate: 60 }).earned).toBe(0);
  });
  it('完好率100% without a per-point rate: anything below loses the whole item', () => {
    const p = { field: 'rate', target: 100 };
    expect(scoreItem('rate', p, 1, f, { rate: 100 }).earned).toBe(1);
    expect(scoreItem('rate', p, 1, f, { rate: 99.99 }).earned).toBe(0);
  });
  it('steps of 5 points: 达标率 87% vs target 95% → 2 steps', () => {
    const p = { field: 'rate', target: 95, per: 0.3, step: 5 };
    expect(scoreItem('rate', p, 1, f, { rate: 87 }).earned).toBe(0.4);
  });
  it('reason names the value and target', () => {
    const r = scoreItem('rate', { field: 'rate', target: 95, per: 0.5 }, 2, f, { rate: 94 });
    expect(r.node.deductions![0]!.reason).toBe('rate为94%，低于95%，扣0.5分');
  });
});

describe('presence: 有/无', () => {
  it('boolean, document list and count all count as present', () => {
    expect(scoreItem('presence', { field: 'b' }, 1, [field('b', 'boolean')], { b: true }).earned).toBe(1);
    expect(scoreItem('presence', { field: 'b' }, 1, [field('b', 'boolean')], { b: false }).earned).toBe(0);
    expect(scoreItem('presence', { field: 'd' }, 1, [field('d', 'documents')], { d: ['方案'] }).earned).toBe(1);
    expect(scoreItem('presence', { field: 'd' }, 1, [field('d', 'documents')], { d: [] }).earned).toBe(0);
    expect(scoreItem('presence', { field: 'n' }, 1, [field('n', 'integer')], { n: 0 }).earned).toBe(0);
  });
  it('a partial deduction when the param says so', () => {
    const r = scoreItem('presence', { field: 'b', deduct: 0.4 }, 1, [field('b', 'boolean')], { b: false });
    expect(r.earned).toBe(0.6);
    expect(r.node.deductions![0]).toMatchObject({ points: 0.4, reason: 'b：否，扣0.4分', code: 'absent' });
  });
});

describe('tiers', () => {
  const f = [field('n', 'integer')];
  const p = { field: 'n', by: 'atLeast', bands: [{ bound: 1, points: 0.5 }, { bound: 3, points: 1 }, { bound: 5, points: 2 }] };
  it.each([
    [0, 0],
    [1, 0.5],
    [4, 1],
    [5, 2],
    [50, 2],
  ])('value %i → %d', (n, earned) => {
    const r = scoreItem('tiers', p, 2, f, { n });
    expect(r.earned).toBe(earned);
    expect(r.earned + r.deducted).toBe(2);
  });
  it('atMost: fewer is better (e.g. accidents)', () => {
    const q = { field: 'n', by: 'atMost', bands: [{ bound: 0, points: 2 }, { bound: 2, points: 1 }] };
    expect(scoreItem('tiers', q, 2, f, { n: 0 }).earned).toBe(2);
    expect(scoreItem('tiers', q, 2, f, { n: 2 }).earned).toBe(1);
    expect(scoreItem('tiers', q, 2, f, { n: 3 }).earned).toBe(0);
  });
});

describe('checklist: named sub-points', () => {
  const f = [field('a', 'boolean'), field('b', 'documents'), field('c', 'boolean')];
  const p = {
    points: [
      { id: 'a', title: { zh: '成立领导小组', en: 'a leading group' }, field: 'a', points: 0.5 },
      { id: 'b', title: { zh: '印发实施方案' }, field: 'b', points: 1 },
      { id: 'c', title: { zh: '定期召开会议' }, field: 'c', points: 0.5 },
    ],
  };
  it('each unmet sub-point loses its own points, by name', () => {
    const r = scoreItem('checklist', p, 2, f, { a: true, b: [], c: false });
    expect(r.earned).toBe(0.5);
    expect(r.node.deductions!.map((d) => [d.points, d.reason])).toEqual([
      [1, '未达到“印发实施方案”，扣1分'],
      [0.5, '未达到“定期召开会议”，扣0.5分'],
    ]);
  });
});

describe('expert-grade: 优/良/中/差', () => {
  const grade = (g: string, source: 'onsite' | 'data-check' = 'onsite') => ({ item: 'i', source, type: 'grade' as const, grade: g });
  it.each([
    ['优', 3],
    ['良', 2.4],
    ['中', 1.8],
    ['差', 0.9],
  ])('%s → %d of 3', (g, earned) => {
    expect(scoreItem('expert-grade', {}, 3, [], {}, [grade(g)]).earned).toBe(earned);
  });
  it('no grade yet → nothing earned, said plainly', () => {
    const r = scoreItem('expert-grade', {}, 3, [], {});
    expect(r.earned).toBe(0);
    expect(r.node.deductions![0]!.reason).toBe('尚无专家评定等级');
  });
  it('the on-site grade stands over the data check\'s', () => {
    expect(scoreItem('expert-grade', {}, 3, [], {}, [grade('优', 'onsite'), grade('差', 'data-check')]).earned).toBe(3);
    expect(scoreItem('expert-grade', {}, 3, [], {}, [grade('差', 'data-check'), grade('良', 'onsite')]).earned).toBe(2.4);
  });
  it('custom grades', () => {
    expect(scoreItem('expert-grade', { grades: { A: 1, B: 0.5 } }, 2, [], {}, [{ item: 'i', source: 'onsite', type: 'grade', grade: 'B' }]).earned).toBe(1);
  });
});

describe('logic: JsonLogic as the escape hatch', () => {
  const f = [field('r', 'rate')];
  const logic = { if: [{ '>=': [{ var: 'r' }, 100] }, 2, { '>=': [{ var: 'r' }, 90] }, 1, -5] };
  const score = (r: number) => {
    const rs = createEngine().compile(rulesetOf([{ id: 'i', title: { zh: '项' }, max: 2, scoring: { logic } }], f));
    return rs.score({ unit, values: { r } }).nodes[0]!.children![0]!;
  };
  it('gives points, clamped to [0, max], and explains the difference', () => {
    expect(score(100)).toMatchObject({ earned: 2, deductions: [] });
    expect(score(95)).toMatchObject({ earned: 1, method: 'logic', deductions: [{ points: 1, reason: '按评分标准得1分（满分2分），扣1分', code: 'logic' }] });
    expect(score(10)).toMatchObject({ earned: 0, deductions: [{ points: 2 }] });
  });
});
