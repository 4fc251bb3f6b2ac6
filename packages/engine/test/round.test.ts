// A round's results as evidence for the city's own rubric: roundEvidence (aggregates declared
// as data, with the units each value came from) and checkConsistency (a city-wide figure
// against the units' figures, as data-check rejections). Values computed by hand; properties
// with fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkConsistency,
  createEngine,
  EvidenceError,
  roundEvidence,
  stableJson,
  type FieldValue,
  type Finding,
  type ScoreCard,
  type ScoreNode,
  type Unit,
  type UnitEvidence,
} from '../src/index.js';

const engine = createEngine();
const GRADES = [
  { id: 'pass', title: { zh: '合格', en: 'pass' }, min: 60 },
  { id: 'fail', title: { zh: '不合格', en: 'fail' }, min: 0 },
];
const linearRate = (field: string, per: number) => ({ method: 'rate', params: { field, target: 100, per, step: 100, steps: 'linear' } });

/** The units' rubric: 3.1 led by a, 3.2 led by b, 3.3 without a lead. */
const unitsJson = {
  id: 'test/units',
  version: '1.0.0',
  edition: 2022,
  title: { zh: '单位细则' },
  unitKinds: ['municipal', 'district'],
  fields: [
    { name: 'r', type: 'rate', title: { zh: '完好率', en: 'intact rate' }, unit: '%' },
    { name: 'acc', type: 'integer', title: { zh: '较大事故起数', en: 'larger accidents' }, unit: '起' },
    { name: 'ok', type: 'boolean', title: { zh: '有预案', en: 'has a plan' } },
    { name: 'deaths', type: 'integer', title: { zh: '死亡人数' }, unit: '人' },
    { name: 'note', type: 'enum', values: ['x', 'y'], title: { zh: '备注' } },
  ],
  tree: [
    {
      id: '3',
      title: { zh: '工作成效' },
      max: 4,
      children: [
        { id: '3.1', title: { zh: '完好率', en: 'Intact' }, max: 2, lead: 'a', scoring: linearRate('r', 2) },
        { id: '3.2', title: { zh: '较大事故' }, max: 1, lead: 'b', scoring: { method: 'tiers', params: { field: 'acc', by: 'atMost', bands: [{ bound: 0, points: 1 }] } } },
        { id: '3.3', title: { zh: '预案' }, max: 1, scoring: { method: 'presence', params: { field: 'ok' } } },
      ],
    },
  ],
  vetoes: [
    {
      id: 'larger-accident',
      title: { zh: '较大及以上生产安全事故', en: 'Larger accident' },
      when: { '>': [{ var: 'deaths' }, 0] },
      reason: { zh: '发生较大事故' },
      effect: { type: 'grade', grade: 'fail' },
    },
  ],
  grades: GRADES,
  normalize: { scale: 100 },
};

