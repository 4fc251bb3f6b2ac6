/**
 * A round's results as evidence: the city's own rubric (城市自评, re-checked by the province on
 * the national rubric) is a ruleset like any other, whose fields declare how their values are
 * computed from the units' scorecards and evidence (`aggregate`), and whose `consistency`
 * checks compare a city-wide figure with the units' figures (数据核查·准确性).
 *
 * `roundEvidence` computes the city's evidence from the round; score it with the city ruleset
 * as any unit's: `city.score(roundEvidence(city, cityUnit, round))`. Every value carries its
 * sources — the units it came from, worst first — so every point the city loses names them.
 * `checkConsistency` runs the checks and turns each failure that names an item into a
 * data-check rejection of the figure on the reporting unit's card.
 *
 * Pure: no I/O, no Node built-ins; the same round gives the same result whatever the order
 * of its cards, evidence or rulesets.
 *
 * ## What an aggregate reads (`of`)
 *
 * - `{ node }` — a unit's earned points on that item or group as a % of its applicable max
 *   (card node `earned / max × 100`, rounded half-up to 3 decimals); units where it is not
 *   applicable (max 0) are left out.
 * - `{ field }` — a value the unit reported in its evidence (needs `round.evidence`); units
 *   that did not report it are left out. `true`/`false` count as 1/0, a document list as the
 *   number of its documents.
 * - `{ score }` — the card's `normalized`, `total` or `earned` (units without `normalized`
 *   are left out of it).
 * - `{ veto }` — 1 when that veto (or with `"*"` any veto) fired on the card, else 0.
 *
 * `from` picks the cards: `ruleset` (the id they were scored under), `kinds`, `units`. The
 * city's own card (the unit given, or any card of the city ruleset) is never read. With
 * `lead: true` (only with `of.node`), for every item under the node in the units' ruleset that
 * declares a `lead` (牵头单位), only the lead unit's card is read, on that item: one value per
 * city-wide indicator (责任唯一). Partners' contributions are not the indicator.
 *
 * ## How values combine (`op`)
 *
 * `sum`, `mean`, `min`, `max` of the values; `pooled` (node only): Σ earned ÷ Σ applicable
 * max × 100 (with `lead`, over the lead items); `share`: % of units meeting `bar`; `count`:
 * units meeting `bar`; `any`: whether any value is true or above 0. Without a `bar`, a unit
 * meets it when its value is true or above 0. A mean of rates averages the units' rates as
 * rounded to 3 decimals. Every non-integer result is rounded half-up to 3 decimals.
 *
 * **No unit with a value → the field is not reported (`null`)**: an item reading it loses its
 * points with 未提供佐证材料, as a unit's item does, unless the city ruleset declares the item
 * 不适用 by an applicability condition (e.g. `{"!=": [{"var": "f"}, null]}` where no unit
 * having the item is a genuine exemption). A missing figure is a gap, never an exemption by
 * default.
 *
 * ## Sources
 *
 * `sources[field]` names the units a value came from, as text an official reads, worst first
 * then by unit id: "临潼区 3.1.2.4.1 市政消火栓完好：0.6/1分", "高陵区：较大及以上生产安全事故（否决）",
 * "高陵区：较大及以上生产安全事故起数 1起". Units that took nothing from the value (full marks,
 * a veto not fired, a count of 0, a unit not counted) are not named one by one but summed up
 * at the end ("其余19个单位本项满分"). A lead whose card is missing is noted too.
 * @module
 */
import { EvidenceError, type Issue } from './errors.js';
import type { CompiledRuleset } from './engine.js';
import type { Aggregate, Consistency, EvidenceField, FieldValue, Finding, Node, Unit, UnitEvidence } from './model.js';
import type { ScoreCard, ScoreNode } from './scorecard.js';
import { fromMilli, hasAtMostThreeDecimals, roundDiv, roundToMilli, toMilli } from './points.js';
import { pick, type Lang, type LocalText } from './text.js';

/** The results of one round: the units' cards, and optionally their evidence and rulesets. */
export interface Round {
  /** The units' scorecards (one per unit). The city's own card, if given, is not read. */
  cards: readonly ScoreCard[];
  /** The units' evidence (one per unit with a card): needed by `of.field` aggregates and by consistency checks. */
  evidence?: readonly UnitEvidence[];
  /**
   * The rulesets the cards were scored under (compiled): needed by `from.lead` and `leadOf`
   * (who leads which item), and used for field titles. When given, every card's ruleset must
   * be among them, at the card's version.
   */
  rulesets?: readonly CompiledRuleset[];
  /** Language of the sources and messages (default `zh`). */
  lang?: Lang;
}

/** A unit's figure in a consistency check, with where it was reported. */
export interface ConsistencyFigure {
  unit: { id: string; name: string; kind: string };
  value: number;
  /** Where it was reported: the evidence's sources (file and cell or JSON pointer), else the unit's name. */
  places: string[];
}

