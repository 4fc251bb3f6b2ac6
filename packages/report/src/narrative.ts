/**
 * The figures behind the city report's narrative sections (二、主要做法和成效, 三、特色做法,
 * 四、存在问题, 五、下一步工作), computed from the cards.
 * @module
 */
import type { Ruleset, ScoreCard } from '@safecity/engine';
import { cardItems, milli, points, rulesetNodes, rulesetOf } from './util.js';

/**
 * A row of the rectification ledger (问题整改台账) as the report reads it: the unit, the item and
 * where its rectification stands. (The ledger itself is built elsewhere; any object with these
 * fields will do.)
 */
export interface RectificationStatusRow {
  /** The unit's id. */
  unit: string;
  /** The item's id. */
  itemId: string;
  /** 已销号 · 逾期 · 未开始 · 整改中. */
  status: 'closed' | 'overdue' | 'open' | 'ongoing';
  /** 整改时限 (`YYYY-MM-DD`). */
  due?: string;
}

/** An indicator (二级指标) where a group of units scores best. */
export interface StrongIndicator {
  area: string;
  title: string;
  /** Mean score rate over the units where it applies. */
  percent: number;
  units: number;
  /** Units with every point of it. */
  full: number;
}

/** A bonus item (加分项 / 鼓励项) earned by some units. */
export interface FeatureItem {
  id: string;
  title: string;
  /** The group (kind of units) it was earned in. */
  group: string;
  units: { id: string; name: string; points: number }[];
  /** Titles of the evidence fields the item is scored on (what the units reported for it). */
  reported: string[];
}

/** Deductions grouped by area (一级) and aspect (二级). */
export interface ProblemAspect {
  group: string;
  area: string;
  aspect: string;
  /** Units with a deduction under it. */
  units: number;
  /** Points deducted. */
  points: number;
  /** Items deducted under it. */
  items: number;
  /** The commonest reasons with how often they were given (at most three). */
  reasons: { reason: string; count: number }[];
}

/** An item still deducted, with what to do. */
export interface OpenItem {
  group: string;
  area: string;
  aspect: string;
  id: string;
  title: string;
  units: { id: string; name: string }[];
  points: number;
  /** 整改建议 given (distinct, at most three). */
  suggestions: string[];
  /** Ledger status counts for this item, when the ledger was given. */
  status?: Record<RectificationStatusRow['status'], number>;
  /** Units overdue on it (from the ledger) with their deadlines. */
  overdue?: { name: string; due?: string }[];
}

/**
 * A deduction that is a problem of the unit: not superseded, points lost, and not an item the
 * assessors have yet to grade (`ungraded`: their task, not the unit's to rectify).
 */
const counts = (d: { superseded?: boolean; points: number; code?: string; source: string }) => d.superseded !== true && milli(d.points) > 0 && !(d.code === 'ungraded' && d.source === 'rule');

/** Indicators (second-level nodes) by mean score rate, best first. */
export function strongIndicators(cards: readonly ScoreCard[], rulesets: readonly Ruleset[] | undefined, n = 3): StrongIndicator[] {
  const stats = new Map<string, { area: string; title: string; sum: number; units: number; full: number; order: number }>();
  let seq = 0;
  for (const c of cards) {
    const rs = rulesetOf(c, rulesets);
    const bonusId = rs?.bonus?.id;
    for (const a of c.nodes) {
      if (a.id === bonusId || /加分项|鼓励项/.test(a.title)) continue;
      for (const i of a.children ?? []) {
        if (!i.applicable || i.max <= 0) continue;
        const key = `${a.title}\u0000${i.title}`;
        const s = stats.get(key) ?? { area: a.title, title: i.title, sum: 0, units: 0, full: 0, order: seq++ };
        s.sum += Math.min(i.earned, i.max) / i.max;
        s.units += 1;
        if (milli(i.earned) >= milli(i.max)) s.full += 1;
        stats.set(key, s);
      }
    }
  }
  return [...stats.values()]
    .filter((s) => s.units > 0)
    .sort((a, b) => b.sum / b.units - a.sum / a.units || b.units - a.units || a.order - b.order)
    .slice(0, n)
    .map((s) => ({ area: s.area, title: s.title, percent: (s.sum / s.units) * 100, units: s.units, full: s.full }));
}

/** Field names an item's scoring reads (params naming declared fields, JsonLogic `var`s). */
function fieldsOf(node: unknown, declared: ReadonlySet<string>, out = new Set<string>()): Set<string> {
  if (typeof node === 'string') {
    if (declared.has(node)) out.add(node);
  } else if (Array.isArray(node)) for (const x of node) fieldsOf(x, declared, out);
  else if (node !== null && typeof node === 'object') for (const v of Object.values(node)) fieldsOf(v, declared, out);
  return out;
}

/** The bonus items earned, by item, with the units and what they reported (field titles). */
export function featureItems(cards: readonly ScoreCard[], rulesets: readonly Ruleset[] | undefined, groupOf: (c: ScoreCard) => string): FeatureItem[] {
  const out = new Map<string, FeatureItem>();
  for (const c of cards) {
    const rs = rulesetOf(c, rulesets);
    const nodes = rs !== undefined ? rulesetNodes(rs) : undefined;
    const declared = new Map((rs?.fields ?? []).map((f) => [f.name, f.title.zh]));
    for (const { node, bonus } of cardItems(c, rs)) {
      if (!bonus || !node.applicable || !(milli(node.earned) > 0)) continue;
      const group = groupOf(c);
      const key = `${group}\u0000${node.id}`;
      let f = out.get(key);
      if (f === undefined) {
        const src = nodes?.get(node.id);
        const reported = src !== undefined ? [...fieldsOf(src.scoring, new Set(declared.keys()))].map((n) => declared.get(n)!) : [];
        f = { id: node.id, title: node.title, group, units: [], reported };
        out.set(key, f);
      }
      f.units.push({ id: c.unit.id, name: c.unit.name, points: node.earned });
    }
  }
  for (const f of out.values()) f.units.sort((a, b) => b.points - a.points || (a.id < b.id ? -1 : 1));
  return [...out.values()];
}

