// The city's own rubric (xian-2022/city): generated from the two rubrics and up to date, built
// on the national 2019 rubric's 工作成效 and 鼓励项, hand-computed cases (cases-city/), and a
// whole round of 48 hand-made cards scored into the city's card.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { checkConsistency, createEngine, roundEvidence, type CompiledRuleset, type Node, type Ruleset, type ScoreCard, type ScoreNode, type Unit, type UnitEvidence } from '@safecity/engine';
import { caseHarness } from '../../cases-check.js';
import { city, cityUnit, district, municipal, rulesetFor, rulesets, units } from '../src/index.js';

const engine = createEngine();
const compiled = { city: engine.compile(city), municipal: engine.compile(municipal), district: engine.compile(district) };

function* leavesOf(nodes: readonly Node[]): Generator<Node> {
  for (const n of nodes) {
    if (n.children) yield* leavesOf(n.children as Node[]);
    else yield n;
  }
}
const findNode = (nodes: readonly Node[], id: string): Node | undefined => {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = n.children ? findNode(n.children as Node[], id) : undefined;
    if (c) return c;
  }
  return undefined;
};
const findCard = (nodes: readonly ScoreNode[], id: string): ScoreNode | undefined => {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = findCard(n.children ?? [], id);
    if (c) return c;
  }
  return undefined;
};