/** A consistency check that failed: both places, in words. */
export interface Inconsistency {
  id: string;
  title: string;
  ok: false;
  /** What is wrong, naming both places. */
  message: { zh: string; en: string };
  /** The field compared. */
  field: string;
  expect: Consistency['expect'];
  /** The city-wide figure, and the ruleset its unit is scored under. */
  figure: ConsistencyFigure & { ruleset: string };
  /** What it was compared with: the units' sum, lowest or highest figure (for `within`, their range). */
  against: { op: Consistency['against']['op']; value: number | { min: number; max: number }; units: ConsistencyFigure[] };
  /** The data-check rejection it became (when the check names an item). */
  finding?: { unit: string; finding: Finding };
}

/** The outcome of `checkConsistency`. */
export interface ConsistencyResult {
  inconsistencies: Inconsistency[];
  /** The rejections, by unit id: give them to the units' scoring with their other findings. */
  findings: Record<string, Finding[]>;
  /** The ids of the checks that held. */
  passed: string[];
  /** Checks that could not run (no card, nothing reported), and why. */
  skipped: Array<{ id: string; title: string; reason: { zh: string; en: string } }>;
}

// ── the round, indexed and checked ──────────────────────────────────────────────────────

interface CardAt {
  card: ScoreCard;
  at: number;
}

interface Indexed {
  /** The units' cards (not the city's), by unit id, in unit id order. */
  cards: CardAt[];
  byUnit: Map<string, CardAt>;
  evidence: Map<string, UnitEvidence> | undefined;
  /** Where each unit's evidence is in `round.evidence`. */
  evidenceAt: Map<string, number>;
  rulesets: Map<string, CompiledRuleset>;
  lang: Lang;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function indexRound(city: CompiledRuleset, cityUnitId: string | undefined, round: Round, issues: Issue[]): Indexed {
  if (!isObject(round) || !Array.isArray(round.cards)) {
    throw new EvidenceError([{ path: '/cards', message: 'a round is { cards: ScoreCard[], evidence?: UnitEvidence[], rulesets?: CompiledRuleset[] }' }], 'Invalid round');
  }
  const lang: Lang = round.lang === 'en' ? 'en' : 'zh';
  const rulesets = new Map<string, CompiledRuleset>();
  (round.rulesets ?? []).forEach((r, i) => {
    if (!isObject(r) || typeof r.id !== 'string' || typeof r.score !== 'function') {
      issues.push({ path: `/rulesets/${i}`, message: 'expected a compiled ruleset (engine.compile(…))' });
      return;
    }
    const seen = rulesets.get(r.id);
    if (seen !== undefined && seen !== r) issues.push({ path: `/rulesets/${i}`, message: `ruleset "${r.id}" is given twice` });
    rulesets.set(r.id, r);
  });
  const byUnit = new Map<string, CardAt>();
  round.cards.forEach((card, at) => {
    const c = card as unknown as Record<string, unknown>;
    const unit = isObject(c) ? c['unit'] : undefined;
    const rs = isObject(c) ? c['ruleset'] : undefined;
    if (!isObject(c) || !isObject(unit) || typeof unit['id'] !== 'string' || typeof unit['name'] !== 'string' || !isObject(rs) || typeof rs['id'] !== 'string' || !Array.isArray(c['nodes'])) {
      issues.push({ path: `/cards/${at}`, message: 'not a ScoreCard (expected ruleset, unit, nodes, … as ruleset.score gives them)' });
      return;
    }
    // The city's own card is never evidence for itself.
    if (card.unit.id === cityUnitId || card.ruleset.id === city.id) return;
    const twice = byUnit.get(card.unit.id);
    if (twice !== undefined) {
      issues.push({ path: `/cards/${at}`, message: `unit "${card.unit.id}" (${card.unit.name}) has a card twice: /cards/${twice.at} and /cards/${at}` });
      return;
    }
    if (rulesets.size > 0) {
      const r = rulesets.get(card.ruleset.id);
      if (r === undefined) {
        issues.push({
          path: `/cards/${at}/ruleset`,
          message: `the card of ${card.unit.name} (${card.unit.id}) was scored under "${card.ruleset.id}", which is not among the rulesets given (${[...rulesets.keys()].join(', ')})`,
        });
      } else if (r.version !== card.ruleset.version) {
        issues.push({
          path: `/cards/${at}/ruleset/version`,
          message: `the card of ${card.unit.name} (${card.unit.id}) was scored under ${card.ruleset.id} ${card.ruleset.version}, but the ruleset given is ${r.version}: score the unit again, or give that version`,
        });
      }
    }
    byUnit.set(card.unit.id, { card, at });
  });
  let evidence: Map<string, UnitEvidence> | undefined;
  const at = new Map<string, number>();
  if (round.evidence !== undefined) {
    evidence = new Map();
    round.evidence.forEach((e, i) => {
      if (!isObject(e) || !isObject(e.unit) || typeof e.unit.id !== 'string' || !isObject(e.values)) {
        issues.push({ path: `/evidence/${i}`, message: 'expected a unit\'s evidence { unit, values, sources? }' });
        return;
      }
      if (e.unit.id === cityUnitId) return;
      const j = at.get(e.unit.id);
      if (j !== undefined) {
        issues.push({ path: `/evidence/${i}`, message: `unit "${e.unit.id}" has evidence twice: /evidence/${j} and /evidence/${i} (merge a unit's parts first: mergeEvidence)` });
        return;
      }
      at.set(e.unit.id, i);
      if (!byUnit.has(e.unit.id)) {
        issues.push({ path: `/evidence/${i}/unit`, message: `evidence of ${e.unit.name ?? e.unit.id} (${e.unit.id}), which has no card in the round` });
        return;
      }
      evidence!.set(e.unit.id, e);
    });
  }
  const cards = [...byUnit.values()].sort((a, b) => byId(a.card.unit.id, b.card.unit.id));
  return { cards, byUnit, evidence, evidenceAt: at, rulesets, lang };
}

const nodeMaps = new WeakMap<ScoreCard, Map<string, ScoreNode>>();
/** A card's node by id (items, groups, the bonus bucket). */
function nodeOf(card: ScoreCard, id: string): ScoreNode | undefined {
  let m = nodeMaps.get(card);
  if (m === undefined) {
    m = new Map();
    const walk = (ns: readonly ScoreNode[]) => {
      for (const n of ns) {
        if (!m!.has(n.id)) m!.set(n.id, n);
        if (n.children) walk(n.children);
      }
    };
    walk(card.nodes);
    nodeMaps.set(card, m);
  }
  return m.get(id);
}

/** A ruleset's node (tree or bonus) by id. */
function rulesetNode(r: CompiledRuleset, id: string): Node | undefined {
  const find = (ns: readonly Node[]): Node | undefined => {
    for (const n of ns) {
      if (n.id === id) return n;
      const inner = n.children ? find(n.children as Node[]) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  if (r.source.bonus !== undefined && r.source.bonus.id === id) return { id, title: r.source.bonus.title, max: r.source.bonus.cap, children: r.source.bonus.items } as Node;
  return find(r.source.tree as Node[]) ?? find((r.source.bonus?.items ?? []) as Node[]);
}

/** The items under a node (or the node itself) that declare a lead, in ruleset order. */
function leadItems(n: Node): Array<{ id: string; lead: string }> {
  const out: Array<{ id: string; lead: string }> = [];
  const walk = (x: Node) => {
    if (x.children) for (const c of x.children as Node[]) walk(c);
    else if (x.lead !== undefined) out.push({ id: x.id, lead: x.lead });
  };
  walk(n);
  return out;
}

// ── values ──────────────────────────────────────────────────────────────────────────────

/** One unit's (or, with `lead`, one lead item's) part in an aggregate. */
interface Part {
  unit: { id: string; name: string; kind: string };
  /** Tie-break key: unit id, then the item. */
  key: string;
  /** The value as a number (rates in %; true/false as 1/0). */
  value: number;
  /** Of `of.node`: earned, max (thousandths) and the rate (thousandths of a %). */
  e?: number;
  m?: number;
  r?: number;
  text: string;
}

const RATE_FULL = 100_000;

function numeric(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v)) return v.length;
  return undefined;
}

/** A field's value as an official reads it: 是/否, "1起", "85%", "3份". */
function showValue(v: FieldValue | undefined, f: EvidenceField | undefined, lang: Lang): string {
  if (typeof v === 'boolean') return lang === 'en' ? (v ? 'yes' : 'no') : v ? '是' : '否';
  if (Array.isArray(v)) return lang === 'en' ? `${v.length} documents` : `${v.length}份`;
  if (typeof v === 'number') {
    const unit = f?.type === 'rate' ? '%' : (f?.unit ?? '');
    return `${v}${unit}`;
  }
  return String(v);
}

const SCORE_LABEL: Record<string, LocalText> = {
  normalized: { zh: '规范化得分', en: 'normalized score' },
  total: { zh: '总分', en: 'total' },
  earned: { zh: '基础得分', en: 'earned' },
};

const OP_TEXT: Record<string, LocalText> = {
  '<': { zh: '低于', en: 'below' },
  '<=': { zh: '不高于', en: 'at most' },
  '>': { zh: '高于', en: 'above' },
  '>=': { zh: '不低于', en: 'at least' },
  '=': { zh: '等于', en: 'equal to' },
};

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return a === b;
  }
}

