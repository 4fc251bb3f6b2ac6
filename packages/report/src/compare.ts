/**
 * Before/after rectification (整改 / 复核): what was fixed, what remains, what is new.
 * @module
 */
import type { Ruleset, ScoreCard, ScoreNode } from '@safecity/engine';
import {
  assertCards,
  cardItems,
  deductedMilli,
  escapeMarkdown,
  escapeMarkdownCell,
  fmtPoints,
  fmtSigned,
  milli,
  points,
  rankScore,
  rulesetOf,
} from './util.js';

/** A unit as the comparison names it. */
export interface UnitRef {
  id: string;
  name: string;
  kind: string;
}

/** A card's scores in one round: the ScoreCard's own fields, so the two never drift apart. */
export type RoundScore = Pick<ScoreCard, 'max' | 'earned' | 'bonus' | 'total' | 'normalized' | 'grade' | 'gradeTitle' | 'vetoed'> & {
  ruleset: Pick<ScoreCard['ruleset'], 'id' | 'version'>;
};

/** What happened to one item's deductions between the rounds. */
export type ItemStatus = 'fixed' | 'remaining' | 'new';

/** One item of the base tree (not the bonus bucket) that had deductions in either round. */
export interface ItemChange {
  id: string;
  /** The item's title. */
  title: string;
  /** Full path of titles, `工作成效 › … › item`. */
  path: string;
  /**
   * `fixed`: deducted before, no deduction after (整改到位); `remaining`: deducted in both
   * rounds (仍扣分, perhaps fewer points); `new`: deducted only after (新增扣分).
   */
  status: ItemStatus;
  /** Points earned before / after (null when the item is not on that round's card). */
  earnedBefore: number | null;
  earnedAfter: number | null;
  /** Whether the item applied in each round (null when not on that round's card). */
  applicableBefore: boolean | null;
  applicableAfter: boolean | null;
  /** Points deducted before / after (superseded ones not counted). */
  deductedBefore: number;
  deductedAfter: number;
  /** earnedAfter − earnedBefore where both rounds have the item applicable, else 0. */
  change: number;
  /** The deduction reasons of each round. */
  reasonsBefore: string[];
  reasonsAfter: string[];
}

/** One unit scored in both rounds. */
export interface UnitComparison {
  unit: UnitRef;
  before: RoundScore;
  after: RoundScore;
  /** after − before of the card's totals (after any veto's effect); `bonus` is of the capped bonus. */
  change: { total: number; earned: number; bonus: number; normalized?: number };
  /**
   * Points regained over the base tree's items (Σ of item increases) and lost (Σ of item
   * decreases, positive). Bonus items are not counted: a bonus is never a deduction, and its
   * change, within its cap, is `change.bonus`.
   */
  regained: number;
  lost: number;
  /** Items whose deductions are gone. */
  fixed: ItemChange[];
  /** Items still deducted (仍扣分). */
  remaining: ItemChange[];
  /** Items deducted only after. */
  newDeductions: ItemChange[];
  /** Every base-tree item with a deduction in either round, in tree order (bonus items never). */
  items: ItemChange[];
}

/** Totals over the units scored in both rounds. */
export interface ComparisonTotals {
  units: number;
  regained: number;
  lost: number;
  /** Σ of the units' total changes. */
  change: number;
  fixed: number;
  remaining: number;
  newDeductions: number;
  /** Averages of the ranking score (normalized, else total) over the compared units; null without units. */
  averageBefore: number | null;
  averageAfter: number | null;
}

/** The result of {@link compareRounds}. */
export interface RoundComparison {
  /** Units scored in both rounds, in the order of the `after` round. */
  units: UnitComparison[];
  /** Units only in the first round (not re-scored). */
  onlyBefore: UnitRef[];
  /** Units only in the second round. */
  onlyAfter: UnitRef[];
  totals: ComparisonTotals;
}

function roundScore(c: ScoreCard): RoundScore {
  const s: RoundScore = {
    ruleset: { id: c.ruleset.id, version: c.ruleset.version },
    max: c.max,
    earned: c.earned,
    bonus: c.bonus,
    total: c.total,
    grade: c.grade,
    gradeTitle: c.gradeTitle,
    vetoed: c.vetoed,
  };
  if (c.normalized !== undefined) s.normalized = c.normalized;
  return s;
}

const unitRef = (c: ScoreCard): UnitRef => ({ id: c.unit.id, name: c.unit.name, kind: c.unit.kind });

interface ItemInfo {
  node: ScoreNode;
  path: string;
}