describe('city.json', () => {
  it('is what scripts/write-city.mjs writes from municipal.json and district.json', () => {
    const script = fileURLToPath(new URL('../scripts/write-city.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('city.json is up to date');
  });

  it('is xian-2022/city, for the city, at the package rubrics\' version', () => {
    expect(compiled.city).toMatchObject({ id: 'xian-2022/city', edition: 2022, unitKinds: ['city'], max: 100, bonusCap: 5 });
    expect(city.version).toBe(municipal.version);
    expect(city.version).toBe(district.version);
    expect(city.grades).toEqual(municipal.grades);
    expect(city.normalize).toEqual({ scale: 100 });
    expect(city.$schema).toBe('./ruleset.schema.json');
  });

  it('has the national first-level items with their weights, and the 鼓励项 bucket of 5', () => {
    expect(city.tree.map((n) => [n.id, n.title.zh, n.max])).toEqual([
      ['3.1', '城市安全源头治理', 18],
      ['3.2', '城市安全风险防控', 32],
      ['3.3', '城市安全监督管理', 16],
      ['3.4', '城市安全保障能力', 16],
      ['3.5', '城市安全应急救援', 14],
      ['3.6', '城市安全状况', 4],
    ]);
    expect(city.bonus).toMatchObject({ id: '4', cap: 5 });
    expect(city.bonus!.items.map((n) => n.id)).toEqual(['4.1', '4.2', '4.3', '4.4', '4.5']);
  });

  it('has every national item of the district rubric, with the same id and points, split between the municipal departments and the districts', () => {
    const national = [...leavesOf((district.tree[2]!.children ?? []) as Node[])];
    expect(national.length).toBeGreaterThan(55);
    for (const n of national) {
      const c = findNode(city.tree as Node[], n.id);
      expect(c, n.id).toBeDefined();
      expect(c!.max, n.id).toBe(n.max);
      expect(c!.children!.map((x) => x.id), n.id).toEqual([`${n.id}.m`, `${n.id}.d`]);
      expect(c!.children!.map((x) => x.max), n.id).toEqual([n.max / 2, n.max / 2]);
    }
    // e.g. 3.1.2.4.1: the lead's pooled rate, and the districts' mean rate
    const m = findNode(city.tree as Node[], '3.1.2.4.1.m')!;
    expect(m.scoring).toEqual({ method: 'rate', params: { field: 'm_3_1_2_4_1', target: 100, per: 0.5, step: 100, steps: 'linear' } });
    const f = (name: string) => city.fields.find((x) => x.name === name)!;
    expect(f('m_3_1_2_4_1').aggregate).toEqual({ from: { ruleset: 'xian-2022/municipal', lead: true }, of: { node: '3.1.2.4.1' }, op: 'pooled' });
    expect(f('d_3_1_2_4_1').aggregate).toEqual({ from: { ruleset: 'xian-2022/district' }, of: { node: '3.1.2.4.1' }, op: 'mean' });
    // the municipal rubric's split of 3.2.2.19 (3.2.2.19.1–5) is read through the national item's node
    expect(f('m_3_2_2_19').aggregate).toMatchObject({ of: { node: '3.2.2.19' } });
  });

  it('places every municipal item of 工作成效 under a national item, or leaves it out (documented)', () => {
    const ids = new Set(city.fields.flatMap((f) => ('node' in (f.aggregate?.of ?? {}) ? [(f.aggregate!.of as { node: string }).node] : [])));
    const national = [...leavesOf((district.tree[2]!.children ?? []) as Node[])].map((n) => n.id);
    const LEFT_OUT = ['3.2.5.62', '3.2.5.63', '3.4.2.65'];
    for (const item of leavesOf((municipal.tree[2]!.children ?? []) as Node[])) {
      const read = [...ids].some((id) => item.id === id || item.id.startsWith(`${id}.`));
      expect(read || LEFT_OUT.includes(item.id), `${item.id} ${item.title.zh}`).toBe(true);
      if (!national.some((id) => item.id === id || item.id.startsWith(`${id}.`))) expect(read || LEFT_OUT.includes(item.id)).toBe(true);
    }
  });

  it('says that every number is modelled', () => {
    for (const n of [...leavesOf(city.tree as Node[]), ...leavesOf(city.bonus!.items as Node[])]) {
      expect(n.provenance?.kind, n.id).toBe('modelled');
      expect(n.provenance?.note, n.id).toBeTruthy();
      expect(n.content, n.id).toBeTruthy();
      expect(n.standard, n.id).toBeTruthy();
    }
    for (const v of [...(city.vetoes ?? []), ...(city.consistency ?? [])]) expect(v.provenance?.kind, v.id).toBe('modelled');
  });

  it('declares vetoes reaching the city from any unit, and consistency checks of the city-wide figures', () => {
    expect(city.vetoes!.map((v) => [v.id, v.effect])).toEqual([
      ['larger-accident', { type: 'grade', grade: 'fail' }],
      ['concealed-accident', { type: 'zero' }],
    ]);
    expect(city.consistency!.map((c) => [c.id, c.figure.leadOf, c.against.op, c.expect, c.finding?.item])).toEqual([
      ['larger-accidents', '3.6.57', 'sum', '>=', '3.6.57'],
      ['larger-accident-deaths', '3.6.57', 'sum', '>=', undefined],
      ['hydrant-defects', '3.1.2.4.1', 'sum', '>=', '3.1.2.4.1'],
      ['old-pipe-renovation', '3.1.2.4.2', 'min', 'within', '3.1.2.4.2'],
      ['hazmat-monitoring', '3.2.1.11', 'min', 'within', '3.2.1.11'],
      ['geohazard-monitoring', '3.2.4.27', 'min', 'within', '3.2.4.27'],
    ]);
  });

  it('is exported with the city unit, among the package\'s rulesets; units still get their own rubric', () => {
    expect(cityUnit).toEqual({ id: 'xian', name: '西安市', kind: 'city', nameEn: "Xi'an" });
    expect(units.some((u) => u.id === cityUnit.id)).toBe(false);
    expect(rulesets['xian-2022/city']).toBe(city);
    expect(rulesetFor({ kind: 'municipal' })).toBe(municipal);
    expect(rulesetFor({ kind: 'district' })).toBe(district);
    expect(rulesetFor({ kind: 'county' })).toBe(district);
    expect(rulesetFor({ kind: 'development-zone' })).toBe(district);
    expect(rulesetFor({ kind: 'city' })).toBe(city);
  });
});

// Hand-computed cases: the city's aggregated values in, the card out.
caseHarness({ casesUrl: new URL('../cases-city/', import.meta.url), rulesets: { 'xian-2022/city': city }, units: [cityUnit] }).runCases(10);

// ── a whole round: 48 hand-made cards ───────────────────────────────────────────────────────

/** A card at full marks on every item that applies to the unit by kind and id, as `ruleset.score` shapes it. */
function fullCard(r: CompiledRuleset, unit: Unit): ScoreCard {
  const applies = new Set(r.itemsFor(unit).map((i) => i.id));
  const node = (n: Node): ScoreNode => {
    if (n.children) {
      const children = (n.children as Node[]).map(node);
      const max = children.reduce((s, c) => s + Math.round(c.max * 1000), 0) / 1000;
      return { id: n.id, title: n.title.zh, max, earned: max, applicable: children.some((c) => c.applicable), children };
    }
    const on = applies.has(n.id);
    return { id: n.id, title: n.title.zh, max: on ? n.max : 0, earned: on ? n.max : 0, applicable: on };
  };
  const nodes = (r.source.tree as Node[]).map(node);
  const bonus = node({ id: r.source.bonus!.id, title: r.source.bonus!.title, max: r.source.bonus!.cap, children: r.source.bonus!.items } as Node);
  bonus.max = r.source.bonus!.cap;
  bonus.earned = r.source.bonus!.cap;
  const max = nodes.reduce((s, n) => s + Math.round(n.max * 1000), 0) / 1000;
  return {
    ruleset: { id: r.id, version: r.version, hash: r.hash },
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    evidenceHash: 'sha256:0',
    max,
    earned: max,
    bonus: bonus.earned,
    total: max + bonus.earned,
    normalized: 100 + bonus.earned,
    grade: 'excellent',
    gradeTitle: '优秀',
    vetoed: false,
    vetoes: [],
    nodes: [...nodes, bonus],
  };
}

/** Set an item's earned points on a card (and its groups'). */
function setEarned(card: ScoreCard, id: string, earned: number): void {
  const walk = (ns: ScoreNode[]): number => {
    let delta = 0;
    for (const n of ns) {
      if (n.id === id) {
        delta += earned - n.earned;
        n.earned = earned;
      } else if (n.children) {
        const d = walk(n.children);
        n.earned = Math.round((n.earned + d) * 1000) / 1000;
        delta += d;
      }
    }
    return delta;
  };
  const d = walk(card.nodes);
  card.earned = Math.round((card.earned + d) * 1000) / 1000;
  card.total = Math.round((card.total + d) * 1000) / 1000;
}

describe('a whole round: 48 cards into the city\'s card', () => {
  const cards = units.map((u) => fullCard(u.kind === 'municipal' ? compiled.municipal : compiled.district, u));
  const gaoling = cards.find((c) => c.unit.id === 'gaoling')!;
  // 高陵区: one larger accident (as in the demo): 3.6.57 lost, and vetoed.
  setEarned(gaoling, '3.6.57', 0);
  const veto = district.vetoes!.find((v) => v.id === 'larger-accident')!;
  Object.assign(gaoling, { vetoed: true, grade: 'fail', gradeTitle: '不合格', vetoes: [{ id: veto.id, title: veto.title.zh, reason: veto.reason.zh, effect: 'grade' }] });
  const unit = (id: string) => units.find((u) => u.id === id)!;
  const evidence: UnitEvidence[] = [
    { unit: unit('yingjiguanliju'), values: { largerAccidents: 0, largerAccidentDeaths: 0 }, sources: { largerAccidents: ['evidence/municipal/yingjiguanliju.xlsx!评分项!F120'] } },
    { unit: unit('gaoling'), values: { largerAccidents: 1, largerAccidentDeaths: 1 }, sources: { largerAccidents: ['evidence/district/gaoling.json#/items/3.6.57/largerAccidents'] } },
    { unit: unit('yanta'), values: { largerAccidents: 0, largerAccidentDeaths: 0 } },
  ];
  const round = { cards, evidence, rulesets: [compiled.municipal, compiled.district] };

  it('the city card is vetoed because 高陵区 is, naming it; 3.6.57\'s district half loses exactly 1/20 of its points', () => {
    const card = compiled.city.score(roundEvidence(compiled.city, cityUnit, round));
    expect(card.unit).toEqual({ id: 'xian', name: '西安市', kind: 'city' });
    expect(card).toMatchObject({ max: 100, earned: 99.975, bonus: 5, total: 104.975, normalized: 104.975, vetoed: true, grade: 'fail' });
    expect(card.vetoes).toEqual([
      expect.objectContaining({ id: 'larger-accident', effect: 'grade', evidence: ['高陵区：较大及以上生产安全事故（否决）', '其余47个单位未触发否决'] }),
    ]);
    const d = findCard(card.nodes, '3.6.57.d')!;
    // 19 districts at 100%, 高陵区 at 0% → 95% → 0.5 × 5 / 100 = 0.025 = 0.5 / 20
    expect(d).toMatchObject({ max: 0.5, earned: 0.475 });
    expect(d.deductions).toEqual([
      expect.objectContaining({ points: 0.025, evidence: ['高陵区 3.6.57 较大及以上事故：0/1分', '其余19个单位本项满分'] }),
    ]);
    expect(findCard(card.nodes, '3.6.57.m')).toMatchObject({ earned: 0.5 });
    // every unit earned every 先进经验 theme: 48 ≥ 5 → 2 each → 10 → cap 5
    expect(findCard(card.nodes, '4')).toMatchObject({ earned: 5 });
  });

  it('the consistency check finds 市应急管理局\'s 0 against 高陵区\'s 1; with the finding it loses 3.6.57, and the city with it', () => {
    const result = checkConsistency(compiled.city, round);
    expect(result.inconsistencies.map((i) => i.id)).toEqual(['larger-accidents', 'larger-accident-deaths']);
    const inc = result.inconsistencies[0]!;
    expect(inc.figure).toMatchObject({ unit: { id: 'yingjiguanliju', name: '市应急管理局' }, value: 0, places: ['evidence/municipal/yingjiguanliju.xlsx!评分项!F120'] });
    expect(inc.against.value).toBe(1);
    expect(inc.message.zh).toContain('市应急管理局报送较大及以上生产安全事故起数0起（evidence/municipal/yingjiguanliju.xlsx!评分项!F120）');
    expect(inc.message.zh).toContain('合计1起（高陵区1起，evidence/district/gaoling.json#/items/3.6.57/largerAccidents）');
    expect(result.findings).toEqual({ yingjiguanliju: [expect.objectContaining({ item: '3.6.57', source: 'data-check', type: 'rejected', field: 'largerAccidents', check: 'accuracy' })] });
    expect(result.skipped.map((s) => s.id)).toEqual(['hydrant-defects', 'old-pipe-renovation', 'hazmat-monitoring', 'geohazard-monitoring']);

    // 市应急管理局, scored with the finding, loses 3.6.57 (it kept 1/1 with its own 0)
    const own = compiled.municipal.score(evidence[0]!);
    expect(findCard(own.nodes, '3.6.57')).toMatchObject({ earned: 1 });
    const rescored = compiled.municipal.score(evidence[0]!, { findings: result.findings['yingjiguanliju'] });
    expect(findCard(rescored.nodes, '3.6.57')).toMatchObject({ earned: 0 });
    expect(findCard(rescored.nodes, '3.6.57')!.deductions![0]!.reason).toContain('高陵区1起');

    const after = cards.map((c) => structuredClone(c));
    setEarned(after.find((c) => c.unit.id === 'yingjiguanliju')!, '3.6.57', 0);
    const card = compiled.city.score(roundEvidence(compiled.city, cityUnit, { ...round, cards: after }));
    expect(findCard(card.nodes, '3.6.57.m')).toMatchObject({ earned: 0 });
    expect(findCard(card.nodes, '3.6.57.m')!.deductions![0]!.evidence).toEqual(['市应急管理局 3.6.57 较大及以上事故：0/1分']);
    // 100 − 0.5 − 0.025 + 5
    expect(card.total).toBe(104.475);
  });

  it('leaves the city\'s rubric out of the units\' lookup: a city card in the round is not read', () => {
    const cityCard = compiled.city.score(roundEvidence(compiled.city, cityUnit, round));
    const again = roundEvidence(compiled.city, cityUnit, { ...round, cards: [...cards, cityCard] });
    expect(again).toEqual(roundEvidence(compiled.city, cityUnit, round));
  });
});

// A typed reference, so a change to the export's type is a compile error here.
const _city: Ruleset = city;
void _city;