/** Sum of values, exact where they have at most three decimals. */
function sumOf(xs: readonly number[]): number {
  if (xs.every(hasAtMostThreeDecimals)) return fromMilli(xs.reduce((s, x) => s + toMilli(x), 0));
  return roundToMilli(xs.reduce((s, x) => s + x, 0)) / 1000;
}

/** Mean of values, rounded half-up to three decimals (exact where they have at most three). */
function meanOf(xs: readonly number[]): number {
  if (xs.every(hasAtMostThreeDecimals)) {
    const s = xs.reduce((a, x) => a + toMilli(x), 0);
    return fromMilli(s >= 0 ? roundDiv(s, xs.length) : -roundDiv(-s, xs.length));
  }
  return roundToMilli(xs.reduce((s, x) => s + x, 0) / xs.length) / 1000;
}

/** Whether a part meets the aggregate's bar (without one: true or above 0). */
function meets(a: Aggregate, p: Part): boolean {
  const v = p.r !== undefined ? p.r / 1000 : p.value;
  return a.bar === undefined ? v > 0 : compare(v, a.bar.op, a.bar.value);
}

function combine(a: Aggregate, parts: readonly Part[]): FieldValue {
  if (parts.length === 0) return null;
  const n = parts.length;
  if ('node' in a.of) {
    const rs = parts.map((p) => p.r as number);
    switch (a.op) {
      case 'pooled': {
        const e = parts.reduce((s, p) => s + (p.e as number), 0);
        const m = parts.reduce((s, p) => s + (p.m as number), 0);
        return fromMilli(roundDiv(e * RATE_FULL, m));
      }
      case 'mean':
        return fromMilli(roundDiv(rs.reduce((s, r) => s + r, 0), n));
      case 'min':
        return fromMilli(Math.min(...rs));
      case 'max':
        return fromMilli(Math.max(...rs));
      case 'sum':
        return fromMilli(rs.reduce((s, r) => s + r, 0));
      default:
        break;
    }
  }
  const vs = parts.map((p) => p.value);
  switch (a.op) {
    case 'sum':
      return sumOf(vs);
    case 'mean':
    case 'pooled':
      return meanOf(vs);
    case 'min':
      return Math.min(...vs);
    case 'max':
      return Math.max(...vs);
    case 'share':
      return fromMilli(roundDiv(parts.filter((p) => meets(a, p)).length * RATE_FULL, n));
    case 'count':
      return parts.filter((p) => meets(a, p)).length;
    case 'any':
      return parts.some((p) => p.value > 0);
  }
}