const agg = (name: string, type: string, aggregate: unknown) => ({ name, type, title: { zh: name }, aggregate });
/** The city's rubric: its evidence is the units' results. */
const cityJson = {
  id: 'test/city',
  version: '1.0.0',
  edition: 2022,
  title: { zh: '城市细则' },
  unitKinds: ['city'],
  fields: [
    agg('m3', 'rate', { from: { ruleset: 'test/units', lead: true }, of: { node: '3' }, op: 'pooled' }),
    agg('d31', 'rate', { from: { ruleset: 'test/units', kinds: ['district'] }, of: { node: '3.1' }, op: 'mean' }),
    agg('dmin', 'rate', { from: { kinds: ['district'] }, of: { node: '3.1' }, op: 'min' }),
    agg('pooled3', 'rate', { from: { kinds: ['district'] }, of: { node: '3' }, op: 'pooled' }),
    agg('vetoed', 'integer', { from: {}, of: { veto: 'larger-accident' }, op: 'count' }),
    agg('anyVeto', 'boolean', { from: {}, of: { veto: '*' }, op: 'any' }),
    agg('accSum', 'integer', { from: { kinds: ['district'] }, of: { field: 'acc' }, op: 'sum' }),
    agg('okShare', 'rate', { from: { kinds: ['district'] }, of: { field: 'ok' }, op: 'share' }),
    agg('goodCount', 'integer', { from: {}, of: { node: '3' }, op: 'count', bar: { op: '>=', value: 80 } }),
    agg('normMean', 'number', { from: {}, of: { score: 'normalized' }, op: 'mean' }),
    agg('none', 'rate', { from: { kinds: ['nobody'] }, of: { node: '3.1' }, op: 'mean' }),
  ],
  tree: [
    { id: 'c1', title: { zh: '市级牵头' }, max: 2, scoring: linearRate('m3', 2) },
    { id: 'c2', title: { zh: '区县' }, max: 2, scoring: linearRate('d31', 2) },
    { id: 'c3', title: { zh: '事故' }, max: 1, scoring: { method: 'tiers', params: { field: 'accSum', by: 'atMost', bands: [{ bound: 0, points: 1 }] } } },
    { id: 'c4', title: { zh: '预案' }, max: 1, scoring: linearRate('okShare', 1) },
    { id: 'c5', title: { zh: '无人' }, max: 1, scoring: linearRate('none', 1) },
    {
      id: 'c6',
      title: { zh: '无人，不适用' },
      max: 1,
      scoring: linearRate('none', 1),
      applicability: { when: { '!=': [{ var: 'none' }, null] }, reason: { zh: '没有单位涉及本项' } },
    },
  ],
  vetoes: [
    {
      id: 'unit-vetoed',
      title: { zh: '成员单位发生较大事故' },
      when: { '>': [{ var: 'vetoed' }, 0] },
      reason: { zh: '有单位发生较大事故' },
      effect: { type: 'grade', grade: 'fail' },
    },
  ],
  grades: GRADES,
  normalize: { scale: 100 },
  consistency: [
    {
      id: 'acc-sum',
      title: { zh: '事故起数不少于区县合计', en: 'Accidents at least the districts\' sum' },
      figure: { ruleset: 'test/units', leadOf: '3.2', field: 'acc' },
      against: { ruleset: 'test/units', kinds: ['district'], field: 'acc', op: 'sum' },
      expect: '>=',
      finding: { item: '3.2' },
    },
    {
      id: 'r-range',
      title: { zh: '完好率在区县范围内' },
      figure: { ruleset: 'test/units', unit: 'a', field: 'r' },
      against: { kinds: ['district'], field: 'r', op: 'min' },
      expect: 'within',
    },
    {
      id: 'ok-unreported',
      title: { zh: '无人报送' },
      figure: { ruleset: 'test/units', unit: 'a', field: 'deaths' },
      against: { kinds: ['district'], field: 'note', op: 'sum' },
      expect: '>=',
    },
  ],
};

const units = engine.compile(unitsJson);
const city = engine.compile(cityJson);
const U = (id: string, name: string, kind: string): Unit => ({ id, name, kind });
const XIAN: Unit = U('xian', '西安市', 'city');

const EVIDENCE: UnitEvidence[] = [
  { unit: U('a', '市A', 'municipal'), values: { r: 90, acc: 0, ok: true, deaths: 0 } },
  { unit: U('b', '市B', 'municipal'), values: { r: 100, acc: 0, ok: true, deaths: 0 }, sources: { acc: ['b.xlsx!评分项!F9'] } },
  { unit: U('d1', '区一', 'district'), values: { r: 80, acc: 0, ok: true, deaths: 0 } },
  { unit: U('d2', '区二', 'district'), values: { r: 100, acc: 1, ok: false, deaths: 1 }, sources: { acc: ['d2.json#/items/3.2/acc'] } },
  { unit: U('d3', '区三', 'district'), values: { r: 60, acc: 0, deaths: 0 } },
];
const score = (e: UnitEvidence, findings: Finding[] = []) => units.score(e, { findings });
const CARDS: ScoreCard[] = EVIDENCE.map((e) => score(e));
const ROUND = { cards: CARDS, evidence: EVIDENCE, rulesets: [units] };