/** The base tree's items of a card (the bonus bucket's are left out). */
function itemsOf(card: ScoreCard, ruleset: Ruleset | undefined): Map<string, ItemInfo> {
  const m = new Map<string, ItemInfo>();
  for (const v of cardItems(card, ruleset)) if (!v.bonus) m.set(v.node.id, { node: v.node, path: [...v.ancestors, v.node].map((n) => n.title).join(' › ') });
  return m;
}

const reasons = (n: ScoreNode | undefined): string[] =>
  (n?.deductions ?? []).filter((d) => d.superseded !== true && milli(d.points) > 0).map((d) => d.reason);

function compareUnit(before: ScoreCard, after: ScoreCard, rulesets: readonly Ruleset[] | undefined): UnitComparison {
  const b = itemsOf(before, rulesetOf(before, rulesets));
  const a = itemsOf(after, rulesetOf(after, rulesets));
  const ids = [...a.keys()];
  for (const id of b.keys()) if (!a.has(id)) ids.push(id);
  const items: ItemChange[] = [];
  let regained = 0;
  let lost = 0;
  for (const id of ids) {
    const ib = b.get(id);
    const ia = a.get(id);
    const db = ib !== undefined && ib.node.applicable ? deductedMilli(ib.node) : 0;
    const da = ia !== undefined && ia.node.applicable ? deductedMilli(ia.node) : 0;
    let delta = 0;
    if (ib !== undefined && ia !== undefined && ib.node.applicable && ia.node.applicable) delta = milli(ia.node.earned) - milli(ib.node.earned);
    if (delta > 0) regained += delta;
    else lost -= delta;
    if (db === 0 && da === 0) continue;
    const info = (ia ?? ib)!;
    items.push({
      id,
      title: info.node.title,
      path: info.path,
      status: db > 0 && da === 0 ? 'fixed' : db > 0 ? 'remaining' : 'new',
      earnedBefore: ib?.node.earned ?? null,
      earnedAfter: ia?.node.earned ?? null,
      applicableBefore: ib?.node.applicable ?? null,
      applicableAfter: ia?.node.applicable ?? null,
      deductedBefore: points(db),
      deductedAfter: points(da),
      change: points(delta),
      reasonsBefore: reasons(ib?.node),
      reasonsAfter: reasons(ia?.node),
    });
  }
  const change: UnitComparison['change'] = {
    total: points(milli(after.total) - milli(before.total)),
    earned: points(milli(after.earned) - milli(before.earned)),
    bonus: points(milli(after.bonus) - milli(before.bonus)),
  };
  if (after.normalized !== undefined && before.normalized !== undefined)
    change.normalized = points(milli(after.normalized) - milli(before.normalized));
  return {
    unit: unitRef(after),
    before: roundScore(before),
    after: roundScore(after),
    change,
    regained: points(regained),
    lost: points(lost),
    fixed: items.filter((i) => i.status === 'fixed'),
    remaining: items.filter((i) => i.status === 'remaining'),
    newDeductions: items.filter((i) => i.status === 'new'),
    items,
  };
}

/** Options of {@link compareRounds}. */
export interface CompareOptions {
  /**
   * The rulesets the cards were scored under (source JSON): they name each card's bonus
   * bucket (加分项) for sure; without them it is recognised on the card (the top-level node
   * left out of `max`, or titled 加分项).
   */
  rulesets?: readonly Ruleset[];
}

/**
 * Compare two rounds of cards (before and after rectification, 整改前 / 整改后), unit by unit
 * (matched by unit id) and item by item (matched by item id): earned before and after,
 * points regained and lost, items fixed (deductions gone), remaining (still deducted) and
 * new deductions, and totals per unit. Units in only one round are listed apart. Only the
 * base tree's items are compared: a bonus item (加分项) not earned is not a deduction, so it
 * is never fixed, remaining or new; the bonus's change (within its cap) is `change.bonus`.
 *
 * @throws TypeError when a round is not an array of ScoreCards or has a unit twice.
 */