/** Whether a part took nothing from the value (named only in the closing summary). */
function neutral(a: Aggregate, p: Part): boolean {
  if (a.op === 'share') return meets(a, p);
  if (a.op === 'count' || a.op === 'any') return !meets(a, p);
  if ('node' in a.of) return p.r === RATE_FULL;
  if ('veto' in a.of) return p.value === 0;
  if ('field' in a.of) return (a.op === 'sum' || a.op === 'max') && p.value === 0;
  return false;
}

/** Worst first: +1 when higher values are worse. */
function worseWhenHigher(a: Aggregate): boolean {
  const lowBar = a.bar !== undefined && (a.bar.op === '<' || a.bar.op === '<=');
  if (a.op === 'share') return lowBar;
  if (a.op === 'count' || a.op === 'any') return !lowBar;
  if ('veto' in a.of) return true;
  if ('field' in a.of) return a.op === 'sum' || a.op === 'max';
  return false;
}

function summary(a: Aggregate, count: number, lead: boolean, lang: Lang, f: EvidenceField | undefined): string {
  const en = lang === 'en';
  const who = en ? `${count} other ${lead ? 'lead indicators' : 'units'}` : `其余${count}${lead ? '项牵头指标' : '个单位'}`;
  const isNode = 'node' in a.of;
  if (a.op === 'share' || (a.bar !== undefined && (a.op === 'count' || a.op === 'any'))) {
    const cond =
      a.bar === undefined
        ? en
          ? isNode ? 'points above 0' : 'true or above 0'
          : isNode ? '得分大于0' : '为是或大于0'
        : `${pick(OP_TEXT[a.bar.op], lang)}${en ? ' ' : ''}${a.bar.value}${isNode ? '%' : ''}`;
    const met = a.op === 'share';
    return en ? `${who} ${met ? 'meet' : 'do not meet'} the bar (${cond})` : `${who}${met ? '满足' : '不满足'}条件（${cond}）`;
  }
  const counting = a.op === 'count' || a.op === 'any';
  if (isNode) return counting ? (en ? `${who}: no points` : `${who}本项未得分`) : en ? `${who} at full marks` : `${who}${lead ? '' : '本项'}满分`;
  if ('veto' in a.of) return en ? `${who}: not vetoed` : `${who}未触发否决`;
  if ('score' in a.of) return en ? `${who}: 0` : `${who}：0`;
  const zero = f?.type === 'boolean' ? (en ? 'no' : '否') : `0${f?.type === 'rate' ? '%' : (f?.unit ?? '')}`;
  return en ? `${who}: ${zero}` : `${who}：${zero}`;
}