const find = (nodes: readonly ScoreNode[], id: string): ScoreNode | undefined => {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = find(n.children ?? [], id);
    if (c) return c;
  }
  return undefined;
};

describe('roundEvidence: the city\'s evidence from the units\' results, by hand', () => {
  const e = roundEvidence(city, XIAN, ROUND);

  it('computes every aggregate', () => {
    expect(e.unit).toEqual(XIAN);
    expect(e.values).toEqual({
      // leads only: a on 3.1 (1.8 of 2), b on 3.2 (1 of 1); 3.3 has no lead → 2.8 / 3 × 100
      m3: 93.333,
      // d1 1.6/2 = 80, d2 2/2 = 100, d3 1.2/2 = 60 → mean 80
      d31: 80,
      dmin: 60,
      // districts on 3: d1 3.6, d2 2, d3 2.2 of 4 each → 7.8 / 12 = 65
      pooled3: 65,
      // d2 is vetoed
      vetoed: 1,
      anyVeto: true,
      // 0 + 1 + 0
      accSum: 1,
      // d1 yes, d2 no, d3 did not report → 1 of 2
      okShare: 50,
      // 3 earned/max: a 95, b 100, d1 90, d2 50, d3 55 → three at or above 80
      goodCount: 3,
      // (95 + 100 + 90 + 50 + 55) / 5
      normMean: 78,
      // no unit of that kind: not reported
      none: null,
    });
  });

  it('names the units each value came from, worst first, and sums up the rest', () => {
    expect(e.sources).toEqual({
      m3: ['市A 3.1 完好率：1.8/2分', '其余1项牵头指标满分'],
      d31: ['区三 3.1 完好率：1.2/2分', '区一 3.1 完好率：1.6/2分', '其余1个单位本项满分'],
      dmin: ['区三 3.1 完好率：1.2/2分', '区一 3.1 完好率：1.6/2分', '其余1个单位本项满分'],
      pooled3: ['区二 3 工作成效：2/4分', '区三 3 工作成效：2.2/4分', '区一 3 工作成效：3.6/4分'],
      vetoed: ['区二：较大及以上生产安全事故（否决）', '其余4个单位未触发否决'],
      anyVeto: ['区二：较大及以上生产安全事故（否决）', '其余4个单位未触发否决'],
      accSum: ['区二：较大事故起数 1起', '其余2个单位：0起'],
      okShare: ['区二：有预案 否', '其余1个单位满足条件（为是或大于0）'],
      goodCount: ['市B 3 工作成效：4/4分', '市A 3 工作成效：3.8/4分', '区一 3 工作成效：3.6/4分', '其余2个单位不满足条件（不低于80%）'],
      normMean: ['区二：规范化得分 50', '区三：规范化得分 55', '区一：规范化得分 90', '市A：规范化得分 95', '市B：规范化得分 100'],
    });
  });

  it('in English too', () => {
    const en = roundEvidence(city, XIAN, { ...ROUND, lang: 'en' });
    expect(en.sources!['m3']).toEqual(['市A 3.1 完好率: 1.8/2', '1 other lead indicators at full marks']);
    // a veto's title as the card has it (this card was rendered in Chinese)
    expect(en.sources!['vetoed']).toEqual(['区二: 较大及以上生产安全事故 (veto)', '4 other units: not vetoed']);
    expect(en.sources!['accSum']).toEqual(['区二: larger accidents 1起', '2 other units: 0起']);
  });

  it('is scored like any unit\'s evidence: every deduction cites its units; a veto names the unit', () => {
    const card = city.score(e);
    // c1: 93.333% → 2 × 6.667 / 100 = 0.13334 → 0.133 deducted
    expect(find(card.nodes, 'c1')).toMatchObject({ earned: 1.867 });
    expect(find(card.nodes, 'c1')!.deductions![0]!.evidence).toEqual(['市A 3.1 完好率：1.8/2分', '其余1项牵头指标满分']);
    // c2: 80% → 0.4 deducted; c3: 1 accident → 0; c4: 50% → 0.5 deducted
    expect(find(card.nodes, 'c2')).toMatchObject({ earned: 1.6 });
    expect(find(card.nodes, 'c3')).toMatchObject({ earned: 0 });
    expect(find(card.nodes, 'c3')!.deductions![0]!.evidence).toEqual(['区二：较大事故起数 1起', '其余2个单位：0起']);
    expect(find(card.nodes, 'c4')).toMatchObject({ earned: 0.5 });
    // c5: nobody reported → not evidence: loses its max (未提供佐证材料); c6 declares that 不适用
    expect(find(card.nodes, 'c5')).toMatchObject({ earned: 0, max: 1 });
    expect(find(card.nodes, 'c5')!.deductions![0]!.reason).toContain('未提供佐证材料');
    expect(find(card.nodes, 'c6')).toMatchObject({ applicable: false, max: 0 });
    // 1.867 + 1.6 + 0 + 0.5 + 0 of 7
    expect(card).toMatchObject({ unit: { id: 'xian', name: '西安市', kind: 'city' }, max: 7, earned: 3.967, total: 3.967, vetoed: true, grade: 'fail' });
    expect(card.vetoes[0]).toMatchObject({ id: 'unit-vetoed', evidence: ['区二：较大及以上生产安全事故（否决）', '其余4个单位未触发否决'] });
  });

  it('skips the city\'s own card', () => {
    const own = city.score(e);
    expect(roundEvidence(city, XIAN, { ...ROUND, cards: [own, ...CARDS] })).toEqual(e);
  });

  it('notes a lead whose card is missing, and leaves it out', () => {
    const r = roundEvidence(city, XIAN, { ...ROUND, cards: CARDS.filter((c) => c.unit.id !== 'b'), evidence: EVIDENCE.filter((x) => x.unit.id !== 'b') });
    // only a's 3.1: 1.8 / 2
    expect(r.values['m3']).toBe(90);
    expect(r.sources!['m3']).toEqual(['市A 3.1 完好率：1.8/2分', 'b（3.2牵头单位）：无评分卡，未计入']);
  });
});

