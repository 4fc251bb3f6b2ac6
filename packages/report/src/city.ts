/**
 * The city's self-evaluation report (自评报告): summary, areas, ranking, most deducted
 * items, self-score check, rectification, as one self-contained HTML file with SVG charts
 * and as Markdown.
 * @module
 */
import type { Ruleset, ScoreCard, VetoResult } from '@safecity/engine';
import { areaBarsSvg, beforeAfterSvg, CHART_FONT, radarSvg, rankingBarsSvg } from './charts.js';
import { compareRounds, type RoundComparison } from './compare.js';
import {
  featureItems,
  openItems,
  problemAspects,
  strongIndicators,
  type FeatureItem,
  type OpenItem,
  type ProblemAspect,
  type RectificationStatusRow,
  type StrongIndicator,
} from './narrative.js';
import { compareSelfEvaluation, type SelfComparison, type SelfEvaluation } from './self-evaluation.js';
import { pointerWords } from './feedback.js';
import {
  assertCard,
  assertCards,
  bonusNodeId,
  cardItems,
  findNode,
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownCell,
  fmtDate,
  fmtPct,
  fmtPoints,
  fmtSigned,
  milli,
  points,
  rankScore,
  rulesetOf,
  today,
} from './util.js';

/**
 * A finding of a cross-unit consistency check (数据核查·准确性), as the report lists it. (The
 * engine's `checkConsistency` gives richer objects: map each to its id, title, `message.zh` and
 * the places of its figure and of the units compared with.)
 */
export interface InconsistencyRow {
  /** The check's id. */
  id: string;
  /** 核查项: what was checked, e.g. 道路交通事故死亡人数（市公安局与各区县之和）. */
  title: string;
  /** 情况: what was found, in plain words. */
  message: string;
  /** 涉及位置: the figures' places (unit and field, file and cell). */
  places: string[];
}

/** Options of {@link cityReport} and {@link cityReportData}. */
export interface CityReportOptions {
  /** Report title; default `{city}国家安全发展示范城市创建自检评估自评报告`. */
  title?: string;
  /**
   * The city: its name (e.g. `西安市`), or its own ScoreCard on the national rubric (unit kind
   * `city`, as the city ruleset scores the units' results), which adds the section
   * 城市自评结果（国家评价细则） near the top — total, normalised score and grade, first-level
   * nodes, vetoes with the units they came from, the items that lost the most points with the
   * units each lost them from — and names the city by the card's unit name.
   */
  city?: string | ScoreCard;
  /** Date of the report (`YYYY-MM-DD`, shown as 2023年4月28日); default today. */
  date?: string;
  /** Cards of the round before rectification: adds the before/after section. */
  before?: ScoreCard[];
  /**
   * Each unit's own self-evaluated score (unit id → points), on the scale of
   * `selfScoreScale`: adds the self-score check.
   */
  selfScores?: Record<string, number>;
  /**
   * The scale the self scores are on, and so what they are compared with: `normalized` (the
   * normalised score, 折算得分 on the 100 scale) or `total` (raw points). Default `normalized`
   * when every card has a normalised score, else `total`.
   */
  selfScoreScale?: 'normalized' | 'total';
  /**
   * The rulesets the cards were scored under (source JSON): their titles name the ranking
   * groups, their grade bands order the grades, their `normalize.coverage` names the node shown
   * on its own 100 scale (工作成效), their `bonus` names the bonus bucket and its cap.
   */
  rulesets?: Ruleset[];
  /** How many units of each ranking group get a radar chart (the first in ranking order); default 12. */
  radarUnits?: number;
  /** How many of the most deducted items to list (and of the city card's items that lost most); default 10. */
  topItems?: number;
  /** A self score differing from the evaluated score by more than this is flagged; default 5. */
  selfScoreTolerance?: number;
  /**
   * Findings of the round's cross-unit consistency checks (数据一致性核查): when not empty,
   * adds the section 数据一致性核查 (核查项, 情况, 涉及位置).
   */
  inconsistencies?: InconsistencyRow[];
  /**
   * `internal` (default): the 自评报告 with its narrative sections, places for the officials'
   * text, the statistical annexes and the metadata appendix. `public`: the 社会公示 version —
   * the city result, the areas, each unit's grade (no scores, ranks, deduction reasons, evidence
   * places, consistency findings or self scores), 公示期 and the feedback contact; no
   * placeholders, no appendix.
   */
  audience?: 'internal' | 'public';
  /** 公示期 of the public version (`YYYY-MM-DD` dates). */
  publicity?: { from: string; to: string };
  /** 意见反馈 contact line of the public version, e.g. `市安委办，电话 029-xxxxxxxx`. */
  contact?: string;
  /**
   * The rectification ledger's status rows (问题整改台账): 五、下一步工作 says per open item how
   * many are closed, overdue, open or under way, and names the overdue units.
   */
  rectificationStatus?: readonly RectificationStatusRow[];
  /** Each unit's item-by-item self-evaluation: adds the item comparison to the self-evaluation annex. */
  selfEvaluations?: readonly SelfEvaluation[];
  /** An item's self score above the evaluated by more than this counts as over-rated (自评偏高); default 0. */
  selfItemTolerance?: number;
}

/** The report in its two forms. */
export interface CityReport {
  /** One self-contained HTML file: inline CSS and SVG, no scripts, no external URLs. */
  html: string;
  /** The same sections as Markdown tables (charts omitted). */
  markdown: string;
}

/** A unit in the report. */
export interface ReportUnit {
  id: string;
  name: string;
  kind: string;
}

/** An area (top-level node: 工作机制, 创建路径, 工作成效, 先进经验) averaged over units. */
export interface AreaAverage {
  title: string;
  /** Units where the area has an applicable maximum. */
  units: number;
  /** Mean over those units of earned / applicable max × 100. */
  percent: number;
  /** Lowest and highest unit percentage. */
  min: number;
  max: number;
  /** Whether it is the bonus bucket (加分项, % of its cap). */
  bonus: boolean;
}

/** How many units reached a grade. */
export interface GradeCount {
  grade: string | null;
  title: string;
  count: number;
}

/** One row of a ranking. */
export interface RankingRow {
  /** 1-based position within its group. */
  rank: number;
  unit: ReportUnit;
  /** The ranking score: normalized, else total. */
  score: number;
  total: number;
  normalized?: number;
  max: number;
  earned: number;
  /** The bonus, never above its cap. */
  bonus: number;
  grade: string | null;
  gradeTitle: string | null;
  vetoed: boolean;
  /** Percent per area, aligned with {@link CityReportData.areas} (null where not applicable). */
  areaPercents: (number | null)[];
  /**
   * The group's coverage node (工作成效) on its own 100 scale: `earned` of its applicable
   * `max` (适用分值), `percent` = earned ÷ max × 100 (null when nothing of it applies).
   */
  effect?: { id: string; title: string; earned: number; max: number; percent: number | null };
  /** Thin coverage (`card.coverage.thin`): the node's applicable points are below the ruleset's minimum. */
  thin: boolean;
}

/** The units scored under one ruleset, ranked and averaged among themselves. */
export interface RankingGroup {
  /** The ruleset (by id; the versions seen are in {@link CityReportData.rulesets}). */
  ruleset: { id: string; title?: string };
  /** Short name of the group: the ruleset title's part after `·` (市级成员单位, 区县（开发区）), else its title, else its id. */
  name: string;
  units: number;
  /** `折算得分` when every card of the group is normalised, else `总分`. */
  scoreName: string;
  /** Average ranking score of the group (null without cards). */
  averageScore: number | null;
  grades: GradeCount[];
  /** By normalized, then total, ties by unit id. */
  ranking: RankingRow[];
  /** The node shown on its own 100 scale (the ruleset's `normalize.coverage.node`, else the top-level node 工作成效), when there is one. */
  effect?: { id: string; title: string };
  /** The thin-coverage rule (from the ruleset, else the cards), when declared. */
  coverage?: { node: string; title: string; min: number; rate: number };
  /** Units with thin coverage. */
  thin: number;
  /** Average score rate per area over the group's units only (rubrics differ: never averaged across groups). */
  areas: AreaAverage[];
}

/** An item deducted in one or more units. */
export interface DeductedItem {
  id: string;
  /** Full path of titles. */
  path: string;
  title: string;
  /** Units with a deduction on it. */
  units: number;
  /** Points deducted over those units. */
  points: number;
  /** The most common deduction reason, and how many deductions gave it. */
  reason: string;
  reasonCount: number;
}

/** A unit's self score against the evaluated score on the same scale. */
export interface SelfScoreRow {
  unit: ReportUnit;
  self: number;
  /** The evaluated score on the compared scale (`normalized` or `total`). */
  evaluated: number;
  /** self − evaluated. */
  difference: number;
  /** |difference| > tolerance. */
  flagged: boolean;
}

/** The city's own result on the national rubric (from `options.city` as a card). */
export interface CityResult {
  unit: ReportUnit;
  ruleset: { id: string; version: string; title?: string };
  max: number;
  earned: number;
  bonus: number;
  total: number;
  normalized?: number;
  grade: string | null;
  gradeTitle: string | null;
  vetoed: boolean;
  /** First-level nodes: earned of the applicable max, and the percentage (null when not applicable). */
  areas: { id: string; title: string; earned: number; max: number; percent: number | null; bonus: boolean }[];
  /** Vetoes with their reasons and where what they read came from (for a city: the units). */
  vetoes: { id: string; title: string; reason: string; evidence: string[] }[];
  /** The base items that lost the most points (max − earned), with the reasons and the units (the deductions' evidence). */
  lostItems: { id: string; title: string; path: string; lost: number; reasons: string[]; units: string[] }[];
}

