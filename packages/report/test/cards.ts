/**
 * Hand-made ScoreCards and rulesets for the report's tests: every number is chosen by hand,
 * so the tests can assert values. They carry what the engine adds to the card (coverage,
 * node roles, veto evidence, a grade's source) whether or not a shipped ruleset uses it yet.
 */
import type { Deduction, Ruleset, ScoreCard, ScoreNode } from '@safecity/engine';

const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** A scored item: `max`, `earned`, and deductions adding up to max − earned. */
export function item(id: string, title: string, max: number, earned: number, deductions: Deduction[] = [], extra: Partial<ScoreNode> = {}): ScoreNode {
  return { id, title, max, earned, applicable: true, ...(deductions.length > 0 ? { deductions } : {}), ...extra };
}

/** A group whose max and earned are its children's sums. */
export function group(id: string, title: string, children: ScoreNode[]): ScoreNode {
  const max = r3(children.reduce((s, c) => s + (c.applicable ? c.max : 0), 0));
  const earned = r3(children.reduce((s, c) => s + (c.applicable ? c.earned : 0), 0));
  return { id, title, max, earned, applicable: true, children };
}

/** A rule deduction. */
export function ded(points: number, reason: string, extra: Partial<Deduction> = {}): Deduction {
  return { points, reason, source: 'rule', code: 'rule', ...extra };
}

/** The bonus bucket `4` (先进经验（加分项）, cap 5) with items 4.1–4.5 of 2 points each. */
export function bonusBucket(earned: [number, number, number, number, number], cap = 5): ScoreNode {
  const titles = ['安全文化', '应急救援', '应急队伍', '安全科技', '安全产业'];
  const children = earned.map((e, i) =>
    item(`4.${i + 1}`, titles[i]!, 2, e, e < 2 ? [ded(2 - e, `${titles[i]}成果为0项，按分档得0分（满分2分），扣${2 - e}分`, { code: 'tier' })] : []),
  );
  const sum = earned.reduce((s, e) => s + e, 0);
  return { id: '4', title: '先进经验（加分项）', max: cap, earned: Math.min(sum, cap), applicable: true, children };
}

export interface CardInput {
  unit: { id: string; name: string; kind: string };
  ruleset: string;
  /** The base tree's top-level nodes (their maxima add up to the card's max). */
  nodes: ScoreNode[];
  bonus?: ScoreNode;
  /** Whether the card has `normalized` (earned / max × 100 + bonus); default true. */
  normalized?: boolean;
  coverage?: ScoreCard['coverage'];
  vetoes?: ScoreCard['vetoes'];
  grade?: { id: string; title: string };
}

const BANDS = [
  { id: 'excellent', title: '优秀', min: 90 },
  { id: 'good', title: '良好', min: 80 },
  { id: 'pass', title: '合格', min: 60 },
  { id: 'fail', title: '不合格', min: 0 },
];

/** A card from its tree: max, earned, bonus (its node's capped earned), total, normalized, grade. */
export function makeCard(c: CardInput): ScoreCard {
  const max = r3(c.nodes.reduce((s, n) => s + n.max, 0));
  const earned = r3(c.nodes.reduce((s, n) => s + n.earned, 0));
  const bonus = c.bonus?.earned ?? 0;
  const vetoed = (c.vetoes ?? []).length > 0;
  const total = vetoed ? 0 : r3(earned + bonus);
  const normalized = c.normalized === false ? undefined : vetoed ? 0 : r3((earned / max) * 100 + bonus);
  const score = normalized ?? total;
  const band = c.grade ?? BANDS.find((b) => score >= b.min)!;
  const card: ScoreCard = {
    ruleset: { id: c.ruleset, version: '1.0.0', hash: `sha256:${c.ruleset}` },
    unit: c.unit,
    evidenceHash: `sha256:${c.unit.id}`,
    max,
    earned,
    bonus,
    total,
    grade: band.id,
    gradeTitle: band.title,
    vetoed,
    vetoes: c.vetoes ?? [],
    nodes: c.bonus !== undefined ? [...c.nodes, c.bonus] : c.nodes,
  };
  if (normalized !== undefined) card.normalized = normalized;
  if (c.coverage !== undefined) card.coverage = c.coverage;
  return card;
}

/** A minimal ruleset (source JSON) named like the Xi'an ones, with a coverage rule and a bonus bucket. */
export function testRuleset(id: string, title: string, extra: Record<string, unknown> = {}): Ruleset {
  return {
    id,
    version: '1.0.0',
    edition: 2022,
    title: { zh: title },
    unitKinds: ['municipal'],
    fields: [{ name: 'policyDocs', type: 'documents', title: { zh: '创建配套政策文件' } }],
    tree: [
      { id: '1', title: { zh: '工作机制' }, max: 20, children: [] },
      { id: '3', title: { zh: '工作成效' }, max: 100, children: [] },
    ],
    bonus: { id: '4', title: { zh: '先进经验（加分项）' }, cap: 5, items: [] },
    grades: BANDS.map((b) => ({ id: b.id, title: { zh: b.title }, min: b.min })),
    normalize: { scale: 100, coverage: { node: '3', min: 60, rate: 60 } },
    ...extra,
  } as unknown as Ruleset;
}

export const MUNICIPAL = testRuleset('test/municipal', '西安市国家安全发展示范城市创建工作评价细则（2022版）·市级成员单位');
export const DISTRICT = testRuleset('test/district', '西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）');

/**
 * A municipal unit's card: 工作机制 (1.1 of 10, 1.2 of 10) and 工作成效 (3.1 of `effectMax`),
 * earning what is given, with the bonus bucket.
 */
export function municipalCard(
  id: string,
  name: string,
  mech: [number, number],
  effect: { max: number; earned: number },
  bonus: [number, number, number, number, number] = [0, 0, 0, 0, 0],
  extra: Partial<CardInput> = {},
): ScoreCard {
  const d = (max: number, earned: number, reason: string) => (earned < max ? [ded(r3(max - earned), reason)] : []);
  return makeCard({
    unit: { id, name, kind: 'municipal' },
    ruleset: 'test/municipal',
    nodes: [
      group('1', '工作机制', [item('1.1', '组织领导', 10, mech[0], d(10, mech[0], '未定期研究部署')), item('1.2', '政策保障', 10, mech[1], d(10, mech[1], '政策文件缺项'))]),
      group('3', '工作成效', [item('3.1', '城市安全源头治理', effect.max, effect.earned, d(effect.max, effect.earned, '源头治理不到位'))]),
    ],
    bonus: bonusBucket(bonus),
    ...extra,
  });
}