/** The parts of one aggregate field, in no particular order; notes on what could not be read. */
function partsOf(
  city: CompiledRuleset,
  field: EvidenceField,
  fi: number,
  ix: Indexed,
  issues: Issue[],
): { parts: Part[]; notes: string[]; lead: boolean } {
  const a = field.aggregate as Aggregate;
  const at = `${city.id}#/fields/${fi}/aggregate`;
  const lang = ix.lang;
  const en = lang === 'en';
  const from = a.from;
  const pickCard = (c: ScoreCard) =>
    (from.ruleset === undefined || c.ruleset.id === from.ruleset) &&
    (from.kinds === undefined || from.kinds.includes(c.unit.kind)) &&
    (from.units === undefined || from.units.includes(c.unit.id));
  const cards = ix.cards.map((c) => c.card).filter(pickCard);
  const parts: Part[] = [];
  const notes: string[] = [];
  const unitOf = (c: ScoreCard) => ({ id: c.unit.id, name: c.unit.name, kind: c.unit.kind });

  if ('node' in a.of) {
    const nodeId = a.of.node;
    const nodePart = (c: ScoreCard, n: ScoreNode): Part | undefined => {
      if (!n.applicable || !(n.max > 0)) return undefined;
      const e = toMilli(n.earned);
      const m = toMilli(n.max);
      const r = roundDiv(Math.max(0, e) * RATE_FULL, m);
      return {
        unit: unitOf(c),
        key: `${c.unit.id}\u0000${n.id}`,
        value: fromMilli(r),
        e,
        m,
        r,
        text: en ? `${c.unit.name} ${n.id} ${n.title}: ${n.earned}/${n.max}` : `${c.unit.name} ${n.id} ${n.title}：${n.earned}/${n.max}分`,
      };
    };
    const known = from.ruleset === undefined ? undefined : ix.rulesets.get(from.ruleset);
    if (from.lead === true) {
      if (from.ruleset === undefined) {
        issues.push({ path: `${at}/from`, message: `field "${field.name}" picks the leads (牵头单位) of the items under "${nodeId}": name the units' ruleset in "from.ruleset"` });
        return { parts, notes, lead: true };
      }
      if (known === undefined) {
        issues.push({
          path: '/rulesets',
          message: `field "${field.name}" of ${city.id} reads the leads (牵头单位) of ${from.ruleset}'s items: give that ruleset in the round's rulesets`,
        });
        return { parts, notes, lead: true };
      }
      const node = rulesetNode(known, nodeId);
      if (node === undefined) {
        issues.push({ path: `${at}/of/node`, message: `"${nodeId}" is no item or group of ${known.id}` });
        return { parts, notes, lead: true };
      }
      for (const item of leadItems(node)) {
        const c = cards.find((x) => x.unit.id === item.lead);
        if (c === undefined) {
          notes.push(en ? `${item.lead} (lead of ${item.id}): no card, left out` : `${item.lead}（${item.id}牵头单位）：无评分卡，未计入`);
          continue;
        }
        const n = nodeOf(c, item.id);
        const p = n === undefined ? undefined : nodePart(c, n);
        if (p !== undefined) parts.push(p);
      }
      return { parts, notes, lead: true };
    }
    if (known !== undefined && rulesetNode(known, nodeId) === undefined) {
      issues.push({ path: `${at}/of/node`, message: `"${nodeId}" is no item or group of ${known.id}` });
      return { parts, notes, lead: false };
    }
    let seen = false;
    for (const c of cards) {
      const n = nodeOf(c, nodeId);
      if (n === undefined) continue;
      seen = true;
      const p = nodePart(c, n);
      if (p !== undefined) parts.push(p);
    }
    if (!seen && cards.length > 0) {
      issues.push({ path: `${at}/of/node`, message: `"${nodeId}" is on none of the ${cards.length} cards field "${field.name}" reads` });
    }
    return { parts, notes, lead: false };
  }

  if ('veto' in a.of) {
    const id = a.of.veto;
    for (const c of cards) {
      const fired = (c.vetoes ?? []).filter((v) => id === '*' || v.id === id);
      parts.push({
        unit: unitOf(c),
        key: c.unit.id,
        value: fired.length > 0 ? 1 : 0,
        text:
          fired.length > 0
            ? en
              ? `${c.unit.name}: ${fired.map((v) => v.title).join(', ')} (veto)`
              : `${c.unit.name}：${fired.map((v) => v.title).join('、')}（否决）`
            : en
              ? `${c.unit.name}: not vetoed`
              : `${c.unit.name}：未触发否决`,
      });
    }
    return { parts, notes, lead: false };
  }

  if ('score' in a.of) {
    const which = a.of.score;
    for (const c of cards) {
      const v = c[which];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const label = pick(SCORE_LABEL[which], lang);
      parts.push({ unit: unitOf(c), key: c.unit.id, value: v, text: en ? `${c.unit.name}: ${label} ${v}` : `${c.unit.name}：${label} ${v}` });
    }
    return { parts, notes, lead: false };
  }

  // of.field: the units' evidence.
  const name = a.of.field;
  if (ix.evidence === undefined) {
    issues.push({ path: '/evidence', message: `field "${field.name}" of ${city.id} reads the units' reported "${name}": give the units' evidence in the round` });
    return { parts, notes, lead: false };
  }
  for (const c of cards) {
    const e = ix.evidence.get(c.unit.id);
    if (e === undefined || !Object.prototype.hasOwnProperty.call(e.values, name)) continue;
    const raw = e.values[name];
    if (raw === null || raw === undefined) continue;
    const v = numeric(raw);
    if (v === undefined) {
      issues.push({ path: `/evidence/${ix.evidenceAt.get(c.unit.id)}/values/${name}`, message: `"${name}" of ${c.unit.name} (${c.unit.id}) is ${JSON.stringify(raw)}: only numbers, yes/no and document lists can be ${a.op === 'count' ? 'counted' : 'combined'}` });
      continue;
    }
    const f = ix.rulesets.get(c.ruleset.id)?.fields.find((x) => x.name === name);
    const title = f === undefined ? name : pick(f.title, lang);
    parts.push({ unit: unitOf(c), key: c.unit.id, value: v, text: en ? `${c.unit.name}: ${title} ${showValue(raw, f, lang)}` : `${c.unit.name}：${title} ${showValue(raw, f, lang)}` });
  }
  return { parts, notes, lead: false };
}