/** Everything the report shows, computed (the HTML and Markdown render this). */
export interface CityReportData {
  title: string;
  /** The city's name (from `options.city`, or the city card's unit name). */
  city?: string;
  date: string;
  rulesets: { id: string; version: string; hash: string; title?: string }[];
  /** Units evaluated, and per kind. */
  units: number;
  byKind: { kind: string; title: string; count: number }[];
  /** What the scores are, over all groups: `折算得分` when every card is normalised, else `总分`. */
  scoreName: string;
  /**
   * One group per ruleset id (市级成员单位, 区县（开发区）): units scored under different
   * rubrics are never ranked or averaged together. In the order of `options.rulesets`, then
   * of first appearance.
   */
  groups: RankingGroup[];
  vetoed: { unit: ReportUnit; vetoes: VetoResult[] }[];
  areas: AreaAverage[];
  topItems: DeductedItem[];
  /** Present when `options.city` is a card. */
  cityResult?: CityResult;
  /** Present when `inconsistencies` was given and is not empty. */
  inconsistencies?: InconsistencyRow[];
  /** Present when `selfScores` was given. */
  selfScores?: {
    rows: SelfScoreRow[];
    tolerance: number;
    /** What the self scores are compared with. */
    scale: 'normalized' | 'total';
    /** Which round: the first evaluation (`before`, when given: units self-evaluate before the checks), else the cards. */
    round: 'before' | 'cards';
    withoutCard: string[];
    withoutSelfScore: ReportUnit[];
    /** Units whose card has no score on the scale (no `normalized`): not compared. */
    notComparable: ReportUnit[];
  };
  /** Per unit, its self-evaluation against the card item by item (present with `selfEvaluations`). */
  selfItems?: {
    units: SelfComparison[];
    tolerance: number;
    /** Units with at least one item self-rated above the evaluated score by more than the tolerance. */
    overRated: number;
    /** Self-evaluations of units without a card (ids). */
    withoutCard: string[];
  };
  /** 二、主要做法和成效: per group, the indicators where its units score best. */
  strengths: { group: string; indicators: StrongIndicator[] }[];
  /** 三、特色做法: the bonus items earned. */
  features: FeatureItem[];
  /** 四、存在问题: deductions by area and aspect. */
  problems: ProblemAspect[];
  /** 五、下一步工作: items still deducted, with suggestions and ledger status. */
  openItems: OpenItem[];
  /** Ledger totals, when `rectificationStatus` was given. */
  ledger?: Record<RectificationStatusRow['status'], number>;
  /** Units and their evidence hashes (for the metadata appendix only). */
  evidence: { unit: ReportUnit; evidenceHash: string; ruleset: string }[];
  /** Present when `before` was given. */
  rectification?: RoundComparison;
  /** Per ranking group, the average score before and after rectification of the units in both rounds. */
  rectificationGroups?: { name: string; units: number; averageBefore: number | null; averageAfter: number | null }[];
}

const KIND_TITLES: Record<string, string> = {
  city: '市',
  municipal: '市级成员单位',
  district: '区',
  county: '县',
  'development-zone': '开发区',
};

const unitOf = (c: ScoreCard): ReportUnit => ({ id: c.unit.id, name: c.unit.name, kind: c.unit.kind });
const pct = (earned: number, max: number): number => (earned / max) * 100;
const byId = (a: ScoreCard, b: ScoreCard) => (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : 0);
const average = (cards: readonly ScoreCard[]): number | null =>
  cards.length === 0 ? null : Math.round(cards.reduce((s, c) => s + milli(rankScore(c)), 0) / cards.length) / 1000;

/** The ruleset of a card from a list: same id and version, else same id. */
function rulesetFor(card: Pick<ScoreCard, 'ruleset'>, rulesets: readonly Ruleset[] | undefined): Ruleset | undefined {
  return rulesetOf(card, rulesets) ?? rulesets?.find((r) => r.id === card.ruleset.id);
}

/** Grades of some cards, ordered by the rulesets' bands when given, else by the best score reaching them. */
function gradeCounts(cards: readonly ScoreCard[], rulesets: readonly Ruleset[] | undefined): GradeCount[] {
  const bandOrder = new Map<string, number>();
  for (const r of rulesets ?? []) for (const [i, g] of (r.grades ?? []).entries()) if (!bandOrder.has(g.id)) bandOrder.set(g.id, i);
  const gradeMap = new Map<string, GradeCount & { best: number }>();
  for (const c of cards) {
    const key = c.grade ?? '';
    const g = gradeMap.get(key) ?? { grade: c.grade, title: c.gradeTitle ?? c.grade ?? '无等级', count: 0, best: -Infinity };
    g.count += 1;
    g.best = Math.max(g.best, rankScore(c));
    gradeMap.set(key, g);
  }
  return [...gradeMap.values()]
    .sort((a, b) => {
      const oa = a.grade !== null ? bandOrder.get(a.grade) : undefined;
      const ob = b.grade !== null ? bandOrder.get(b.grade) : undefined;
      if (oa !== undefined && ob !== undefined) return oa - ob;
      return b.best - a.best;
    })
    .map(({ grade, title, count }) => ({ grade, title, count }));
}

/**
 * Group name from a ruleset title: the part after the last `·` (市级成员单位), else the title;
 * without a title, from the units' kinds (never the ruleset's id: documents name no ids).
 */
function groupName(title: string | undefined, cards: readonly ScoreCard[]): string {
  if (title === undefined) {
    const kinds = new Set(cards.map((c) => c.unit.kind));
    if (kinds.size === 1 && kinds.has('municipal')) return '市级成员单位';
    if ([...kinds].every((k) => k === 'district' || k === 'county' || k === 'development-zone')) return '区县（开发区）';
    if (kinds.size === 1 && kinds.has('city')) return '市';
    return '参评单位';
  }
  const i = title.lastIndexOf('·');
  return i >= 0 && i < title.length - 1 ? title.slice(i + 1) : title;
}

/**
 * Compute the content of the self-evaluation report from the cards (the figures
 * {@link cityReport} renders): summary, the city's own result, area averages, one ranking per
 * ruleset (by normalized, then total, ties by unit id), most deducted items, consistency
 * findings, self scores, rectification.
 *
 * @throws TypeError when `cards` (or `before`, or `options.city` as a card) is not a ScoreCard
 * array (a ScoreCard), or has a unit twice.
 */