/** Base-tree deductions grouped by area and aspect, in tree order. */
export function problemAspects(cards: readonly ScoreCard[], rulesets: readonly Ruleset[] | undefined, groupOf: (c: ScoreCard) => string): ProblemAspect[] {
  const stats = new Map<string, { group: string; area: string; aspect: string; units: Set<string>; milli: number; items: Set<string>; reasons: Map<string, number>; order: number }>();
  const groups: string[] = [];
  const groupOrder = (g: string) => (groups.includes(g) ? groups.indexOf(g) : groups.push(g) - 1);
  for (const c of cards) {
    for (const { node, ancestors, bonus } of cardItems(c, rulesetOf(c, rulesets))) {
      if (bonus || !node.applicable) continue;
      const ds = (node.deductions ?? []).filter(counts);
      if (ds.length === 0) continue;
      const area = ancestors[0]?.title ?? node.title;
      const aspect = ancestors[1]?.title ?? area;
      const group = groupOf(c);
      const key = `${group}\u0000${area}\u0000${aspect}`;
      let s = stats.get(key);
      if (s === undefined) {
        // tree order: the area's place among the top-level nodes, then the aspect's within it
        const ai = ancestors[0] !== undefined ? c.nodes.indexOf(ancestors[0]) : 0;
        const si = ancestors[1] !== undefined ? (ancestors[0]?.children ?? []).indexOf(ancestors[1]) : 0;
        s = { group, area, aspect, units: new Set(), milli: 0, items: new Set(), reasons: new Map(), order: groupOrder(group) * 1e6 + ai * 1e3 + si };
        stats.set(key, s);
      }
      s.units.add(c.unit.id);
      s.items.add(node.id);
      for (const d of ds) {
        s.milli += milli(d.points);
        s.reasons.set(d.reason, (s.reasons.get(d.reason) ?? 0) + 1);
      }
    }
  }
  return [...stats.values()]
    .sort((a, b) => a.order - b.order)
    .map((s) => ({
      group: s.group,
      area: s.area,
      aspect: s.aspect,
      units: s.units.size,
      points: points(s.milli),
      items: s.items.size,
      reasons: [...s.reasons]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([reason, count]) => ({ reason, count })),
    }));
}

/** Items still deducted on the cards, with suggestions and, given the ledger, their status. */
export function openItems(
  cards: readonly ScoreCard[],
  rulesets: readonly Ruleset[] | undefined,
  groupOf: (c: ScoreCard) => string,
  ledger: readonly RectificationStatusRow[] | undefined,
): OpenItem[] {
  const out = new Map<string, OpenItem & { milli: number; order: number }>();
  const names = new Map(cards.map((c) => [c.unit.id, c.unit.name]));
  let seq = 0;
  for (const c of cards) {
    for (const { node, ancestors, bonus } of cardItems(c, rulesetOf(c, rulesets))) {
      if (bonus || !node.applicable) continue;
      const ds = (node.deductions ?? []).filter(counts);
      if (ds.length === 0) continue;
      const group = groupOf(c);
      const key = `${group}\u0000${node.id}`;
      let o = out.get(key);
      if (o === undefined) {
        o = { group, area: ancestors[0]?.title ?? node.title, aspect: ancestors[1]?.title ?? ancestors[0]?.title ?? node.title, id: node.id, title: node.title, units: [], points: 0, suggestions: [], milli: 0, order: seq++ };
        out.set(key, o);
      }
      o.units.push({ id: c.unit.id, name: c.unit.name });
      for (const d of ds) {
        o.milli += milli(d.points);
        const s = d.suggestion ?? node.suggestion;
        if (s !== undefined && s !== '' && !o.suggestions.includes(s) && o.suggestions.length < 3) o.suggestions.push(s);
      }
      if (node.suggestion !== undefined && !o.suggestions.includes(node.suggestion) && o.suggestions.length < 3) o.suggestions.push(node.suggestion);
    }
  }
  const items = [...out.values()];
  if (ledger !== undefined) {
    for (const o of items) {
      const ids = new Set(o.units.map((u) => u.id));
      const rows = ledger.filter((r) => r.itemId === o.id && ids.has(r.unit));
      const status = { closed: 0, overdue: 0, open: 0, ongoing: 0 };
      for (const r of rows) if (r.status in status) status[r.status] += 1;
      o.status = status;
      o.overdue = rows.filter((r) => r.status === 'overdue').map((r) => (r.due !== undefined ? { name: names.get(r.unit) ?? r.unit, due: r.due } : { name: names.get(r.unit) ?? r.unit }));
    }
  }
  return items
    .sort((a, b) => b.units.length - a.units.length || b.milli - a.milli || a.order - b.order)
    .map(({ milli: m, order: _o, ...o }) => ({ ...o, points: points(m) }));
}
