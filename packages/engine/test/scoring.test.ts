// The whole card: findings of the two check methods, merge policies, vetoes, not-applicable
// items, normalisation, grades, bad evidence, and reproducibility.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { createEngine, EvidenceError, type Finding, type ScoreNode, type UnitEvidence } from '../src/index.js';
import { field, rulesetOf, unit } from './helpers.js';

const read = (f: string) => JSON.parse(readFileSync(new URL(`../../../examples/basic/${f}`, import.meta.url), 'utf8'));
const base = read('ruleset.json');
const evidence: UnitEvidence = read('evidence.json');
const findings: Finding[] = read('findings.json');
const engine = createEngine();
const ruleset = engine.compile(base);

const find = (nodes: ScoreNode[], id: string): ScoreNode | undefined => {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = find(n.children ?? [], id);
    if (c) return c;
  }
  return undefined;
};

describe('the example card, computed by hand', () => {
  const card = ruleset.score(evidence, { findings });
  it('item by item', () => {
    // 1.1.1: 3 findings × 0.5 = 1.5 → 0.5 of 2
    expect(find(card.nodes, '1.1.1')!.earned).toBe(0.5);
    // 1.1.3: 3 of 9 办法 missing × 0.2 = 0.6 → 0.4 of 1
    expect(find(card.nodes, '1.1.3')!.earned).toBe(0.4);
    // 1.2.4a: 7 × 0.2 = 1.4, 1分扣完为止 → 0
    expect(find(card.nodes, '1.2.4a')!.earned).toBe(0);
    // 1.2.4b: 78.5% ≤ 80% → −1 → 0
    expect(find(card.nodes, '1.2.4b')!.earned).toBe(0);
    // 1.2.5: 93.2% is 1.8 below 95 → 2 steps × 0.5 = 1; on-site −0.3 → 0.7 of 2
    expect(find(card.nodes, '1.2.5')!.earned).toBe(0.7);
    // 1.2.11: the only field rejected by the data check → evidence treated as not submitted → 0
    expect(find(card.nodes, '1.2.11')!.earned).toBe(0);
    // bonus.culture: 3 awards → band ≥3 → 1.5; the bucket caps at 1
    expect(find(card.nodes, 'bonus.culture')!.earned).toBe(1.5);
  });
  it('totals, normalisation and grade', () => {
    expect(card).toMatchObject({ max: 9, earned: 1.6, bonus: 1, total: 2.6, grade: 'fail', vetoed: false });
    // 1.6 / 9 × 100 = 17.777… → 17.778, + bonus 1
    expect(card.normalized).toBe(18.778);
    expect(find(card.nodes, '1.1')).toMatchObject({ max: 3, earned: 0.9 });
    expect(find(card.nodes, '1.2')).toMatchObject({ max: 6, earned: 0.7 });
    expect(card.nodes.at(-1)).toMatchObject({ id: 'bonus', max: 1, earned: 1 });
  });
  it('records ruleset and evidence hashes', () => {
    expect(card.ruleset).toEqual({ id: 'example/source-governance', version: '1.0.0', hash: ruleset.hash });
    expect(card.ruleset.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(card.evidenceHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const other = ruleset.score({ ...evidence, values: { ...evidence.values, planFindings: 2 } }, { findings });
    expect(other.evidenceHash).not.toBe(card.evidenceHash);
    expect(ruleset.score(evidence, { findings: [] }).evidenceHash).not.toBe(card.evidenceHash);
  });
  it('cites where the evidence came from', () => {
    expect(find(card.nodes, '1.2.4a')!.deductions![0]!.evidence).toEqual(['yanta.xlsx!评分项!F7']);
  });
  it('the ruleset hash ignores $schema and key order', () => {
    const { $schema: _s, ...noSchema } = base;
    const reordered = Object.fromEntries(Object.entries(noSchema).reverse());
    expect(engine.compile(reordered).hash).toBe(ruleset.hash);
  });
  it('same bytes whatever the order of keys and findings', () => {
    const shuffled: UnitEvidence = {
      values: Object.fromEntries(Object.entries(evidence.values).reverse()),
      unit: { kind: 'district', name: '雁塔区', id: 'yanta' },
      sources: evidence.sources!,
    };
    const again = ruleset.score(shuffled, { findings: findings.slice().reverse().map((f) => Object.fromEntries(Object.entries(f).reverse()) as Finding) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(card));
  });
  it('English explanations on request', () => {
    const en = ruleset.score(evidence, { findings, lang: 'en' });
    expect(find(en.nodes, '1.2.4b')!.deductions![0]!.reason).toBe('old pipe renovation rate is 78.5% (≤ 80%); 1 deducted');
    expect(en.gradeTitle).toBe('fail');
    expect(JSON.stringify({ ...en, nodes: 0, gradeTitle: 0 })).toBe(JSON.stringify({ ...card, nodes: 0, gradeTitle: 0 }));
  });
});

describe('not applicable (不适用)', () => {
  it('leaves the maximum, says why, and normalises over what applies', () => {
    const card = ruleset.score({ ...evidence, values: { ...evidence.values, hazmatEnterprises: 0 } }, { findings: findings.filter((f) => f.item !== '1.2.11') });
    expect(find(card.nodes, '1.2.11')).toEqual({
      id: '1.2.11',
      title: '危险化学品企业运行安全风险',
      max: 0,
      earned: 0,
      applicable: false,
      notApplicableReason: '辖区内无危险化学品重大危险源企业',
    });
    expect(card.max).toBe(7);
    expect(find(card.nodes, '1.2')!.max).toBe(4);
    // earned 1.6 of 7 → 22.857 + bonus 1
    expect(card.earned).toBe(1.6);
    expect(card.normalized).toBe(23.857);
  });
  it('by unit kind and unit id', () => {
    const items = [
      { id: 'a', title: { zh: 'a' }, max: 1, scoring: { method: 'presence', params: { field: 'x' } }, applicability: { kinds: ['county'], reason: { zh: '仅适用于县' } } },
      { id: 'b', title: { zh: 'b' }, max: 1, scoring: { method: 'presence', params: { field: 'x' } }, applicability: { exceptUnits: ['yanta'], reason: { zh: '雁塔区无此项' } } },
      { id: 'c', title: { zh: 'c' }, max: 2, scoring: { method: 'presence', params: { field: 'x' } } },
    ];
    const rs = createEngine().compile(rulesetOf(items, [field('x', 'boolean')], { normalize: { scale: 100 } }));
    const card = rs.score({ unit, values: { x: true } });
    expect(card.nodes[0]!.children!.map((n) => [n.id, n.applicable, n.max, n.notApplicableReason])).toEqual([
      ['a', false, 0, '仅适用于县'],
      ['b', false, 0, '雁塔区无此项'],
      ['c', true, 2, undefined],
    ]);
    expect(card).toMatchObject({ max: 2, earned: 2, normalized: 100 });
    expect(rs.itemsFor({ id: 'yanta', kind: 'district' }).map((i) => i.id)).toEqual(['c']);
    expect(rs.itemsFor({ id: 'zhouzhi', kind: 'county' }).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('vetoes (否决项)', () => {
  it('a grade veto marks the card, says why, and sets the grade', () => {
    const values = { ...evidence.values, majorAccidentDeaths: 2 };
    const card = ruleset.score({ ...evidence, values }, { findings });
    expect(card.vetoed).toBe(true);
    expect(card.vetoes).toEqual([{ id: 'major-accident', title: '较大及以上生产安全事故', reason: '评价期内发生造成人员死亡的较大及以上生产安全事故（示例否决项）', effect: 'grade' }]);
    expect(card.grade).toBe('fail');
    expect(card.total).toBe(2.6); // a grade veto leaves the points
  });
  it.each([
    [{ type: 'zero' }, 0, 0],
    [{ type: 'cap', total: 50 }, 50, 50],
    [{ type: 'flag' }, 100, 100],
  ])('effect %j → total %d', (effect, total, normalized) => {
    const items = [{ id: 'a', title: { zh: 'a' }, max: 100, scoring: { method: 'presence', params: { field: 'x' } } }];
    const veto = { id: 'v', title: { zh: '否决' }, when: { var: 'accident' }, reason: { zh: '发生事故' }, effect };
    const rs = createEngine().compile(rulesetOf(items, [field('x', 'boolean'), field('accident', 'boolean')], { vetoes: [veto], normalize: { scale: 100 } }));
    const card = rs.score({ unit, values: { x: true, accident: true } });
    expect(card).toMatchObject({ earned: 100, total, normalized, vetoed: true });
    expect(rs.score({ unit, values: { x: true, accident: false } })).toMatchObject({ total: 100, vetoed: false, vetoes: [] });
  });
});

describe('findings of the two check methods', () => {
  const items = [{ id: 'i', title: { zh: '消火栓' }, max: 2, scoring: { method: 'per-finding', params: { field: 'n', per: 0.5 } }, checkMethods: ['data-check', 'onsite'] }];
  const rs = createEngine().compile(rulesetOf(items, [field('n', 'integer')]));
  const ded = (source: 'onsite' | 'data-check', points: number, reason = '问题'): Finding => ({ item: 'i', source, type: 'deduction', points, reason });
  const node = (values: Record<string, number>, fs: Finding[]) => rs.score({ unit, values }, { findings: fs }).nodes[0]!.children![0]!;

  it('by default both apply, bounded by the max, and what was cut is recorded', () => {
    const n = node({ n: 2 }, [ded('data-check', 0.5, '台账与系统不符'), ded('onsite', 0.8, '现场抽查损坏')]);
    expect(n.earned).toBe(0);
    expect(n.deductions!.map((d) => [d.source, d.points, d.requested])).toEqual([
      ['rule', 1, undefined],
      ['data-check', 0.5, undefined],
      ['onsite', 0.5, 0.8],
    ]);
  });
  it('a rejected field counts as not submitted, with the check and the reason', () => {
    const n = node({ n: 0 }, [{ item: 'i', source: 'onsite', type: 'rejected', field: 'n', check: 'authenticity', reason: '台账系补填' }]);
    expect(n.earned).toBe(0);
    expect(n.deductions![0]!.reason).toBe('佐证材料未通过核查（现场检查·真实性）：台账系补填');
    expect(n.deductions![0]!.source).toBe('onsite'); // the check that rejected it, so it lands on the 问题反馈清单
  });
  it('no evidence at all is said plainly', () => {
    const n = node({}, []);
    expect(n.deductions).toEqual([{ points: 2, reason: '未提供佐证材料（n）', suggestion: '补充提供n的佐证材料', source: 'rule', code: 'no-evidence' }]);
  });
  it('merge policy "larger": the larger check total applies, the other is kept superseded', () => {
    const larger = createEngine().compile(rulesetOf([{ ...items[0], merge: 'larger' }], [field('n', 'integer')]));
    const n = larger.score({ unit, values: { n: 0 } }, { findings: [ded('data-check', 0.5), ded('onsite', 0.8)] }).nodes[0]!.children![0]!;
    expect(n.earned).toBe(1.2);
    expect(n.deductions!.map((d) => [d.source, d.points, d.superseded])).toEqual([
      ['data-check', 0, true],
      ['onsite', 0.8, undefined],
    ]);
  });
  it('a custom merge policy from a plugin, on this engine only', () => {
    const firstOnly = { name: 'first-only', mergePolicies: { first: ({ rule, dataCheck, onsite }: any) => [...rule, ...dataCheck, ...onsite].map((d: any, k: number) => (k === 0 ? d : { ...d, superseded: true })) } }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = rulesetOf([{ ...items[0], merge: 'first' }], [field('n', 'integer')]);
    const n = createEngine({ plugins: [firstOnly] }).compile(r).score({ unit, values: { n: 1 } }, { findings: [ded('onsite', 1)] }).nodes[0]!.children![0]!;
    expect(n.earned).toBe(1.5);
    expect(() => createEngine().compile(r)).toThrow(/unknown merge policy "first"/);
  });
});

describe('bad evidence and findings get every problem with its place', () => {
  const err = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(EvidenceError);
      return (e as EvidenceError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('expected an EvidenceError');
  };
  it('wrong types, out of range, unknown fields, wrong unit kind', () => {
    const bad = {
      unit: { id: 'x', name: '某单位', kind: 'municipal' },
      values: { planFindings: -1, pipeRenovationRate: 120, fireCommsRate: '约90', hydrantDefects: 1.5, safetyRules: ['电梯', '电梯'], nope: 1, majorAccidentDeaths: null },
    } as unknown as UnitEvidence;
    expect(err(() => ruleset.score(bad))).toEqual([
      '/unit/kind: this ruleset (example/source-governance) is for district, county, development-zone, not "municipal"',
      '/values/planFindings: expected a count ≥ 0, found -1',
      '/values/pipeRenovationRate: expected a rate from 0 to 100 (%), found number 120',
      '/values/fireCommsRate: expected a rate from 0 to 100 (%), found a string "约90"',
      '/values/hydrantDefects: expected an integer, found number 1.5',
      '/values/safetyRules: document "电梯" is listed twice',
      '/values/nope: "nope" is not an evidence field of example/source-governance@1.0.0',
    ]);
  });
  it('findings for unknown items, fields an item does not read, bad grades, malformed', () => {
    const fs = [
      { item: '9.9', source: 'onsite', type: 'deduction', points: 1, reason: 'x' },
      { item: '1.2.5', source: 'onsite', type: 'rejected', field: 'hydrantDefects', check: 'accuracy', reason: 'x' },
      { item: '1.2.5', source: 'onsite', type: 'grade', grade: '优' },
    ] as Finding[];
    expect(err(() => ruleset.score(evidence, { findings: fs }))).toEqual([
      '/0/item: "9.9" is not an item of example/source-governance@1.0.0',
      '/1/field: item 1.2.5 does not read "hydrantDefects" (it reads fireCommsRate)',
      '/2/grade: item 1.2.5 is not scored by an expert grade (method rate)',
    ]);
    expect(err(() => ruleset.score(evidence, { findings: [{ item: '1.2.5', source: 'phone', type: 'deduction', points: -1, reason: '' }] as unknown as Finding[] }))).toEqual([
      '/0/source: expected one of "data-check", "onsite", found a string "phone"',
      '/0/points: must be > 0, found number -1',
      '/0/reason: must NOT have fewer than 1 characters, found a string ""',
    ]);
  });
  it('two different grades from the same check are refused, whichever the check', () => {
    const items = [{ id: 'eg', title: { zh: '专家评定' }, max: 2, scoring: { method: 'expert-grade', params: {} } }];
    const rs = createEngine().compile(rulesetOf(items, []));
    for (const source of ['data-check', 'onsite'] as const) {
      const fs: Finding[] = [{ item: 'eg', source, type: 'grade', grade: '差' }, { item: 'eg', source, type: 'grade', grade: '优' }];
      expect(err(() => rs.score({ unit, values: {} }, { findings: fs }))).toEqual([`/1/grade: item eg has two different grades from the ${source} ("差", "优")`]);
    }
  });
  it('a rate with more than three decimals is refused (rates compare exactly)', () => {
    expect(err(() => ruleset.score({ ...evidence, values: { ...evidence.values, fireCommsRate: 94.9996 } }))).toEqual([
      '/values/fireCommsRate: expected a rate with at most three decimals, found 94.9996',
    ]);
  });
  it('__proto__ in values does not reach a prototype', () => {
    const values = JSON.parse('{"__proto__": {"polluted": 1}, "planFindings": 1}');
    expect(err(() => ruleset.score({ unit: evidence.unit, values }))).toEqual(['/values/__proto__: "__proto__" is not an evidence field of example/source-governance@1.0.0']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('grade bands', () => {
  const items = [{ id: 'a', title: { zh: 'a' }, max: 100, scoring: { method: 'tiers', params: { field: 'n', by: 'atLeast', bands: [{ bound: 1, points: 50 }, { bound: 2, points: 80 }, { bound: 3, points: 100 }] } } }];
  const grades = [{ id: 'good', title: { zh: '良好' }, min: 75 }, { id: 'excellent', title: { zh: '优秀', en: 'excellent' }, min: 90 }];
  const rs = createEngine().compile(rulesetOf(items, [field('n', 'integer')], { grades }));
  it.each([
    [3, 'excellent', '优秀'],
    [2, 'good', '良好'],
    [1, null, null], // below every band: no grade, never the lowest band by default
  ])('n = %i → %s', (n, grade, title) => {
    expect(rs.score({ unit, values: { n } })).toMatchObject({ grade, gradeTitle: title });
  });
});

describe('what a template must ask for', () => {
  it('item fields, condition fields, and general fields', () => {
    const item = ruleset.items.find((i) => i.id === '1.2.11')!;
    expect(item.fields).toEqual(['hazmatMonitoredRate']);
    expect(item.conditionFields).toEqual(['hazmatEnterprises']);
    expect(ruleset.generalFields).toEqual(['majorAccidentDeaths']);
  });
});