export function compareRounds(before: readonly ScoreCard[], after: readonly ScoreCard[], options: CompareOptions = {}): RoundComparison {
  const bs = assertCards(before, 'before');
  const as = assertCards(after, 'after');
  const byId = new Map(bs.map((c) => [c.unit.id, c]));
  const afterIds = new Set(as.map((c) => c.unit.id));
  const units: UnitComparison[] = [];
  const onlyAfter: UnitRef[] = [];
  for (const a of as) {
    const b = byId.get(a.unit.id);
    if (b === undefined) onlyAfter.push(unitRef(a));
    else units.push(compareUnit(b, a, options.rulesets));
  }
  const onlyBefore = bs.filter((c) => !afterIds.has(c.unit.id)).map(unitRef);
  const sum = (f: (u: UnitComparison) => number) => points(units.reduce((s, u) => s + milli(f(u)), 0));
  const avg = (cards: ScoreCard[]): number | null =>
    cards.length === 0 ? null : Math.round((cards.reduce((s, c) => s + milli(rankScore(c)), 0) / cards.length)) / 1000;
  const compared = new Set(units.map((u) => u.unit.id));
  return {
    units,
    onlyBefore,
    onlyAfter,
    totals: {
      units: units.length,
      regained: sum((u) => u.regained),
      lost: sum((u) => u.lost),
      change: sum((u) => u.change.total),
      fixed: units.reduce((s, u) => s + u.fixed.length, 0),
      remaining: units.reduce((s, u) => s + u.remaining.length, 0),
      newDeductions: units.reduce((s, u) => s + u.newDeductions.length, 0),
      averageBefore: avg(bs.filter((c) => compared.has(c.unit.id))),
      averageAfter: avg(as.filter((c) => compared.has(c.unit.id))),
    },
  };
}

/** Options of {@link compareMarkdown}. */
export interface CompareMarkdownOptions {
  /** Heading, default `整改前后对比`. */
  title?: string;
  /** Heading level of the title (default 1; sections one deeper). */
  level?: number;
  /** Whether to list every unit's items (default true). */
  details?: boolean;
}

const statusTitle: Record<ItemStatus, string> = { fixed: '已整改', remaining: '仍扣分', new: '新增扣分' };

/** A short score: normalized when present, else total. */
function scoreText(s: RoundScore): string {
  return s.normalized !== undefined ? `${fmtPoints(s.normalized)}（总分 ${fmtPoints(s.total)}）` : fmtPoints(s.total);
}

/**
 * A round comparison as Markdown: a summary table per unit (before, after, change,
 * regained, fixed / remaining / new counts), units in only one round, then per unit the
 * items fixed, remaining and newly deducted.
 */
export function compareMarkdown(comparison: RoundComparison, options: CompareMarkdownOptions = {}): string {
  const level = Math.min(Math.max(options.level ?? 1, 1), 5);
  const h = (n: number) => '#'.repeat(level + n);
  const t = comparison.totals;
  const out: string[] = [`${h(0)} ${escapeMarkdown(options.title ?? '整改前后对比')}`, ''];
  out.push(
    `整改前后均有评价结果的单位 ${t.units} 个：平均得分 ${t.averageBefore === null ? '—' : fmtPoints(t.averageBefore)} → ${t.averageAfter === null ? '—' : fmtPoints(t.averageAfter)}；` +
      `挽回 ${fmtPoints(t.regained)} 分，新失 ${fmtPoints(t.lost)} 分；已整改 ${t.fixed} 项，仍扣分 ${t.remaining} 项，新增扣分 ${t.newDeductions} 项。`,
    '',
  );
  if (comparison.units.length > 0) {
    out.push('| 单位 | 整改前 | 整改后 | 总分变化 | 挽回分 | 已整改 | 仍扣分 | 新增扣分 |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const u of comparison.units)
      out.push(
        `| ${escapeMarkdownCell(u.unit.name)} | ${scoreText(u.before)} | ${scoreText(u.after)} | ${fmtSigned(u.change.total)} | ${fmtPoints(u.regained)} | ${u.fixed.length} | ${u.remaining.length} | ${u.newDeductions.length} |`,
      );
    out.push('');
  }
  if (comparison.onlyBefore.length > 0)
    out.push(`仅有整改前评价结果（未复核）：${comparison.onlyBefore.map((u) => escapeMarkdown(u.name)).join('、')}。`, '');
  if (comparison.onlyAfter.length > 0)
    out.push(`仅有整改后评价结果：${comparison.onlyAfter.map((u) => escapeMarkdown(u.name)).join('、')}。`, '');
  if (options.details === false) return out.join('\n');
  for (const u of comparison.units) {
    if (u.items.length === 0) continue;
    out.push(`${h(1)} ${escapeMarkdown(u.unit.name)}`, '');
    out.push('| 评分项 | 评分项名称 | 情况 | 整改前扣分 | 整改后扣分 | 变化 | 扣分原因（整改后，或整改前） |', '|---|---|---|---:|---:|---:|---|');
    for (const i of u.items) {
      const why = i.reasonsAfter.length > 0 ? i.reasonsAfter : i.reasonsBefore;
      out.push(
        `| ${escapeMarkdownCell(i.id)} | ${escapeMarkdownCell(i.path)} | ${statusTitle[i.status]} | ${fmtPoints(i.deductedBefore)} | ${fmtPoints(i.deductedAfter)} | ${fmtSigned(i.change)} | ${escapeMarkdownCell(why.join('\n'))} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