describe('roundEvidence: bad rounds are refused, every problem named', () => {
  const problems = (f: () => unknown): string[] => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EvidenceError);
      return (e as EvidenceError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('expected an EvidenceError');
  };
  it('a card twice', () => {
    expect(problems(() => roundEvidence(city, XIAN, { ...ROUND, cards: [...CARDS, CARDS[2]!] }))).toEqual([
      '/cards/5: unit "d1" (区一) has a card twice: /cards/2 and /cards/5',
    ]);
  });
  it('a ruleset needed for lead not given', () => {
    expect(problems(() => roundEvidence(city, XIAN, { cards: CARDS, evidence: EVIDENCE }))).toEqual([
      "/rulesets: field \"m3\" of test/city reads the leads (牵头单位) of test/units's items: give that ruleset in the round's rulesets",
    ]);
  });
  it('a field aggregate without evidence', () => {
    expect(problems(() => roundEvidence(city, XIAN, { cards: CARDS, rulesets: [units] }))).toEqual([
      '/evidence: field "accSum" of test/city reads the units\' reported "acc": give the units\' evidence in the round',
      '/evidence: field "okShare" of test/city reads the units\' reported "ok": give the units\' evidence in the round',
    ]);
  });
  it('a unit\'s card without its ruleset, or at another version', () => {
    const other = engine.compile({ ...unitsJson, id: 'test/other' });
    const card = other.score({ unit: U('d9', '区九', 'district'), values: {} });
    expect(problems(() => roundEvidence(city, XIAN, { ...ROUND, cards: [...CARDS, card] }))).toEqual([
      '/cards/5/ruleset: the card of 区九 (d9) was scored under "test/other", which is not among the rulesets given (test/units)',
    ]);
    const old = { ...CARDS[0]!, ruleset: { ...CARDS[0]!.ruleset, version: '0.9.0' } };
    expect(problems(() => roundEvidence(city, XIAN, { ...ROUND, cards: [old, ...CARDS.slice(1)] }))[0]).toContain('was scored under test/units 0.9.0, but the ruleset given is 1.0.0');
  });
  it('evidence of a unit without a card, evidence twice, and not a card', () => {
    const stray: UnitEvidence = { unit: U('d9', '区九', 'district'), values: {} };
    expect(problems(() => roundEvidence(city, XIAN, { ...ROUND, evidence: [...EVIDENCE, stray, EVIDENCE[0]!] }))).toEqual([
      '/evidence/5/unit: evidence of 区九 (d9), which has no card in the round',
      '/evidence/6: unit "a" has evidence twice: /evidence/0 and /evidence/6 (merge a unit\'s parts first: mergeEvidence)',
    ]);
    expect(problems(() => roundEvidence(city, XIAN, { ...ROUND, cards: [...CARDS, { nodes: 1 } as unknown as ScoreCard] }))[0]).toMatch(/^\/cards\/5: not a ScoreCard/);
  });
  it('a node no card has', () => {
    const typo = engine.compile({ ...cityJson, fields: [agg('x', 'rate', { from: {}, of: { node: '3.9' }, op: 'mean' })], tree: [{ id: 'c', title: { zh: 'c' }, max: 1, scoring: linearRate('x', 1) }], vetoes: [], consistency: [] });
    expect(problems(() => roundEvidence(typo, XIAN, ROUND))).toEqual(['test/city#/fields/0/aggregate/of/node: "3.9" is on none of the 5 cards field "x" reads']);
  });
});