export function cityReportData(cards: readonly ScoreCard[], options: CityReportOptions = {}): CityReportData {
  const list = assertCards(cards, 'cards');
  const cityCard = typeof options.city === 'object' && options.city !== null ? assertCard(options.city, 'options.city') : undefined;
  const city = typeof options.city === 'string' ? options.city : cityCard?.unit.name;
  const title = options.title ?? `${city ?? ''}国家安全发展示范城市创建自检评估自评报告`;
  const date = options.date ?? today();
  const rsList = options.rulesets;

  // rulesets used
  const rulesets: CityReportData['rulesets'] = [];
  for (const c of list) {
    if (rulesets.some((r) => r.id === c.ruleset.id && r.version === c.ruleset.version)) continue;
    const r: CityReportData['rulesets'][number] = { id: c.ruleset.id, version: c.ruleset.version, hash: c.ruleset.hash };
    const t = rulesetOf(c, rsList)?.title.zh;
    if (t !== undefined) r.title = t;
    rulesets.push(r);
  }

  // kinds
  const kinds = new Map<string, number>();
  for (const c of list) kinds.set(c.unit.kind, (kinds.get(c.unit.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([kind, count]) => ({ kind, title: KIND_TITLES[kind] ?? kind, count }));

  const allNormalised = list.length > 0 && list.every((c) => c.normalized !== undefined);
  const scoreName = allNormalised ? '折算得分' : '总分';

  const vetoed = list.filter((c) => c.vetoed).map((c) => ({ unit: unitOf(c), vetoes: c.vetoes }));

  // areas: top-level nodes by title, in order of first appearance
  const areaTitles: string[] = [];
  const areaBonus = new Map<string, boolean>();
  const perCardArea = new Map<string, Map<string, number>>();
  for (const c of list) {
    const m = new Map<string, number>();
    const rs = rulesetOf(c, rsList);
    const bonusId = bonusNodeId(c, rs);
    const cap = rs?.bonus?.cap;
    for (const n of c.nodes) {
      if (!areaTitles.includes(n.title)) areaTitles.push(n.title);
      const isBonus = n.id === bonusId;
      if (isBonus) areaBonus.set(n.title, true);
      // the bonus bucket as % of its cap, never above it
      if (isBonus && cap !== undefined && cap > 0) m.set(n.title, pct(Math.min(c.bonus, cap), cap));
      else if (n.applicable && n.max > 0) m.set(n.title, pct(Math.min(n.earned, n.max), n.max));
    }
    perCardArea.set(c.unit.id, m);
  }
  const areasOf = (cards: readonly ScoreCard[]): AreaAverage[] =>
    areaTitles
      .filter((t) => cards.some((c) => c.nodes.some((n) => n.title === t)))
      .map((t) => {
        const values = cards.map((c) => perCardArea.get(c.unit.id)!.get(t)).filter((v): v is number => v !== undefined);
        const mean = values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
        return {
          title: t,
          units: values.length,
          percent: mean,
          min: values.length === 0 ? 0 : Math.min(...values),
          max: values.length === 0 ? 0 : Math.max(...values),
          bonus: areaBonus.get(t) === true,
        };
      });
  const areas: AreaAverage[] = areasOf(list);

  // ranking groups: one per ruleset id
  const groupCards = new Map<string, ScoreCard[]>();
  for (const c of list) {
    const g = groupCards.get(c.ruleset.id);
    if (g === undefined) groupCards.set(c.ruleset.id, [c]);
    else g.push(c);
  }
  const order = (id: string): number => {
    const i = (rsList ?? []).findIndex((r) => r.id === id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const groupIds = [...groupCards.keys()].sort((a, b) => order(a) - order(b));
  const groups: RankingGroup[] = groupIds.map((id) => {
    const gc = groupCards.get(id)!;
    const rs = rulesetFor(gc[0]!, rsList);
    const rsTitle = rs?.title.zh;
    // the node shown on its own 100 scale: the ruleset's coverage node, else the cards', else 工作成效
    const declared = rs?.normalize?.coverage;
    const cardCoverage = gc.find((c) => c.coverage !== undefined)?.coverage;
    let effectId = declared?.node ?? cardCoverage?.node;
    if (effectId === undefined) effectId = gc.flatMap((c) => c.nodes).find((n) => n.title === '工作成效')?.id;
    let effect: RankingGroup['effect'];
    if (effectId !== undefined) {
      const found = gc.map((c) => findNode(c.nodes, effectId!)).find((f) => f !== undefined);
      effect = { id: effectId, title: found?.node.title ?? cardCoverage?.title ?? effectId };
    }
    let coverage: RankingGroup['coverage'];
    if (declared !== undefined) coverage = { node: declared.node, title: effect?.title ?? declared.node, min: declared.min, rate: declared.rate };
    else if (cardCoverage !== undefined) coverage = { node: cardCoverage.node, title: cardCoverage.title, min: cardCoverage.min, rate: cardCoverage.rate };

    const sorted = [...gc].sort((a, b) => milli(rankScore(b)) - milli(rankScore(a)) || milli(b.total) - milli(a.total) || byId(a, b));
    const ranking: RankingRow[] = sorted.map((c, i) => {
      const cap = rulesetOf(c, rsList)?.bonus?.cap;
      const row: RankingRow = {
        rank: i + 1,
        unit: unitOf(c),
        score: rankScore(c),
        total: c.total,
        max: c.max,
        earned: c.earned,
        bonus: cap !== undefined ? Math.min(c.bonus, cap) : c.bonus,
        grade: c.grade,
        gradeTitle: c.gradeTitle,
        vetoed: c.vetoed,
        areaPercents: areaTitles.map((t) => perCardArea.get(c.unit.id)!.get(t) ?? null),
        thin: c.coverage?.thin === true,
      };
      if (c.normalized !== undefined) row.normalized = c.normalized;
      if (effect !== undefined) {
        const n = findNode(c.nodes, effect.id)?.node;
        const max = n !== undefined && n.applicable ? n.max : 0;
        const earned = n !== undefined && n.applicable ? n.earned : 0;
        row.effect = { id: effect.id, title: effect.title, earned, max, percent: max > 0 ? pct(Math.min(earned, max), max) : null };
      }
      return row;
    });
    const group: RankingGroup = {
      ruleset: rsTitle !== undefined ? { id, title: rsTitle } : { id },
      name: groupName(rsTitle, gc),
      units: gc.length,
      scoreName: gc.every((c) => c.normalized !== undefined) ? '折算得分' : '总分',
      averageScore: average(gc),
      grades: gradeCounts(gc, rs !== undefined ? [rs] : rsList),
      ranking,
      thin: ranking.filter((r) => r.thin).length,
      areas: areasOf(gc),
    };
    if (effect !== undefined) group.effect = effect;
    if (coverage !== undefined) group.coverage = coverage;
    return group;
  });

  // most deducted items (of the base tree: a bonus not earned is not a deduction)
  const stats = new Map<string, { id: string; title: string; path: string; units: Set<string>; milli: number; reasons: Map<string, number>; order: number }>();
  let seq = 0;
  for (const c of list) {
    for (const { node, ancestors, bonus } of cardItems(c, rulesetOf(c, rsList))) {
      if (!node.applicable || bonus) continue;
      const ds = (node.deductions ?? []).filter((d) => d.superseded !== true && milli(d.points) > 0);
      if (ds.length === 0) continue;
      const key = `${node.id}\u0000${node.title}`;
      let s = stats.get(key);
      if (s === undefined) {
        s = { id: node.id, title: node.title, path: [...ancestors, node].map((n) => n.title).join(' › '), units: new Set(), milli: 0, reasons: new Map(), order: seq++ };
        stats.set(key, s);
      }
      s.units.add(c.unit.id);
      for (const d of ds) {
        s.milli += milli(d.points);
        s.reasons.set(d.reason, (s.reasons.get(d.reason) ?? 0) + 1);
      }
    }
  }
  const topN = Math.max(0, options.topItems ?? 10);
  const topItems: DeductedItem[] = [...stats.values()]
    .sort((a, b) => b.units.size - a.units.size || b.milli - a.milli || a.order - b.order)
    .slice(0, topN)
    .map((s) => {
      let reason = '';
      let reasonCount = 0;
      for (const [r, n] of s.reasons) if (n > reasonCount) [reason, reasonCount] = [r, n];
      return { id: s.id, title: s.title, path: s.path, units: s.units.size, points: points(s.milli), reason, reasonCount };
    });

  const evidence = list.map((c) => ({ unit: unitOf(c), evidenceHash: c.evidenceHash, ruleset: `${c.ruleset.id} ${c.ruleset.version}` }));
  const data: CityReportData = { title, date, rulesets, units: list.length, byKind, scoreName, groups, vetoed, areas, topItems, strengths: [], features: [], problems: [], openItems: [], evidence };
  if (city !== undefined) data.city = city;
  if (cityCard !== undefined) data.cityResult = cityResult(cityCard, rsList, topN);
  if (options.inconsistencies !== undefined && options.inconsistencies.length > 0)
    data.inconsistencies = options.inconsistencies.map((x) => ({ id: x.id, title: x.title, message: x.message, places: [...x.places] }));

  const cardById = new Map(list.map((c) => [c.unit.id, c]));
  const rankedCards = groups.flatMap((g) => g.ranking.map((r) => cardById.get(r.unit.id)!));
  if (options.selfScores !== undefined) {
    const tolerance = options.selfScoreTolerance ?? 5;
    const scale = options.selfScoreScale ?? (allNormalised ? 'normalized' : 'total');
    const self = options.selfScores;
    const rows: SelfScoreRow[] = [];
    const notComparable: ReportUnit[] = [];
    // A unit self-evaluates before the checks: with a round before rectification, its self
    // score is compared with that first evaluation, not with the score after rectification.
    const firstRound = new Map((options.before ?? []).map((b) => [b.unit.id, b]));
    for (const c0 of rankedCards) {
      const c = firstRound.get(c0.unit.id) ?? c0;
      const v = Object.prototype.hasOwnProperty.call(self, c.unit.id) ? self[c.unit.id] : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const evaluated = scale === 'normalized' ? c.normalized : c.total;
      if (evaluated === undefined) {
        notComparable.push(unitOf(c));
        continue;
      }
      const difference = points(milli(v) - milli(evaluated));
      rows.push({ unit: unitOf(c), self: v, evaluated, difference, flagged: Math.abs(difference) > tolerance });
    }
    const ids = new Set(list.map((c) => c.unit.id));
    data.selfScores = {
      rows,
      tolerance,
      scale,
      round: firstRound.size > 0 ? 'before' : 'cards',
      withoutCard: Object.keys(self).filter((id) => !ids.has(id)).sort(),
      withoutSelfScore: rankedCards.filter((c) => typeof self[c.unit.id] !== 'number').map(unitOf),
      notComparable,
    };
  }
  const groupOfCard = new Map<string, string>();
  for (const g of groups) for (const r of g.ranking) groupOfCard.set(r.unit.id, g.name);
  const groupOf = (c: ScoreCard) => groupOfCard.get(c.unit.id) ?? '';
  data.strengths = groups.map((g) => ({ group: g.name, indicators: strongIndicators(groupCards.get(g.ruleset.id)!, rsList) }));
  data.features = featureItems(rankedCards, rsList, groupOf);
  data.problems = problemAspects(rankedCards, rsList, groupOf);
  data.openItems = openItems(rankedCards, rsList, groupOf, options.rectificationStatus);
  if (options.rectificationStatus !== undefined) {
    const ids = new Set(list.map((c) => c.unit.id));
    const t = { closed: 0, overdue: 0, open: 0, ongoing: 0 };
    for (const r of options.rectificationStatus) if (ids.has(r.unit) && r.status in t) t[r.status] += 1;
    data.ledger = t;
  }
  if (options.selfEvaluations !== undefined) {
    const tolerance = options.selfItemTolerance ?? 0;
    // as with self scores: against the first round when there is one (units self-evaluate before the checks)
    const firstRound = new Map((options.before ?? []).map((b) => [b.unit.id, b]));
    const byUnit = new Map(options.selfEvaluations.map((e) => [e.unit, e]));
    const units: SelfComparison[] = [];
    for (const c0 of rankedCards) {
      const e = byUnit.get(c0.unit.id);
      if (e === undefined) continue;
      const c = firstRound.get(c0.unit.id) ?? c0;
      const rs = rulesetOf(c, rsList);
      units.push(compareSelfEvaluation(c, e, { tolerance, ...(rs ? { ruleset: rs } : {}) }));
    }
    data.selfItems = { units, tolerance, overRated: units.filter((u) => u.over > 0).length, withoutCard: [...byUnit.keys()].filter((id) => !cardById.has(id)).sort() };
  }
  if (options.before !== undefined) {
    const comparison = compareRounds(options.before, list, rsList !== undefined ? { rulesets: rsList } : {});
    data.rectification = comparison;
    const before = assertCards(options.before, 'before');
    data.rectificationGroups = groups.map((g) => {
      const ids = new Set(comparison.units.filter((u) => groupCards.get(g.ruleset.id)!.some((c) => c.unit.id === u.unit.id)).map((u) => u.unit.id));
      return {
        name: g.name,
        units: ids.size,
        averageBefore: average(before.filter((c) => ids.has(c.unit.id))),
        averageAfter: average(list.filter((c) => ids.has(c.unit.id))),
      };
    });
  }
  return data;
}

/** The city's own result from its card. */
function cityResult(card: ScoreCard, rulesets: readonly Ruleset[] | undefined, topN: number): CityResult {
  const rs = rulesetFor(card, rulesets);
  const bonusId = bonusNodeId(card, rulesetOf(card, rulesets));
  const cap = rs?.bonus?.cap;
  const areas = card.nodes.map((n) => {
    const isBonus = n.id === bonusId;
    const max = isBonus && cap !== undefined ? cap : n.applicable ? n.max : 0;
    const earned = isBonus ? Math.min(card.bonus, max) : n.applicable ? Math.min(n.earned, n.max) : 0;
    return { id: n.id, title: n.title, earned, max, percent: max > 0 ? pct(earned, max) : null, bonus: isBonus };
  });
  const lost: (CityResult['lostItems'][number] & { order: number })[] = [];
  for (const [i, { node, ancestors, bonus }] of cardItems(card, rulesetOf(card, rulesets)).entries()) {
    if (!node.applicable || bonus) continue;
    const l = milli(node.max) - milli(node.earned);
    if (!(l > 0)) continue;
    const ds = (node.deductions ?? []).filter((d) => d.superseded !== true && milli(d.points) > 0);
    lost.push({
      id: node.id,
      title: node.title,
      path: [...ancestors, node].map((n) => n.title).join(' › '),
      lost: points(l),
      reasons: [...new Set(ds.map((d) => d.reason))],
      units: [...new Set(ds.flatMap((d) => d.evidence ?? []))],
      order: i,
    });
  }
  const lostItems = lost
    .sort((a, b) => milli(b.lost) - milli(a.lost) || a.order - b.order)
    .slice(0, topN)
    .map(({ order: _o, ...x }) => x);
  const result: CityResult = {
    unit: unitOf(card),
    ruleset: rs !== undefined ? { id: card.ruleset.id, version: card.ruleset.version, title: rs.title.zh } : { id: card.ruleset.id, version: card.ruleset.version },
    max: card.max,
    earned: card.earned,
    bonus: cap !== undefined ? Math.min(card.bonus, cap) : card.bonus,
    total: card.total,
    grade: card.grade,
    gradeTitle: card.gradeTitle,
    vetoed: card.vetoed,
    areas,
    vetoes: card.vetoes.map((v) => ({ id: v.id, title: v.title, reason: v.reason, evidence: [...(v.evidence ?? [])] })),
    lostItems,
  };
  if (card.normalized !== undefined) result.normalized = card.normalized;
  return result;
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

interface Section {
  id: string;
  title: string;
  html: string;
  markdown: string;
  /** The metadata appendix (附录), after the annexes. */
  appendix?: boolean;
}

/**
 * The city's self-evaluation report (自评报告) from every unit's card.
 *
 * Sections: summary (units, per ranking group its average score and grade distribution,
 * vetoed units with reasons); the city's own result on the national rubric (when
 * `options.city` is its card); average score rate per area (工作机制, 创建路径, 工作成效,
 * 先进经验 — as % of each unit's applicable maximum); one ranking per ruleset (市级成员单位
 * and 区县（开发区） are scored under different rubrics and never ranked together: by
 * normalized, then total, ties by unit id), with 工作成效 on its own 100 scale and its
 * applicable points, units with thin coverage marked ※ and the rule explained; the most
 * deducted items (units, points, most common reason); the consistency checks' findings (when
 * `inconsistencies` is given); self score against the evaluated score on the same scale (when
 * `selfScores` is given; differences over 5 points flagged); before/after rectification
 * (when `before` is given).
 *
 * The HTML is one self-contained, print-friendly file: inline CSS, charts as inline SVG
 * rendered on the server by ECharts (area bars, ranking bars per group, a radar per unit for
 * the first `radarUnits` of each group, before/after bars), no scripts, no external fonts or
 * URLs. All text from the cards is escaped. The Markdown has the same sections as tables,
 * without charts. Points are shown with at most two decimals, dates as 2023年4月28日.
 */
export function cityReport(cards: readonly ScoreCard[], options: CityReportOptions = {}): CityReport {
  return buildCityReport(cards, options, true);
}

/**
 * The report's Markdown alone (as {@link cityReport} gives it), without rendering the charts the
 * Markdown has no place for: what the Word version is laid out from.
 */
export function cityReportMarkdown(cards: readonly ScoreCard[], options: CityReportOptions = {}): string {
  return buildCityReport(cards, options, false).markdown;
}

function buildCityReport(cards: readonly ScoreCard[], options: CityReportOptions, withCharts: boolean): CityReport {
  // A chart is rendered (ECharts, server-side SVG) only for the HTML that shows it.
  const fig = (svg: () => string, caption: string, cls?: string): string => (withCharts ? figure(svg(), caption, cls) : '');
  const data = cityReportData(cards, options);
  if (options.audience === 'public') return publicReport(data, options);
  const body: Section[] = [];
  const sections: Section[] = [];
  const add = (id: string, title: string, html: string, markdown: string) => sections.push({ id, title, html, markdown });
  const addBody = (id: string, title: string, html: string, markdown: string) => body.push({ id, title, html, markdown });
  const sn = data.scoreName;
  const score = (n: number | null) => (n === null ? '—' : fmtPoints(n));
  const gradeText = (grades: readonly GradeCount[]) => grades.map((g) => `${g.title} ${g.count} 个`).join('，');
  const multi = data.groups.length > 1;
  const todo = (what: string) => ({ html: `<p class="todo">${escapeHtml(placeholder(what))}</p>\n`, md: `${escapeMarkdown(placeholder(what))}\n\n` });
  const names = unitNames(data, options);

  // ---- 一、创建工作基本情况
  {
    const kindText = data.byKind.map((k) => `${k.title} ${k.count} 个`).join('，');
    const sentences: string[] = [];
    const rubrics = rubricTitles(data);
    sentences.push(
      `本次自检评估${rubrics.length > 0 ? `依据${rubrics.map((t) => `《${t}》`).join('、')}，` : ''}共评价 ${data.units} 个单位${kindText ? `（${kindText}）` : ''}，` +
        `${data.rectification !== undefined ? '经数据核查、现场检查、整改和复核两轮评价' : '经数据核查和现场检查'}。`,
    );
    if (data.cityResult !== undefined) sentences.push(cityResultSentence(data.cityResult));
    if (multi) sentences.push(`各类单位按各自的评价细则评分，分别排名、分别平均：`);
    const groupSentences = data.groups.map((g) => {
      const gt = gradeText(g.grades);
      return `${g.name} ${g.units} 个，平均${g.scoreName} ${score(g.averageScore)} 分${gt ? `，评价等级：${gt}` : ''}`;
    });
    if (groupSentences.length > 0) sentences.push(`${groupSentences.join('；')}。`);
    sentences.push(data.vetoed.length > 0 ? `触发否决项的单位 ${data.vetoed.length} 个。` : '无单位触发否决项。');

    const facts: [string, string][] = [['评价单位', `${data.units} 个${kindText ? `（${kindText}）` : ''}`]];
    for (const g of data.groups) {
      const suffix = multi ? `（${g.name}）` : '';
      facts.push([`平均${g.scoreName}${suffix}`, score(g.averageScore)]);
      facts.push([`等级分布${suffix}`, gradeText(g.grades) || '—']);
    }
    if (data.groups.length === 0) facts.push([`平均${sn}`, '—'], ['等级分布', '—']);
    facts.push(['否决单位', data.vetoed.length > 0 ? `${data.vetoed.length} 个` : '无']);
    facts.push(['评价细则', rubrics.join('；') || '—']);
    const t = todo('创建工作的组织领导、部署推进和工作机制运行情况');
    let html = `${t.html}<p>${escapeHtml(sentences.join(''))}</p>\n<table class="facts"><tbody>\n${facts
      .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('\n')}\n</tbody></table>\n`;
    let md = `${t.md}${escapeMarkdown(sentences.join(''))}\n\n| 项目 | 情况 |\n|---|---|\n${facts.map(([k, v]) => `| ${escapeMarkdownCell(k)} | ${escapeMarkdownCell(v)} |`).join('\n')}\n`;
    for (const g of data.groups) {
      if (g.grades.length === 0) continue;
      const h = `等级分布（${g.name}）`;
      const head = ['等级', '单位数', '占比'];
      const rows = g.grades.map((x) => [x.title, String(x.count), fmtPct((x.count / g.units) * 100)]);
      html += `<h3>${escapeHtml(h)}</h3>\n${htmlTable(head, rows, [1, 2], 'compact')}`;
      md += `\n**${escapeMarkdown(h)}**\n\n${mdTable(head, rows, [1, 2])}`;
    }
    if (data.vetoed.length > 0) {
      const head = ['单位', '否决项', '原因'];
      const rows = data.vetoed.flatMap((v) => v.vetoes.map((x) => [v.unit.name, x.title, names.text(x.reason)]));
      html += `<h3>否决项</h3>\n${htmlTable(head, rows)}`;
      md += `\n**否决项**\n\n${mdTable(head, rows)}`;
    }
    addBody('basic', '创建工作基本情况', html, md);
  }

  // ---- 二、主要做法和成效
  {
    const t = todo('主要做法：组织推进、制度建设、重点工程和宣传培训等（可参考下列数据）');
    const paras: string[] = [];
    for (const g of data.groups) {
      const ranked = g.areas.filter((a) => a.units > 0 && !a.bonus).sort((a, b) => b.percent - a.percent);
      if (ranked.length === 0) continue;
      const areaText = ranked.map((a) => `“${a.title}”${fmtPct(a.percent)}`).join('、');
      const strong = data.strengths.find((x) => x.group === g.name)?.indicators ?? [];
      const strongText =
        strong.length > 0
          ? `得分率最高的评价指标为${strong.map((i) => `“${i.title}”（${fmtPct(i.percent)}，${i.full} 个单位得满分）`).join('、')}`
          : '';
      paras.push(`${multi ? `${g.name}：` : ''}各评价领域平均得分率从高到低依次为${areaText}${strongText ? `；${strongText}` : ''}。`);
    }
    if (data.rectification !== undefined) {
      const tt = data.rectification.totals;
      const avg = (data.rectificationGroups ?? []).filter((g) => g.units > 0).map((g) => `${multi ? g.name : ''}平均${sn}由 ${score(g.averageBefore)} 分提高到 ${score(g.averageAfter)} 分`).join('，');
      paras.push(`通过整改，${tt.units} 个单位已整改 ${tt.fixed} 项，挽回 ${fmtPoints(tt.regained)} 分${avg ? `，${avg}` : ''}。`);
    }
    if (paras.length === 0) paras.push('无评价结果。');
    addBody(
      'practice',
      '主要做法和成效',
      `${t.html}${paras.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n')}\n`,
      `${t.md}${paras.map(escapeMarkdown).join('\n\n')}\n`,
    );
  }

  // ---- 三、特色做法
  {
    const t = todo('各单位特色做法和典型经验的具体内容');
    let html = t.html;
    let md = t.md;
    if (data.features.length === 0) {
      html += '<p>本轮各单位均未取得加分项（先进经验）。</p>\n';
      md += '本轮各单位均未取得加分项（先进经验）。\n';
    } else {
      const unitsEarning = new Set(data.features.flatMap((f) => f.units.map((u) => u.id))).size;
      const intro = `${unitsEarning} 个单位在 ${data.features.length} 个加分项（先进经验）上取得成果，可作为特色做法总结推广：`;
      const head = [...(multi ? ['类别'] : []), '加分项', '取得单位（加分）', '报送内容'];
      const rows = data.features.map((f) => [
        ...(multi ? [f.group] : []),
        f.title,
        f.units.map((u) => `${u.name}（${fmtPoints(u.points)}分）`).join('、'),
        f.reported.join('、') || '—',
      ]);
      html += `<p>${escapeHtml(intro)}</p>\n${htmlTable(head, rows)}`;
      md += `${escapeMarkdown(intro)}\n\n${mdTable(head, rows)}`;
    }
    addBody('features', '特色做法', html, md);
  }

  // ---- 四、存在问题
  {
    let html = '';
    let md = '';
    if (data.problems.length === 0) {
      html += '<p>各单位均无扣分。</p>\n';
      md += '各单位均无扣分。\n';
    } else {
      const byArea = new Map<string, number>();
      for (const p of data.problems) byArea.set(`${multi ? p.group : ''}“${p.area}”`, (byArea.get(`${multi ? p.group : ''}“${p.area}”`) ?? 0) + milli(p.points));
      const worst = [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 2);
      const intro = `扣分主要集中在${worst.map(([a, m]) => `${a}（共扣 ${fmtPoints(points(m))} 分）`).join('和')}。按评价领域和方面归纳如下：`;
      const head = [...(multi ? ['类别'] : []), '评价领域', '方面', '扣分单位数', '扣分项数', '合计扣分', '典型扣分原因'];
      const rows = data.problems.map((p) => [
        ...(multi ? [p.group] : []),
        p.area,
        p.aspect,
        String(p.units),
        String(p.items),
        fmtPoints(p.points),
        p.reasons.map((r) => names.text(r.count > 1 ? `${r.reason}（${r.count} 次）` : r.reason)).join('\n'),
      ]);
      const off = multi ? 1 : 0;
      html += `<p>${escapeHtml(intro)}</p>\n${htmlTable(head, rows, [2 + off, 3 + off, 4 + off])}`;
      md += `${escapeMarkdown(intro)}\n\n${mdTable(head, rows, [2 + off, 3 + off, 4 + off])}`;
    }
    const t = todo('对存在问题的原因分析');
    addBody('problems', '存在问题', html + t.html, md + '\n' + t.md);
  }

  // ---- 五、下一步工作
  {
    let html = '';
    let md = '';
    if (data.openItems.length === 0) {
      html += '<p>评价结果中已无扣分项。</p>\n';
      md += '评价结果中已无扣分项。\n';
    } else {
      const l = data.ledger;
      const intro =
        `评价结果中仍有 ${data.openItems.length} 个评分项扣分，下一步按以下整改建议逐项整改、逐项销号` +
        (l !== undefined ? `（问题整改台账：已销号 ${l.closed} 条，整改中 ${l.ongoing} 条，未开始 ${l.open} 条，逾期 ${l.overdue} 条）` : '') +
        '：';
      const head = [...(multi ? ['类别'] : []), '评价领域', '评分项', '涉及单位', '整改建议', ...(l !== undefined ? ['整改进展'] : [])];
      // grouped by area, in the tree's order (as 四、存在问题), the items most units share first
      const areaOrder = [...new Set(data.problems.map((p) => `${p.group}\u0000${p.area}`))];
      const open = [...data.openItems].sort((a, b) => areaOrder.indexOf(`${a.group}\u0000${a.area}`) - areaOrder.indexOf(`${b.group}\u0000${b.area}`));
      const rows = open.map((o) => [
        ...(multi ? [o.group] : []),
        o.area,
        `${o.id} ${o.title}`,
        o.units.length > 5 ? `${o.units.slice(0, 5).map((u) => u.name).join('、')}等 ${o.units.length} 个` : o.units.map((u) => u.name).join('、'),
        o.suggestions.map(names.text).join('\n') || '—',
        ...(l !== undefined
          ? [
              (() => {
                // the units whose ledger has the item; the others have not sent their ledger back yet
                const inLedger = new Set((options.rectificationStatus ?? []).filter((r) => r.itemId === o.id).map((r) => r.unit));
                const notBack = o.units.filter((u) => !inLedger.has(u.id)).length;
                const counted = o.status !== undefined && o.status.closed + o.status.ongoing + o.status.open + o.status.overdue > 0;
                return [
                  ...(counted ? [`已销号 ${o.status!.closed}，整改中 ${o.status!.ongoing}，未开始 ${o.status!.open}，逾期 ${o.status!.overdue}`] : []),
                  ...(o.overdue ?? []).map((x) => `逾期：${x.name}${x.due !== undefined ? `（时限${fmtDate(x.due)}）` : ''}`),
                  ...(notBack > 0 ? [notBack === o.units.length ? '台账未报回' : `另有 ${notBack} 个单位台账未报回`] : []),
                ].join('\n');
              })(),
            ]
          : []),
      ]);
      html += `<p>${escapeHtml(intro)}</p>\n${htmlTable(head, rows)}`;
      md += `${escapeMarkdown(intro)}\n\n${mdTable(head, rows)}`;
    }
    const t = todo('下一步工作安排：常态化长效机制、重点任务和时间节点');
    addBody('next', '下一步工作', html + t.html, md + '\n' + t.md);
  }

  // ---- the city's own result
  if (data.cityResult !== undefined) {
    const c = data.cityResult;
    const text = cityResultSentence(c);
    const areaHead = ['一级指标', '得分 / 适用满分', '得分率'];
    const areaRows = c.areas.map((a) => [a.bonus ? `${a.title}（上限 ${fmtPoints(a.max)} 分）` : a.title, a.max > 0 ? `${fmtPoints(a.earned)} / ${fmtPoints(a.max)}` : '不适用', a.percent === null ? '—' : fmtPct(a.percent)]);
    let html = `<p>${escapeHtml(text)}</p>\n${htmlTable(areaHead, areaRows, [1, 2])}`;
    let md = `${escapeMarkdown(text)}\n\n${mdTable(areaHead, areaRows, [1, 2])}`;
    if (c.vetoes.length > 0) {
      const head = ['否决项', '原因', '涉及单位（依据）'];
      const rows = c.vetoes.map((v) => [v.title, names.text(v.reason), v.evidence.map(names.place).join('\n') || '—']);
      html += `<h3>否决项</h3>\n${htmlTable(head, rows)}`;
      md += `\n**否决项**\n\n${mdTable(head, rows)}`;
    }
    if (c.lostItems.length > 0) {
      const head = ['评分项', '评分项名称', '失分', '扣分原因', '失分来自'];
      const rows = c.lostItems.map((i) => [i.id, i.path, fmtPoints(i.lost), i.reasons.map(names.text).join('\n'), i.units.map(names.place).join('、') || '—']);
      const h = '失分最多的评分项';
      html += `<h3>${h}</h3>\n${htmlTable(head, rows, [2])}`;
      md += `\n**${h}**\n\n${mdTable(head, rows, [2])}`;
    }
    add('city', '城市自评结果（国家评价细则）', html, md);
  }

  // ---- areas, per group (the rubrics differ: never averaged across groups)
  {
    const head = ['评价领域', '参评单位', '平均得分率', '最低', '最高'];
    const note = `得分率 = 得分 ÷ 适用满分 × 100%（各单位适用项不同，先按单位折算再平均；加分项按其上限计${multi ? '；各类单位按各自的评价细则分别统计' : ''}）。`;
    let html = `<p class="note">${escapeHtml(note)}</p>\n`;
    let md = `${note}\n`;
    for (const g of data.groups) {
      if (g.areas.length === 0) continue;
      const caption = `${g.name}各评价领域平均得分率`;
      const chart = g.units > 0 ? fig(() => areaBarsSvg(g.areas.map((a) => ({ title: a.title, percent: a.percent })), `${caption}（%）`), caption) : '';
      const rows = g.areas.map((a) => [a.title, String(a.units), fmtPct(a.percent), fmtPct(a.min), fmtPct(a.max)]);
      if (multi) {
        html += `<h3>${escapeHtml(g.name)}</h3>\n`;
        md += `\n**${escapeMarkdown(g.name)}**\n`;
      }
      html += `${chart}${htmlTable(head, rows, [1, 2, 3, 4])}`;
      md += `\n${mdTable(head, rows, [1, 2, 3, 4])}`;
    }
    add('areas', '各评价领域得分率', html, md);
  }

  // ---- rankings, one per ruleset
  {
    let html = '';
    let md = '';
    if (multi) {
      const intro = `${data.groups.map((g) => g.name).join('与')}按不同的评价细则评分，分别排名。`;
      html += `<p class="note">${escapeHtml(intro)}</p>\n`;
      md += `${escapeMarkdown(intro)}\n\n`;
    }
    for (const [gi, g] of data.groups.entries()) {
      const gsn = g.scoreName;
      const effectHead = g.effect !== undefined ? [`${g.effect.title}（百分制）`, '适用分值'] : [];
      const head = ['排名', '单位', '类别', gsn, ...effectHead, '总分', '基础得分 / 适用满分', '加分', '等级', '否决'];
      const e = effectHead.length;
      const numeric = [0, 3, ...effectHead.map((_, i) => 4 + i), 4 + e, 5 + e, 6 + e];
      const rows = g.ranking.map((r) => [
        String(r.rank),
        r.unit.name,
        KIND_TITLES[r.unit.kind] ?? r.unit.kind,
        fmtPoints(r.score),
        ...(r.effect !== undefined ? [r.effect.percent === null ? '不适用' : fmtPct(r.effect.percent), `${fmtPoints(r.effect.max)}${r.thin ? '※' : ''}`] : e > 0 ? ['—', '—'] : []),
        fmtPoints(r.total),
        `${fmtPoints(r.earned)} / ${fmtPoints(r.max)}`,
        fmtPoints(r.bonus),
        r.gradeTitle ?? '—',
        r.vetoed ? '是' : '',
      ]);
      const notes = [`按${gsn}从高到低排列，${gsn}相同时按总分，再按单位编号；本组 ${g.units} 个单位，平均${gsn} ${score(g.averageScore)} 分。`];
      if (g.effect !== undefined) notes.push(`“${g.effect.title}（百分制）”为该项得分占其适用分值的百分比。`);
      const thinNote =
        g.thin > 0 && g.coverage !== undefined
          ? `※ ${g.coverage.title}适用分值不足${fmtPoints(g.coverage.min)}分的单位，不足部分按${fmtPoints(g.coverage.rate)}%得分率计入折算得分（本组 ${g.thin} 个）。`
          : g.thin > 0
            ? `※ ${g.effect?.title ?? '该项'}适用分值不足规定分值的单位，不足部分按规定得分率计入折算得分（本组 ${g.thin} 个）。`
            : undefined;
      const chart =
        g.ranking.length > 0
          ? fig(
              () =>
                rankingBarsSvg(g.ranking.map((r) => ({ name: r.unit.name, score: r.score, grade: r.grade, gradeTitle: r.gradeTitle, vetoed: r.vetoed, thin: r.thin })), gsn, `${g.name}${gsn}排名`),
              `${g.name}${gsn}排名`,
            )
          : '';
      if (multi) {
        const h = `（${NUMERALS[gi] ?? String(gi + 1)}）${g.name}`;
        html += `<h3>${escapeHtml(h)}</h3>\n`;
        md += `### ${escapeMarkdown(h)}\n\n`;
      }
      html += `<p class="note">${escapeHtml(notes.join(''))}</p>\n${chart}${htmlTable(head, rows, numeric)}`;
      md += `${escapeMarkdown(notes.join(''))}\n\n${mdTable(head, rows, numeric)}`;
      if (thinNote !== undefined) {
        html += `<p class="note thin">${escapeHtml(thinNote)}</p>\n`;
        md += `\n${escapeMarkdown(thinNote)}\n`;
      }
      md += '\n';
    }
    if (data.groups.length === 0) {
      html += '<p>无评价结果。</p>\n';
      md += '无评价结果。\n';
    }
    add('ranking', '单位得分排名', html, md);
  }

  // ---- radars, per group
  {
    const per = Math.max(0, options.radarUnits ?? 12);
    const ranked = data.groups.flatMap((g) => g.ranking.map((r) => ({ g, r })));
    if (ranked.length > 0 && per > 0 && data.areas.length >= 3) {
      const titles = data.areas.map((a) => a.title);
      const shown = data.groups.flatMap((g) => g.ranking.slice(0, per));
      const figs = shown.map((r) => fig(() => radarSvg(r.unit.name, titles, r.areaPercents), `${r.unit.name}各评价领域得分率`, 'radar')).join('');
      const note =
        shown.length < ranked.length
          ? `${multi ? '每组' : ''}按排名列出前 ${per} 个单位（共 ${ranked.length} 个），各轴为该领域得分率（%）。`
          : '各轴为该领域得分率（%）。';
      const head = [...(multi ? ['组别'] : []), '单位', ...titles];
      const off = multi ? 2 : 1;
      const rows = ranked.map(({ g, r }) => [...(multi ? [g.name] : []), r.unit.name, ...r.areaPercents.map((p) => (p === null ? '不适用' : fmtPct(p)))]);
      add(
        'units',
        '各单位评价领域得分率',
        `<p class="note">${escapeHtml(note)}</p>\n<div class="radar-grid">${figs}</div>\n${htmlTable(head, rows, titles.map((_, i) => i + off))}`,
        `${mdTable(head, rows, titles.map((_, i) => i + off))}`,
      );
    }
  }

  // ---- most deducted items
  {
    const head = ['评分项', '评分项名称', '扣分单位数', '合计扣分', '最常见扣分原因'];
    const rows = data.topItems.map((i) => [i.id, i.path, String(i.units), fmtPoints(i.points), names.text(i.reasonCount > 1 ? `${i.reason}（${i.reasonCount} 次）` : i.reason)]);
    const body = rows.length > 0 ? null : '各单位均无扣分。';
    add(
      'deductions',
      '主要扣分项',
      body !== null ? `<p>${escapeHtml(body)}</p>\n` : htmlTable(head, rows, [2, 3]),
      body !== null ? `${body}\n` : mdTable(head, rows, [2, 3]),
    );
  }

  // ---- consistency checks
  if (data.inconsistencies !== undefined) {
    const head = ['核查项', '情况', '涉及位置'];
    const rows = data.inconsistencies.map((x) => [x.title, names.text(x.message), x.places.map(names.place).join('\n') || '—']);
    const note = `跨单位数据一致性核查发现 ${rows.length} 处不一致，请相关单位核实更正。`;
    add('consistency', '数据一致性核查', `<p class="note">${escapeHtml(note)}</p>\n${htmlTable(head, rows)}`, `${escapeMarkdown(note)}\n\n${mdTable(head, rows)}`);
  }

  // ---- self scores
  if (data.selfScores !== undefined) {
    const s = data.selfScores;
    const scaleName = s.scale === 'normalized' ? '折算，百分制' : '总分';
    const head = ['单位', `自评得分（${scaleName}）`, `评估得分（${scaleName}）`, '差值（自评 − 评估）', '说明'];
    const rows = s.rows.map((r) => [r.unit.name, fmtPoints(r.self), fmtPoints(r.evaluated), fmtSigned(r.difference), r.flagged ? (r.difference > 0 ? '自评偏高' : '自评偏低') : '']);
    const flagged = s.rows.filter((r) => r.flagged).length;
    const notes = [
      (s.scale === 'normalized' ? '自评得分与评估得分均按折算得分（百分制）比较' : '自评得分与评估得分均按总分（未折算）比较') +
        (s.round === 'before' ? '，评估得分为整改前（首轮评估）的得分。' : '。'),
      `差值超过 ${fmtPoints(s.tolerance)} 分的单位 ${flagged} 个，已标出。`,
    ];
    if (s.withoutSelfScore.length > 0) notes.push(`未报送自评得分：${s.withoutSelfScore.map((u) => u.name).join('、')}。`);
    if (s.withoutCard.length > 0) {
      // units are named, never shown by id: a unit no card names is counted, its id is in the appendix
      const known = s.withoutCard.filter((id) => names.byId.has(id));
      const unknown = s.withoutCard.length - known.length;
      notes.push(`有自评得分但无评估结果：${[...known.map((id) => names.byId.get(id)!), ...(unknown > 0 ? [`另有 ${unknown} 个未能识别的单位（编号见附录）`] : [])].join('、')}。`);
    }
    if (s.notComparable.length > 0) notes.push(`评估结果无折算得分，未比较：${s.notComparable.map((u) => u.name).join('、')}。`);
    const htmlRows = s.rows.map((r, i) => ({ cells: rows[i]!, flagged: r.flagged }));
    add(
      'self',
      '自评与评估得分对比',
      `<p class="note">${escapeHtml(notes.join(''))}</p>\n${htmlTable(head, htmlRows, [1, 2, 3])}`,
      `${escapeMarkdown(notes.join(''))}\n\n${mdTable(head, rows.map((r) => (r[4] ? [...r.slice(0, 4), `**${r[4]}**`] : r)), [1, 2, 3], [4])}`,
    );
  }

  // ---- rectification
  if (data.rectification !== undefined) {
    const c = data.rectification;
    const t = c.totals;
    const averages = (data.rectificationGroups ?? [])
      .filter((g) => g.units > 0)
      .map((g) => `${multi ? g.name : ''}平均${sn} ${score(g.averageBefore)} → ${score(g.averageAfter)}`)
      .join('，');
    const summary =
      `整改前后均有评价结果的单位 ${t.units} 个${averages ? `：${averages}` : ''}；` +
      `挽回 ${fmtPoints(t.regained)} 分，新失 ${fmtPoints(t.lost)} 分；已整改 ${t.fixed} 项，仍扣分 ${t.remaining} 项，新增扣分 ${t.newDeductions} 项。` +
      (c.onlyBefore.length > 0 ? `仅有整改前结果（未复核）：${c.onlyBefore.map((u) => u.name).join('、')}。` : '') +
      (c.onlyAfter.length > 0 ? `仅有整改后结果：${c.onlyAfter.map((u) => u.name).join('、')}。` : '');
    const head = ['单位', `整改前${sn}`, `整改后${sn}`, '总分变化', '挽回分', '已整改', '仍扣分', '新增扣分'];
    const rows = c.units.map((u) => [
      u.unit.name,
      fmtPoints(u.before.normalized ?? u.before.total),
      fmtPoints(u.after.normalized ?? u.after.total),
      fmtSigned(u.change.total),
      fmtPoints(u.regained),
      String(u.fixed.length),
      String(u.remaining.length),
      String(u.newDeductions.length),
    ]);
    // one chart per kind of units: the rubrics differ, their scores are not on one scale
    const chart = data.groups
      .map((g) => {
        const ids = new Set(g.ranking.map((r) => r.unit.id));
        const us = c.units.filter((u) => ids.has(u.unit.id));
        if (us.length === 0) return '';
        const caption = `${g.name}整改前后${g.scoreName}对比`;
        return fig(
          () =>
            beforeAfterSvg(
            us
              .map((u) => ({ id: u.unit.id, name: u.unit.name, before: u.before.normalized ?? u.before.total, after: u.after.normalized ?? u.after.total }))
              .sort((a, b) => b.after - a.after || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
            g.scoreName,
            caption,
          ),
          caption,
        );
      })
      .join('');
    add(
      'rectification',
      '整改前后对比',
      `<p>${escapeHtml(summary)}</p>\n${chart}${htmlTable(head, rows, [1, 2, 3, 4, 5, 6, 7])}`,
      `${escapeMarkdown(summary)}\n\n${mdTable(head, rows, [1, 2, 3, 4, 5, 6, 7])}`,
    );
  }

  // ---- self-evaluation item by item
  if (data.selfItems !== undefined) {
    const si = data.selfItems;
    const tol = si.tolerance;
    const note =
      `${si.units.length} 个单位报送了逐项自评，与${data.rectification !== undefined ? '首轮评估' : '评估'}结果逐项比较：` +
      `${si.overRated} 个单位有评分项自评高于评估${tol > 0 ? `超过 ${fmtPoints(tol)} 分` : ''}。下表列出各单位差值最大的评分项。` +
      (si.withoutCard.length > 0 ? `另有 ${si.withoutCard.length} 份自评无对应的评估结果（单位编号见附录）。` : '');
    const head = ['单位', '自评合计', '评估得分（同项）', '差值', '偏高项数', '偏低项数', '差值最大的评分项'];
    const rows = si.units.map((u) => {
      const top = u.rows
        .filter((r) => r.difference !== undefined && milli(r.difference) !== 0)
        .sort((a, b) => Math.abs(b.difference!) - Math.abs(a.difference!))
        .slice(0, 3)
        .map((r) => `${r.id} ${r.title}（${fmtSigned(r.difference!)}）${r.difference! > 0 && r.reasons.length > 0 ? `：${names.text(r.reasons[0]!)}` : ''}`);
      return { cells: [u.unit.name, fmtPoints(u.selfTotal), fmtPoints(u.evaluatedTotal), fmtSigned(points(milli(u.selfTotal) - milli(u.evaluatedTotal))), String(u.over), String(u.under), top.join('\n') || '—'], flagged: u.over > 0 };
    });
    add(
      'self-items',
      '自评与评估逐项对比',
      `<p class="note">${escapeHtml(note)}</p>\n${htmlTable(head, rows, [1, 2, 3, 4, 5])}`,
      `${escapeMarkdown(note)}\n\n${mdTable(head, rows.map((r) => r.cells), [1, 2, 3, 4, 5])}`,
    );
  }

  // ---- 附录：数据来源与版本 (the only place for ids, versions and hashes)
  {
    const head = ['评价细则', '编号', '版本', '内容哈希'];
    const rows = data.rulesets.map((r) => [r.title ?? '—', r.id, r.version, r.hash]);
    const ehead = ['单位', '单位编号', '评价细则（编号 版本）', '佐证材料哈希'];
    const erows = data.evidence.map((e) => [e.unit.name, e.unit.id, e.ruleset, e.evidenceHash]);
    let html = `<p class="note">本报告由 safecity 根据各单位评分卡生成。以下编号和哈希用于复核：同一评价细则和佐证材料重新评分，得到相同的结果。</p>\n${htmlTable(head, rows)}${htmlTable(ehead, erows)}`;
    let md = `本报告由 safecity 根据各单位评分卡生成。以下编号和哈希用于复核：同一评价细则和佐证材料重新评分，得到相同的结果。\n\n${mdTable(head, rows)}\n${mdTable(ehead, erows)}`;
    if (data.cityResult !== undefined && typeof options.city === 'object') {
      const c = options.city;
      const line = `城市自评结果：${c.unit.name}（${c.unit.id}），${c.ruleset.id} ${c.ruleset.version}（${c.ruleset.hash}），佐证材料哈希 ${c.evidenceHash}。`;
      html += `<p>${escapeHtml(line)}</p>\n`;
      md += `\n${escapeMarkdown(line)}\n`;
    }
    const unknown = [...(data.selfScores?.withoutCard ?? []), ...(data.selfItems?.withoutCard ?? [])].filter((id) => !names.byId.has(id));
    if (unknown.length > 0) {
      const line = `有自评但无评估结果的单位编号：${[...new Set(unknown)].join('、')}。`;
      html += `<p>${escapeHtml(line)}</p>\n`;
      md += `\n${escapeMarkdown(line)}\n`;
    }
    sections.push({ id: 'appendix', title: '数据来源与版本', html, markdown: md, appendix: true });
  }

  const numbered = [
    ...body.map((s, i) => ({ ...s, heading: `${NUMERALS[i] ?? String(i + 1)}、${s.title}` })),
    ...sections.filter((s) => s.appendix !== true).map((s, i) => ({ ...s, heading: `附件${i + 1}　${s.title}` })),
    ...sections.filter((s) => s.appendix === true).map((s) => ({ ...s, heading: `附录：${s.title}` })),
  ];
  const metaParts = [data.city, fmtDate(data.date)].filter((x): x is string => x !== undefined && x !== '');
  return renderDocument(data.title, metaParts, numbered, '本报告由 safecity 根据各单位评分卡生成；数据来源与版本见附录。', '> 图表见 HTML 版报告；本文件以表格列出相同内容。标有【待填写】处由市安委办补充。');
}

/**
 * The HTML report's Content-Security-Policy: the page loads nothing and runs nothing — no
 * script, no request, no frame, no form, no font, no image (charts are inline SVG); only its
 * own inline styles (the `<style>` element and the SVG's style attributes). Should markup from
 * data ever get past the escaping, the browser still runs none of it and fetches nothing.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The page around the sections, HTML and Markdown. */
function renderDocument(title: string, metaParts: readonly string[], numbered: readonly (Section & { heading: string })[], footer: string, mdNote: string): CityReport {
  const html = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="safecity">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(metaParts.join(' · '))}</p>
<nav><ol>${numbered.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.heading)}</a></li>`).join('')}</ol></nav>
</header>
${numbered.map((s) => `<section id="${s.id}"${s.appendix === true ? ' class="appendix"' : ''}>\n<h2>${escapeHtml(s.heading)}</h2>\n${s.html}</section>`).join('\n')}
<footer><p>${escapeHtml(footer)}</p></footer>
</main>
</body>
</html>
`;
  const markdown = [
    `# ${escapeMarkdown(title)}`,
    '',
    ...(metaParts.length > 0 ? [escapeMarkdown(metaParts.join(' · ')), ''] : []),
    ...(mdNote !== '' ? [mdNote, ''] : []),
    ...numbered.flatMap((s) => [`## ${escapeMarkdown(s.heading)}`, '', s.markdown.trimEnd(), '']),
    '---',
    '',
    escapeMarkdown(footer),
    '',
  ].join('\n');
  return { html, markdown };
}

/** A place for the officials' own text: the same words in HTML (highlighted) and Markdown. */
export function placeholder(what: string): string {
  return `【待填写：${what}（由市安委办填写）】`;
}

/** The rubrics' titles (never their ids: those are in the appendix). */
function rubricTitles(data: CityReportData): string[] {
  const out: string[] = [];
  for (const r of data.rulesets) {
    const t = r.title ?? `${data.groups.find((g) => g.ruleset.id === r.id)?.name ?? ''}评价细则`;
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** The city's result in one sentence. */
function cityResultSentence(c: CityResult): string {
  const parts = [`${c.unit.name}按${c.ruleset.title !== undefined ? `《${c.ruleset.title}》` : '国家评价细则'}自评：总分 ${fmtPoints(c.total)} 分（基础得分 ${fmtPoints(c.earned)} / 适用满分 ${fmtPoints(c.max)}，加分 ${fmtPoints(c.bonus)}）`];
  if (c.normalized !== undefined) parts.push(`折算得分 ${fmtPoints(c.normalized)} 分`);
  if (c.gradeTitle !== null) parts.push(`评价等级“${c.gradeTitle}”`);
  return `${parts.join('，')}。${c.vetoes.length > 0 ? `触发否决项 ${c.vetoes.length} 项：${c.vetoes.map((v) => v.title).join('、')}。` : '未触发否决项。'}`;
}

/**
 * Unit names for text that may carry unit ids or evidence places (a place such as
 * `evidence/district/gaoling.json#/items/3.6.57/largerAccidents` or `lintong.xlsx!评分项!G6`
 * inside a consistency check's reason, a city card's deduction evidence): each place becomes the
 * unit's name with the sheet and row or the field's title (`高陵区：评分项 3.6.57「较大及以上生产安全事故起数」`,
 * `临潼区：工作表“评分项”第6行`), and a known unit's id its name.
 */
function unitNames(data: CityReportData, options: CityReportOptions): { byId: Map<string, string>; text: (s: string) => string; place: (s: string) => string } {
  const byId = new Map<string, string>();
  for (const c of [...(options.before ?? []), ...data.evidence.map((e) => ({ unit: e.unit })), ...(typeof options.city === 'object' ? [options.city] : [])]) byId.set(c.unit.id, c.unit.name);
  const fields = new Map<string, string>();
  for (const r of options.rulesets ?? []) for (const f of r.fields) if (!fields.has(f.name)) fields.set(f.name, f.title.zh);
  const placeRe = /(?<![\w.\-/])(?:[\w.\-]+\/)*([\w\-]+)\.(xlsx|json)(?:!([^!\s，、；;）)]+)!([A-Z]+)(\d+)|#(\/[^\s，、；;）)]*))?/g;
  // Starts only where a path starts (the lookbehind): tried inside a long word, the pattern backtracked quadratically.
  const places = (s: string) =>
    s.replace(placeRe, (_m, id: string, ext: string, sheet?: string, _col?: string, row?: string, ptr?: string) => {
      const who = byId.get(id) ?? `${id}.${ext}`;
      if (sheet !== undefined && row !== undefined) return `${who}：工作表“${sheet}”第${row}行`;
      const words = ptr === undefined ? undefined : pointerWords(ptr, fields);
      return words === undefined ? who : `${who}：${words}`;
    });
  const ids = [...byId.keys()].filter((id) => /^[A-Za-z0-9_-]+$/.test(id)).sort((a, b) => b.length - a.length);
  const re = ids.length > 0 ? new RegExp(`(?<![A-Za-z0-9_-])(${ids.map((x) => x.replace(/-/g, '\\-')).join('|')})(?![A-Za-z0-9_-])`, 'g') : undefined;
  const text = (s: string) => {
    const p = places(s);
    return re === undefined ? p : p.replace(re, (_m, id: string) => byId.get(id) ?? id);
  };
  return { byId, text, place: text };
}

/**
 * The 社会公示 version: the city result, units and rubrics, the areas and indicators where units
 * score best, the bonus items earned, the aspects with problems (how many units, no reasons), the
 * next steps by area, each unit's grade (the groups by grade, units in registry order — no scores
 * or ranks), 公示期 and the feedback contact. Nothing internal: no deduction reasons, evidence
 * places, consistency findings, self scores, placeholders or hashes.
 */
function publicReport(data: CityReportData, options: CityReportOptions): CityReport {
  const secs: (Section & { heading: string })[] = [];
  const push = (id: string, title: string, paras: string[], tables: { head: string[]; rows: string[][]; numeric?: number[] }[] = []) => {
    const heading = `${NUMERALS[secs.length] ?? String(secs.length + 1)}、${title}`;
    secs.push({
      id,
      title,
      heading,
      html: paras.map((p) => `<p>${escapeHtml(p)}</p>\n`).join('') + tables.map((t) => htmlTable(t.head, t.rows, t.numeric ?? [])).join(''),
      markdown: paras.map((p) => `${escapeMarkdown(p)}\n\n`).join('') + tables.map((t) => mdTable(t.head, t.rows, t.numeric ?? [])).join('\n'),
    });
  };
  const multi = data.groups.length > 1;
  // units in the order the cards were given (the registry's), never by score
  const order = (id: string) => data.evidence.findIndex((e) => e.unit.id === id);
  const kindText = data.byKind.map((k) => `${k.title} ${k.count} 个`).join('，');
  const rubrics = rubricTitles(data);
  const basic = [
    `${data.city ?? '本市'}开展国家安全发展示范城市创建自检评估，${rubrics.length > 0 ? `依据${rubrics.map((t) => `《${t}》`).join('、')}，` : ''}对 ${data.units} 个单位${kindText ? `（${kindText}）` : ''}进行了评价。`,
  ];
  if (data.cityResult !== undefined) {
    const c = data.cityResult;
    basic.push(`${c.unit.name}自评${c.normalized !== undefined ? `折算得分 ${fmtPoints(c.normalized)} 分` : `总分 ${fmtPoints(c.total)} 分`}${c.gradeTitle !== null ? `，评价等级“${c.gradeTitle}”` : ''}。`);
  }
  push('basic', '创建工作基本情况', basic);

  const practice: string[] = [];
  const areaTables: { head: string[]; rows: string[][]; numeric?: number[] }[] = [];
  for (const g of data.groups) {
    const ranked = g.areas.filter((a) => a.units > 0 && !a.bonus).sort((a, b) => b.percent - a.percent);
    if (ranked.length === 0) continue;
    const strong = data.strengths.find((x) => x.group === g.name)?.indicators ?? [];
    practice.push(`${multi ? `${g.name}：` : ''}各评价领域平均得分率从高到低依次为${ranked.map((a) => `“${a.title}”${fmtPct(a.percent)}`).join('、')}${strong.length > 0 ? `；做得较好的方面有${strong.map((i) => `“${i.title}”`).join('、')}` : ''}。`);
    areaTables.push({ head: [...(multi ? ['类别'] : []), '评价领域', '平均得分率'], rows: g.areas.filter((a) => a.units > 0).map((a) => [...(multi ? [g.name] : []), a.title, fmtPct(a.percent)]), numeric: [multi ? 2 : 1] });
  }
  push('practice', '主要做法和成效', practice.length > 0 ? practice : ['无评价结果。'], areaTables);

  push(
    'features',
    '特色做法',
    data.features.length > 0 ? [`${new Set(data.features.flatMap((f) => f.units.map((u) => u.id))).size} 个单位在先进经验方面取得成果：`] : ['本轮各单位均未取得先进经验加分。'],
    data.features.length > 0
      ? [{ head: [...(multi ? ['类别'] : []), '方面', '取得成果的单位'], rows: data.features.map((f) => [...(multi ? [f.group] : []), f.title, [...f.units].sort((a, b) => order(a.id) - order(b.id)).map((u) => u.name).join('、')]) }]
      : [],
  );

  const aspects = new Map<string, Set<string>>();
  for (const p of data.problems) {
    const k = `${p.area}\u0000${p.aspect}`;
    aspects.set(k, aspects.get(k) ?? new Set());
  }
  push(
    'problems',
    '存在问题',
    data.problems.length > 0 ? ['自检评估发现的问题主要在以下方面（已反馈有关单位整改）：'] : ['自检评估未发现扣分问题。'],
    data.problems.length > 0 ? [{ head: [...(multi ? ['类别'] : []), '评价领域', '方面', '涉及单位数'], rows: data.problems.map((p) => [...(multi ? [p.group] : []), p.area, p.aspect, String(p.units)]), numeric: [multi ? 3 : 2] }] : [],
  );
  // the aspects most units have problems in
  const nextAreas = [...data.problems].sort((a, b) => b.units - a.units).slice(0, 3).map((p) => p.aspect);
  push('next', '下一步工作', [
    nextAreas.length > 0
      ? `针对自检评估发现的问题，有关单位按整改建议逐项整改、逐项销号，重点加强${nextAreas.map((a) => `“${a}”`).join('、')}等方面工作，巩固创建成效。`
      : '巩固创建成效，建立常态化长效机制。',
  ]);
  // each unit's grade: by grade, units in the order given (no scores, no ranks)
  const gradeRows = data.groups.flatMap((g) =>
    g.grades.map((gr) => [
      ...(multi ? [g.name] : []),
      gr.title,
      String(gr.count),
      g.ranking
        .filter((r) => r.grade === gr.grade)
        .map((r) => r.unit)
        .sort((a, b) => order(a.id) - order(b.id))
        .map((u) => u.name)
        .join('、'),
    ]),
  );
  push('grades', '各单位评价等级', ['各单位评价等级如下（同一等级内按单位顺序排列）：'], [{ head: [...(multi ? ['类别'] : []), '等级', '单位数', '单位'], rows: gradeRows, numeric: [multi ? 2 : 1] }]);
  const notice: string[] = [];
  if (options.publicity !== undefined) notice.push(`公示期：${fmtDate(options.publicity.from)}至${fmtDate(options.publicity.to)}。`);
  notice.push(`公示期间如有意见，请${options.contact !== undefined ? `与${options.contact}联系` : '向市安委会办公室反映'}。`);
  push('notice', '公示说明', notice);
  const title = options.title ?? `${data.city ?? ''}国家安全发展示范城市创建自检评估结果公示`;
  const meta = [data.city, fmtDate(data.date)].filter((x): x is string => x !== undefined && x !== '');
  return renderDocument(title, meta, secs, `${data.city ?? ''}安全生产委员会办公室`, '');
}

function figure(svg: string, caption: string, cls = 'chart'): string {
  return `<figure class="${cls}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>\n`;
}

type HtmlRow = readonly string[] | { cells: readonly string[]; flagged: boolean };

function htmlTable(head: readonly string[], rows: readonly HtmlRow[], numeric: readonly number[] = [], cls0 = ''): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  const body = rows
    .map((r) => {
      const cells = 'cells' in r ? r.cells : r;
      const flagged = 'cells' in r && r.flagged;
      return `<tr${flagged ? ' class="flag"' : ''}>${cells.map((c, i) => `<td${cls(i)}>${escapeHtml(c).replace(/\r\n?|\n/g, '<br>')}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table${cls0 ? ` class="${cls0}"` : ''}><thead><tr>${head.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>\n`;
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = [], raw: readonly number[] = []): string {
  const align = head.map((_, i) => (numeric.includes(i) ? '---:' : '---'));
  const cell = (c: string, i: number) => (raw.includes(i) ? c : escapeMarkdownCell(c));
  return [
    `| ${head.map(escapeMarkdownCell).join(' | ')} |`,
    `|${align.join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n') + '\n';
}

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #222; font: 14px/1.6 ${CHART_FONT}; }
main { max-width: 1020px; margin: 0 auto; padding: 28px 32px 40px; }
header { border-bottom: 2px solid #2f5d9e; margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; color: #1d3c6e; }
h2 { font-size: 19px; margin: 28px 0 10px; color: #1d3c6e; border-left: 4px solid #2f5d9e; padding-left: 8px; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 15px; margin: 16px 0 6px; break-after: avoid; page-break-after: avoid; }
.meta { color: #555; margin: 0 0 8px; }
nav ol { margin: 0 0 12px; padding-left: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 2px 24px; } /* the headings carry their own numbers (一、 附件1) */
nav a { color: #2f5d9e; text-decoration: none; }
.note { color: #555; font-size: 13px; }
.note.thin { color: #8a4b00; }
.todo { background: #fff3bf; border: 1px dashed #b38600; color: #5c4500; padding: 4px 8px; font-weight: bold; }
section.appendix { font-size: 12px; color: #444; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13px; }
th, td { border: 1px solid #b9c2cf; padding: 4px 7px; vertical-align: top; text-align: left; }
thead th { background: #e7ecf3; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.facts { width: auto; min-width: 60%; }
table.compact { width: auto; min-width: 40%; }
table.facts th { background: #f3f5f8; white-space: nowrap; }
tr.flag td { background: #fbeaea; color: #8a1f1f; font-weight: bold; }
figure { margin: 10px 0 14px; text-align: center; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #666; }
.radar-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 6px; }
.radar-grid figure { margin: 0; border: 1px solid #e3e7ee; }
footer { margin-top: 28px; border-top: 1px solid #ccc; color: #777; font-size: 12px; word-break: break-all; }
@media print {
  body { font-size: 12px; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { margin-top: 18px; }
}
`;