/** The sources of a value: the parts that took from it, worst first, then the rest summed up, then notes. */
function sourcesOf(a: Aggregate, parts: readonly Part[], notes: readonly string[], lead: boolean, lang: Lang, f: EvidenceField | undefined): string[] {
  const high = worseWhenHigher(a);
  const named = parts.filter((p) => !neutral(a, p));
  const rest = parts.length - named.length;
  named.sort((x, y) => {
    const vx = x.r ?? toMilli(x.value);
    const vy = y.r ?? toMilli(y.value);
    if (vx !== vy) return high ? vy - vx : vx - vy;
    return byId(x.key, y.key);
  });
  const out = named.map((p) => p.text);
  if (rest > 0) out.push(summary(a, rest, lead, lang, f));
  out.push(...notes);
  return out;
}

/**
 * The city's evidence computed from a round: a value for every field of `city` that declares
 * an `aggregate`, and for each its `sources` (the units it came from, worst first). Fields
 * without an aggregate are not set (merge the city's own figures in, if it reports any).
 *
 * Throws EvidenceError listing every problem: a unit with two cards, a card (or evidence)
 * that is not one, evidence of a unit without a card, a card whose ruleset is not among
 * `round.rulesets` (when given) or not at its version, a `from.lead` or `leadOf` whose
 * ruleset was not given, a node that is on no card, a field aggregate without evidence.
 *
 * ```ts
 * const evidence = roundEvidence(city, cityUnit, { cards, evidence, rulesets: [municipal, district] });
 * const card = city.score(evidence);   // the city's ScoreCard: every deduction cites the units
 * ```
 */
export function roundEvidence(city: CompiledRuleset, unit: Unit, round: Round): UnitEvidence {
  const issues: Issue[] = [];
  const ix = indexRound(city, unit?.id, round, issues);
  const values: Record<string, FieldValue> = {};
  const sources: Record<string, string[]> = {};
  city.fields.forEach((field, fi) => {
    if (field.aggregate === undefined) return;
    const { parts, notes, lead } = partsOf(city, field, fi, ix, issues);
    const value = combine(field.aggregate, parts);
    values[field.name] = value;
    // The field's unit of measure as the units' rulesets declare it, for the summary line.
    const a = field.aggregate;
    const unitField = 'field' in a.of ? firstField(ix, a.of.field) : undefined;
    const s = sourcesOf(a, parts, notes, lead, ix.lang, unitField);
    if (s.length > 0) sources[field.name] = s;
  });
  if (issues.length > 0) throw new EvidenceError(issues, 'The round does not fit the city ruleset');
  return { unit: { ...unit }, values, sources };
}

function firstField(ix: Indexed, name: string): EvidenceField | undefined {
  for (const r of [...ix.rulesets.values()].sort((a, b) => byId(a.id, b.id))) {
    const f = r.fields.find((x) => x.name === name);
    if (f !== undefined) return f;
  }
  return undefined;
}

// ── consistency ─────────────────────────────────────────────────────────────────────────

const EXPECT_TEXT: Record<string, (agg: LocalText) => LocalText> = {
  '>=': (agg) => ({ zh: `不低于${agg.zh}`, en: `at least ${agg.en}` }),
  '<=': (agg) => ({ zh: `不高于${agg.zh}`, en: `at most ${agg.en}` }),
  '=': (agg) => ({ zh: `等于${agg.zh}`, en: `equal to ${agg.en}` }),
  within: () => ({ zh: '在其最低值与最高值之间', en: 'within their range' }),
};
const AGG_LABEL: Record<string, LocalText> = {
  sum: { zh: '其合计', en: 'their sum' },
  min: { zh: '其最低值', en: 'their lowest' },
  max: { zh: '其最高值', en: 'their highest' },
};

/**
 * Run the city ruleset's consistency checks (数据核查·准确性) on a round: each compares a
 * city-wide figure (reported by `figure.unit`, or by the lead of `figure.leadOf`) with the sum,
 * lowest or highest of the other units' figures (those under `against.ruleset`, of
 * `against.kinds`), or their range (`within`). A check that fails is listed with both places
 * (the evidence's sources: file and cell or JSON pointer; else the unit's name); with
 * `finding` it also becomes a data-check rejection (`accuracy`) of the figure on that item of
 * the reporting unit — pass `findings[unit]` to that unit's scoring with its other findings.
 * A check whose figure or units' figures were not reported is skipped, with the reason.
 *
 * Throws EvidenceError as `roundEvidence` does, and when no evidence was given, a `leadOf`
 * ruleset is missing, or a `finding.item` is not an item of the figure's ruleset that reads
 * the field.
 */