describe('checkConsistency: a city-wide figure against the units\' figures', () => {
  const result = checkConsistency(city, ROUND);

  it('names both places, and makes a data-check rejection of the figure', () => {
    expect(result.passed).toEqual(['r-range']);
    expect(result.skipped).toEqual([{ id: 'ok-unreported', title: '无人报送', reason: { zh: '没有单位报送备注', en: 'no unit reported 备注' } }]);
    expect(result.inconsistencies).toHaveLength(1);
    const inc = result.inconsistencies[0]!;
    expect(inc).toMatchObject({
      id: 'acc-sum',
      ok: false,
      field: 'acc',
      expect: '>=',
      figure: { ruleset: 'test/units', unit: { id: 'b', name: '市B' }, value: 0, places: ['b.xlsx!评分项!F9'] },
      against: { op: 'sum', value: 1 },
    });
    // every unit's figure, the one that makes the sum first; a unit without sources by its name
    expect(inc.against.units.map((u) => [u.unit.id, u.value, u.places])).toEqual([
      ['d2', 1, ['d2.json#/items/3.2/acc']],
      ['d1', 0, ['区一']],
      ['d3', 0, ['区三']],
    ]);
    expect(inc.message.zh).toBe('事故起数不少于区县合计：市B报送较大事故起数0起（b.xlsx!评分项!F9），3个单位报送合计1起（区二1起，d2.json#/items/3.2/acc）；应不低于其合计');
    expect(inc.message.en).toContain("Accidents at least the districts' sum: 市B reported larger accidents 0起 (b.xlsx!评分项!F9); 3 units reported in sum 1起");
    expect(result.findings).toEqual({
      b: [
        {
          item: '3.2',
          source: 'data-check',
          type: 'rejected',
          field: 'acc',
          check: 'accuracy',
          reason: '3个单位报送较大事故起数合计1起（区二1起，d2.json#/items/3.2/acc），本单位报送0起（b.xlsx!评分项!F9），应不低于其合计',
        },
      ],
    });
  });

  it('the lead, re-scored with the finding, loses the item, and the city with it', () => {
    const b = EVIDENCE[1]!;
    const rescored = score(b, result.findings['b']);
    expect(find(rescored.nodes, '3.2')).toMatchObject({ earned: 0 });
    expect(find(rescored.nodes, '3.2')!.deductions![0]!.reason).toContain('区二1起');
    const cards = CARDS.map((c) => (c.unit.id === 'b' ? rescored : c));
    // a's 3.1 1.8 + b's 3.2 now 0, of 3
    expect(roundEvidence(city, XIAN, { ...ROUND, cards }).values['m3']).toBe(60);
  });

  it('within: a figure outside the units\' range', () => {
    const low = EVIDENCE.map((x) => (x.unit.id === 'a' ? { ...x, values: { ...x.values, r: 50 } } : x));
    const r = checkConsistency(city, { ...ROUND, evidence: low, cards: low.map((x) => score(x)) });
    const inc = r.inconsistencies.find((i) => i.id === 'r-range')!;
    expect(inc.against.value).toEqual({ min: 60, max: 100 });
    expect(inc.message.zh).toBe('完好率在区县范围内：市A报送完好率50%（市A），3个单位报送在60%（区三60%，区三）至100%（区二100%，区二）之间；应在其最低值与最高值之间');
    expect(inc.finding).toBeUndefined();
  });

  it('needs the evidence, and the ruleset of a leadOf', () => {
    expect(() => checkConsistency(city, { cards: CARDS, rulesets: [units] })).toThrow(/give the units' evidence/);
    expect(() => checkConsistency(city, { cards: CARDS, evidence: EVIDENCE })).toThrow(/reads the lead of test\/units's item 3\.2: give that ruleset/);
  });
});

// ── properties ────────────────────────────────────────────────────────────────────────────

const arbRate = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1000 }).map((x) => x / 10));
const arbValues = fc.record({
  r: fc.option(arbRate, { nil: null }),
  acc: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  ok: fc.option(fc.boolean(), { nil: null }),
  deaths: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
});
/** Two municipal leads (a, b) and up to eight districts; some units may be missing. */
const arbRound = fc
  .record({
    a: fc.option(arbValues, { nil: undefined }),
    b: fc.option(arbValues, { nil: undefined }),
    districts: fc.array(arbValues, { minLength: 0, maxLength: 8 }),
    order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  })
  .map(({ a, b, districts, order }) => {
    const evidence: UnitEvidence[] = [];
    const strip = (v: Record<string, FieldValue>) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));
    if (a) evidence.push({ unit: U('a', '市A', 'municipal'), values: strip(a) });
    if (b) evidence.push({ unit: U('b', '市B', 'municipal'), values: strip(b) });
    districts.forEach((v, i) => evidence.push({ unit: U(`d${i}`, `区${i}号`, 'district'), values: strip(v) }));
    const cards = evidence.map((e) => units.score(e));
    return { evidence, cards, order };
  });