export function checkConsistency(city: CompiledRuleset, round: Round): ConsistencyResult {
  const issues: Issue[] = [];
  const ix = indexRound(city, undefined, round, issues);
  const checks = (city.source.consistency ?? []) as readonly Consistency[];
  const result: ConsistencyResult = { inconsistencies: [], findings: {}, passed: [], skipped: [] };
  if (checks.length > 0 && ix.evidence === undefined) {
    issues.push({ path: '/evidence', message: `the consistency checks of ${city.id} compare the units' reported figures: give the units' evidence in the round` });
  }
  if (issues.length > 0) throw new EvidenceError(issues, 'The round does not fit the city ruleset');
  const lang = ix.lang;
  const evidence = ix.evidence as Map<string, UnitEvidence>;

  checks.forEach((c, ci) => {
    const at = `${city.id}#/consistency/${ci}`;
    const title = pick(c.title, lang);
    const skip = (zh: string, en: string) => result.skipped.push({ id: c.id, title, reason: { zh, en } });
    const figRuleset = ix.rulesets.get(c.figure.ruleset);
    let figUnitId = c.figure.unit;
    if (c.figure.leadOf !== undefined) {
      if (figRuleset === undefined) {
        issues.push({ path: '/rulesets', message: `consistency check "${c.id}" reads the lead of ${c.figure.ruleset}'s item ${c.figure.leadOf}: give that ruleset in the round's rulesets` });
        return;
      }
      const n = rulesetNode(figRuleset, c.figure.leadOf);
      if (n === undefined || n.lead === undefined) {
        issues.push({ path: `${at}/figure/leadOf`, message: n === undefined ? `"${c.figure.leadOf}" is no item of ${figRuleset.id}` : `item ${c.figure.leadOf} of ${figRuleset.id} names no lead (牵头单位)` });
        return;
      }
      figUnitId = n.lead;
    }
    if (c.finding !== undefined && figRuleset !== undefined) {
      const item = figRuleset.items.find((i) => i.id === c.finding!.item);
      if (item === undefined || !item.fields.includes(c.figure.field)) {
        issues.push({
          path: `${at}/finding/item`,
          message: item === undefined ? `"${c.finding.item}" is no item of ${figRuleset.id}` : `item ${item.id} of ${figRuleset.id} does not read "${c.figure.field}" (it reads ${item.fields.join(', ') || 'no fields'})`,
        });
        return;
      }
    }
    const figCard = ix.byUnit.get(figUnitId as string)?.card;
    if (figCard === undefined || figCard.ruleset.id !== c.figure.ruleset) {
      skip(`没有${figUnitId}按${c.figure.ruleset}评分的评分卡`, `no card of ${figUnitId} under ${c.figure.ruleset}`);
      return;
    }
    const figField = ix.rulesets.get(c.figure.ruleset)?.fields.find((f) => f.name === c.figure.field) ?? firstField(ix, c.figure.field);
    const figure = figureOf(figCard, evidence.get(figCard.unit.id), c.figure.field);
    if (figure === 'bad') {
      issues.push({ path: `/evidence/${ix.evidenceAt.get(figCard.unit.id)}/values/${c.figure.field}`, message: `"${c.figure.field}" of ${figCard.unit.name} (${figCard.unit.id}) is not a number, yes/no or document list: it cannot be compared` });
      return;
    }
    if (figure === undefined) {
      skip(`${figCard.unit.name}未报送${figField ? figField.title.zh : c.figure.field}`, `${figCard.unit.name} did not report ${figField ? pick(figField.title, 'en') : c.figure.field}`);
      return;
    }
    const units: ConsistencyFigure[] = [];
    let againstField: EvidenceField | undefined;
    for (const { card } of ix.cards) {
      if (card.unit.id === figCard.unit.id) continue;
      if (c.against.ruleset !== undefined && card.ruleset.id !== c.against.ruleset) continue;
      if (c.against.kinds !== undefined && !c.against.kinds.includes(card.unit.kind)) continue;
      const f = figureOf(card, evidence.get(card.unit.id), c.against.field);
      if (f === 'bad') {
        issues.push({ path: `/evidence/${ix.evidenceAt.get(card.unit.id)}/values/${c.against.field}`, message: `"${c.against.field}" of ${card.unit.name} (${card.unit.id}) is not a number, yes/no or document list: it cannot be compared` });
        continue;
      }
      if (f === undefined) continue;
      againstField ??= ix.rulesets.get(card.ruleset.id)?.fields.find((x) => x.name === c.against.field);
      units.push(f);
    }
    againstField ??= firstField(ix, c.against.field);
    if (units.length === 0) {
      skip(`没有单位报送${againstField ? againstField.title.zh : c.against.field}`, `no unit reported ${againstField ? pick(againstField.title, 'en') : c.against.field}`);
      return;
    }
    const ms = units.map((u) => roundToMilli(u.value));
    const lo = Math.min(...ms);
    const hi = Math.max(...ms);
    const agg = c.against.op === 'sum' ? ms.reduce((s, x) => s + x, 0) : c.against.op === 'min' ? lo : hi;
    const fig = roundToMilli(figure.value);
    const ok = c.expect === 'within' ? fig >= lo && fig <= hi : compare(fig, c.expect, agg);
    if (ok) {
      result.passed.push(c.id);
      return;
    }
    // Worst first: the units that make the figure the figure is compared with.
    const order = (xs: ConsistencyFigure[]) =>
      xs.sort((x, y) => {
        const d = c.against.op === 'min' ? roundToMilli(x.value) - roundToMilli(y.value) : roundToMilli(y.value) - roundToMilli(x.value);
        return d !== 0 ? d : byId(x.unit.id, y.unit.id);
      });
    order(units);
    const f = figField ?? againstField;
    const show = (v: number, l: Lang) => showValue(f?.type === 'boolean' ? v > 0 : v, f, l);
    const named = (xs: readonly ConsistencyFigure[], l: Lang) =>
      xs.map((u) => (l === 'en' ? `${u.unit.name} ${show(u.value, l)}, ${u.places.join(', ')}` : `${u.unit.name}${show(u.value, l)}，${u.places.join('、')}`)).join(l === 'en' ? '; ' : '；');
    const fieldTitle = (l: Lang) => (f === undefined ? c.figure.field : pick(f.title, l));
    const n = units.length;
    // What the units are called: the check's label (e.g. 区县（开发区）), else 单位.
    const who = { zh: `${n}个${c.against.label?.zh ?? '单位'}`, en: `${n} ${c.against.label?.en ?? 'units'}` };
    let aggText: LocalText & { en: string };
    let againstValue: number | { min: number; max: number };
    if (c.expect === 'within') {
      const atLo = units.filter((u) => roundToMilli(u.value) === lo);
      const atHi = units.filter((u) => roundToMilli(u.value) === hi);
      againstValue = { min: fromMilli(lo), max: fromMilli(hi) };
      aggText = {
        zh: `在${show(fromMilli(lo), 'zh')}（${named(atLo, 'zh')}）至${show(fromMilli(hi), 'zh')}（${named(atHi, 'zh')}）之间`,
        en: `from ${show(fromMilli(lo), 'en')} (${named(atLo, 'en')}) to ${show(fromMilli(hi), 'en')} (${named(atHi, 'en')})`,
      };
    } else if (c.against.op === 'sum') {
      againstValue = fromMilli(agg);
      const nonzero = units.filter((u) => roundToMilli(u.value) !== 0);
      aggText = {
        zh: `合计${show(fromMilli(agg), 'zh')}（${nonzero.length > 0 ? named(nonzero, 'zh') : '均为0'}）`,
        en: `in sum ${show(fromMilli(agg), 'en')} (${nonzero.length > 0 ? named(nonzero, 'en') : 'all 0'})`,
      };
    } else {
      againstValue = fromMilli(agg);
      const atAgg = units.filter((u) => roundToMilli(u.value) === agg);
      aggText = {
        zh: `${c.against.op === 'min' ? '最低' : '最高'}${show(fromMilli(agg), 'zh')}（${named(atAgg, 'zh')}）`,
        en: `${c.against.op === 'min' ? 'at lowest' : 'at highest'} ${show(fromMilli(agg), 'en')} (${named(atAgg, 'en')})`,
      };
    }
    const expectText = (EXPECT_TEXT[c.expect] as (a: LocalText) => LocalText)(AGG_LABEL[c.against.op] as LocalText);
    const figPlaces = (l: Lang) => figure.places.join(l === 'en' ? ', ' : '、');
    const message = {
      zh: `${pick(c.title, 'zh')}：${figCard.unit.name}报送${fieldTitle('zh')}${show(figure.value, 'zh')}（${figPlaces('zh')}），${who.zh}报送${aggText.zh}；应${expectText.zh}`,
      en: `${pick(c.title, 'en')}: ${figCard.unit.name} reported ${fieldTitle('en')} ${show(figure.value, 'en')} (${figPlaces('en')}); ${who.en} reported ${aggText.en}; expected ${expectText.en}`,
    };
    const inc: Inconsistency = {
      id: c.id,
      title,
      ok: false,
      message,
      field: c.figure.field,
      expect: c.expect,
      figure: { ruleset: c.figure.ruleset, ...figure },
      against: { op: c.against.op, value: againstValue, units },
    };
    if (c.finding !== undefined) {
      const reason =
        lang === 'en'
          ? `${who.en} reported ${fieldTitle('en')} ${aggText.en}; this unit reported ${show(figure.value, 'en')} (${figPlaces('en')}), expected ${expectText.en}`
          : `${who.zh}报送${fieldTitle('zh')}${aggText.zh}，本单位报送${show(figure.value, 'zh')}（${figPlaces('zh')}），应${expectText.zh}`;
      const finding: Finding = { item: c.finding.item, source: 'data-check', type: 'rejected', field: c.figure.field, check: 'accuracy', reason };
      inc.finding = { unit: figCard.unit.id, finding };
      (result.findings[figCard.unit.id] ??= []).push(finding);
    }
    result.inconsistencies.push(inc);
  });
  if (issues.length > 0) throw new EvidenceError(issues, 'The round does not fit the city ruleset');
  return result;
}

/** A unit's reported figure with its places; undefined when not reported, 'bad' when not comparable. */
function figureOf(card: ScoreCard, e: UnitEvidence | undefined, field: string): ConsistencyFigure | undefined | 'bad' {
  if (e === undefined || !Object.prototype.hasOwnProperty.call(e.values, field)) return undefined;
  const raw = e.values[field];
  if (raw === null || raw === undefined) return undefined;
  const v = numeric(raw);
  if (v === undefined) return 'bad';
  const src = e.sources !== undefined && Object.prototype.hasOwnProperty.call(e.sources, field) ? (e.sources[field] ?? []) : [];
  return { unit: { id: card.unit.id, name: card.unit.name, kind: card.unit.kind }, value: v, places: src.length > 0 ? [...src] : [card.unit.name] };
}