const permute = <T,>(xs: readonly T[], keys: readonly number[]): T[] =>
  xs.map((x, i) => ({ x, k: keys[i % keys.length]! * 31 + i })).sort((p, q) => p.k - q.k).map((p) => p.x);

describe('properties', () => {
  it('the computed values and sources are the same whatever the order of the cards, evidence and rulesets', () => {
    fc.assert(
      fc.property(arbRound, ({ evidence, cards, order }) => {
        const one = roundEvidence(city, XIAN, { cards, evidence, rulesets: [units] });
        const other = roundEvidence(city, XIAN, { cards: permute(cards, order), evidence: permute(evidence, order.slice().reverse()), rulesets: [units] });
        expect(stableJson(other)).toBe(stableJson(one));
        const c1 = checkConsistency(city, { cards, evidence, rulesets: [units] });
        const c2 = checkConsistency(city, { cards: permute(cards, order), evidence: permute(evidence, order), rulesets: [units] });
        expect(stableJson(c2)).toBe(stableJson(c1));
      }),
      { numRuns: 200 },
    );
  });

  it('every unit named in a source did contribute a value', () => {
    fc.assert(
      fc.property(arbRound, ({ evidence, cards }) => {
        const e = roundEvidence(city, XIAN, { cards, evidence, rulesets: [units] });
        const names = new Map(cards.map((c) => [c.unit.name, c]));
        const districts = cards.filter((c) => c.unit.kind === 'district');
        const reported = (c: ScoreCard, f: string) => evidence.find((x) => x.unit.id === c.unit.id)!.values[f] !== undefined;
        // Who may be named in each field's sources.
        const contributed: Record<string, (c: ScoreCard) => boolean> = {
          m3: (c) => (c.unit.id === 'a' && find(c.nodes, '3.1')!.max > 0) || (c.unit.id === 'b' && find(c.nodes, '3.2')!.max > 0),
          d31: (c) => districts.includes(c),
          dmin: (c) => districts.includes(c),
          pooled3: (c) => districts.includes(c),
          vetoed: (c) => c.vetoed,
          anyVeto: (c) => c.vetoed,
          accSum: (c) => districts.includes(c) && reported(c, 'acc'),
          okShare: (c) => districts.includes(c) && reported(c, 'ok'),
          goodCount: () => true,
          normMean: () => true,
          none: () => false,
        };
        for (const [field, list] of Object.entries(e.sources ?? {})) {
          for (const text of list) {
            const name = /^(市[AB]|区\d+号)[ ：]/.exec(text)?.[1];
            if (name === undefined) continue; // a summary line ("其余3个单位…") names no unit
            const card = names.get(name);
            expect(card, `${field}: ${text}`).toBeDefined();
            expect(contributed[field]!(card!), `${field}: ${text}`).toBe(true);
          }
        }
        // The values of those that contributed nothing are not reported.
        if (districts.length === 0) {
          expect(e.values['d31']).toBeNull();
          expect(e.values['accSum']).toBeNull();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('pooled is Σ earned ÷ Σ applicable max × 100, a mean the mean of the rounded rates, rounded half-up to 3 decimals', () => {
    const m = (x: number) => Math.round(x * 1000);
    fc.assert(
      fc.property(arbRound, ({ evidence, cards }) => {
        const e = roundEvidence(city, XIAN, { cards, evidence, rulesets: [units] });
        // the leads' items: a on 3.1, b on 3.2
        const lead = [
          ['a', '3.1'],
          ['b', '3.2'],
        ]
          .map(([u, id]) => cards.find((c) => c.unit.id === u) && find(cards.find((c) => c.unit.id === u)!.nodes, id!))
          .filter((n): n is ScoreNode => n !== undefined && n.max > 0);
        const le = lead.reduce((s, n) => s + m(n.earned), 0);
        const lm = lead.reduce((s, n) => s + m(n.max), 0);
        expect(e.values['m3']).toBe(lm === 0 ? null : Math.round((le * 100_000) / lm) / 1000);
        const ds = cards.filter((c) => c.unit.kind === 'district').map((c) => find(c.nodes, '3')!);
        const de = ds.reduce((s, n) => s + m(n.earned), 0);
        const dm = ds.reduce((s, n) => s + m(n.max), 0);
        expect(e.values['pooled3']).toBe(ds.length === 0 ? null : Math.round((de * 100_000) / dm) / 1000);
        const rates = cards.filter((c) => c.unit.kind === 'district').map((c) => find(c.nodes, '3.1')!).map((n) => Math.round((m(n.earned) * 100_000) / m(n.max)));
        expect(e.values['d31']).toBe(rates.length === 0 ? null : Math.round(rates.reduce((s, r) => s + r, 0) / rates.length) / 1000);
        expect(e.values['dmin']).toBe(rates.length === 0 ? null : Math.min(...rates) / 1000);
        // and the city card scores it, whatever it is
        const card = city.score(e);
        expect(card.max).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
