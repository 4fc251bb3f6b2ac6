/**
 * Render: an evaluated unit's numbers → its ScoreCard. Rule deductions are rebuilt from the
 * numbers (a kernel explains its points on demand), told from the evidence register, and
 * filled from the message templates split at compile time; findings' deductions as given.
 * @module
 */
import type { CompiledItem, CompiledModel, CompiledNode, CompiledVeto, ItemText, Template } from '../compile.js';
import type { FieldText } from '../kernel.js';
import type { FieldValue, Finding, UnitEvidence } from '../model.js';
import type { DeductionDraft } from '../plugin.js';
import { fromMilli } from '../points.js';
import { format, pick, type Lang, type LocalText } from '../text.js';
import type { Deduction, ScoreCard, ScoreNode, VetoResult } from '../scorecard.js';
import { documentsFromRegister, lacksText, missingDocumentText, takesRegister } from '../register.js';
import { evidenceHash } from './hash.js';
import { CHECK_TEXT, NONE, NOT_APPLICABLE, NO_EVIDENCE, SOURCE_TEXT, variantFor, type ItemDeductions, type ItemResult, type Rejection } from './shared.js';

const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

const NO_DEDUCTIONS: ItemDeductions = { deductions: NONE, applied: NONE, rejections: NONE };

/** A template parameter as text, exactly as `format` (text.ts) shows it: local text picked, lists joined. */
function show(value: unknown, lang: Lang): string {
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'zh' in value) return pick(value as LocalText, lang);
  if (Array.isArray(value)) return value.map((v) => show(v, lang)).join(lang === 'zh' ? '、' : ', ');
  if (value === undefined || value === null) return '';
  return String(value);
}

/**
 * Fill a split message template, as `format(template, { item, title, max, ...data }, lang)`
 * does, without building the merged object: the deduction's own data first, then the item's.
 */
function fill(t: Template, data: Readonly<Record<string, unknown>> | null | undefined, item: CompiledItem, lang: Lang): string {
  let s = t[0] as string;
  for (let i = 1; i < t.length; i += 2) {
    const name = t[i] as string;
    if (data !== null && data !== undefined && isEnumerable.call(data, name)) s += show(data[name], lang);
    else if (name === 'item') s += show(item.id, lang);
    else if (name === 'title') s += show(item.title, lang);
    else if (name === 'max') s += show(fromMilli(item.max), lang);
    else s += `{${name}}`;
    s += t[i + 1] as string;
  }
  return s;
}

/** Fill an item's own suggestion, as `format(template, { item, title, max, points }, lang)`. */
function fillSuggestion(t: Template, item: CompiledItem, points: number, lang: Lang): string {
  let s = t[0] as string;
  for (let i = 1; i < t.length; i += 2) {
    const name = t[i] as string;
    if (name === 'item') s += show(item.id, lang);
    else if (name === 'title') s += show(item.title, lang);
    else if (name === 'max') s += show(fromMilli(item.max), lang);
    else if (name === 'points') s += show(points, lang);
    else s += `{${name}}`;
    s += t[i + 1] as string;
  }
  return s;
}

/**
 * What rendering reads of an evaluated unit (`UnitEvaluation`, evaluate.ts): the numbers as
 * `run` left them, the evidence and findings, and the cached evidence hash.
 */
export interface ScoredUnit {
  readonly model: CompiledModel;
  readonly evidence: UnitEvidence;
  readonly given: readonly Finding[];
  readonly unit: { readonly id: string; readonly name: string; readonly kind: string };
  readonly max: number;
  readonly earned: number;
  readonly bonus: number;
  readonly total: number;
  /** Per item: earned thousandths, NOT_APPLICABLE or NO_EVIDENCE; then per group: max, earned, applicable (0/1). */
  readonly num: readonly number[];
  /** Results of the items scored the general way, by item index. */
  readonly general: ReadonlyArray<ItemResult | undefined> | undefined;
  readonly bonusMilli: number;
  readonly normalizedMilli: number | undefined;
  readonly band: { id: string; title: LocalText } | undefined;
  readonly coverageMax: number;
  /** The vetoes that fired, in ruleset order. */
  readonly fired: readonly CompiledVeto[] | undefined;
  /** The declared fields' values by field index. */
  readonly vals: readonly unknown[];
  /** The evidence hash, computed on the first card. */
  hash: string | undefined;
  /** A declared field's value when it is not among the values' keys (a non-enumerable own property). */
  unlisted(i: number): unknown;
}

/** An item's deductions as rendered on its card node (`Evaluation.deductionsOf`). */
export function itemDeductions(ev: ScoredUnit, item: CompiledItem, lang: Lang): Deduction[] {
  return renderItem(ev, item, renderContext(ev.evidence, lang)).deductions ?? [];
}

/** The item as it is scored for this unit (a partner's own scoring on an item it partners). */
function scoredAs(ev: ScoredUnit, item: CompiledItem): CompiledItem {
  return item.partner !== undefined ? variantFor(item, ev.unit.id) : item;
}

/** Whether a bonus node applies to the unit (an item not NOT_APPLICABLE; a group with an applicable child). */
function applicableOf(ev: ScoredUnit, node: CompiledNode): boolean {
  if (node.kind === 'group') return ev.num[ev.model.items.length + 3 * node.index + 2] === 1;
  return ev.num[node.index] !== NOT_APPLICABLE;
}

/**
 * The deductions of an item as the general path would have made them: the rule deduction a
 * kernel, the engine (no evidence) or a JsonLogic result stands for, rebuilt from the numbers.
 */
function deductionsOfItem(ev: ScoredUnit, listed: CompiledItem, e: number): ItemDeductions {
  const r = ev.general?.[listed.index];
  if (r !== undefined) return r;
  const item = scoredAs(ev, listed);
  if (e === NO_EVIDENCE) {
    const fields = ev.model.fields;
    return {
      deductions: [
        {
          points: item.max,
          source: 'rule',
          code: 'no-evidence',
          data: { fields: item.fields.map((x) => fields.get(x)?.title ?? { zh: x }), points: fromMilli(item.max) },
          fields: item.fields,
        },
      ],
      applied: [item.max],
      rejections: NONE,
    };
  }
  const kernel = item.kernel;
  if (kernel !== undefined) {
    const fi = item.fieldIndexes[0] as number;
    let v = ev.vals[fi];
    if (v === undefined) v = ev.unlisted(fi);
    const p = kernel.deduct(item.prepared, v as FieldValue, item.max);
    if (p === 0) return NO_DEDUCTIONS;
    const data = kernel.explain(item.prepared, v as FieldValue, item.max, p, ev.model.fieldTexts[fi] as FieldText);
    return { deductions: [{ points: p, source: 'rule', code: kernel.messageId, data, fields: item.fields }], applied: [item.max - e], rejections: NONE };
  }
  if (e >= item.max) return NO_DEDUCTIONS;
  const points = item.max - e;
  return {
    deductions: [{ points, source: 'rule', code: 'logic', data: { earned: fromMilli(e), max: fromMilli(item.max), points: fromMilli(points) }, fields: item.fields }],
    applied: [points],
    rejections: NONE,
  };
}

function renderItem(ev: ScoredUnit, item: CompiledItem, rc: RenderContext): ScoreNode {
  const e = ev.num[item.index] as number;
  const lang = rc.lang;
  if (e === NOT_APPLICABLE) {
    return {
      id: item.id,
      title: pick(item.title, lang),
      max: 0,
      earned: 0,
      applicable: false,
      notApplicableReason: pick(item.applicability?.reason, lang),
    };
  }
  const earned = e > 0 ? e : 0;
  const node: ScoreNode = { id: item.id, title: pick(item.title, lang), max: fromMilli(item.max), earned: fromMilli(earned), applicable: true };
  // The item as scored for this unit: a partner's own scoring (责任唯一), else the item.
  const v = ev.general?.[item.index]?.item ?? scoredAs(ev, item);
  if (v.role !== undefined) node.role = v.role;
  node.method = v.methodName ?? 'logic';
  const r = deductionsOfItem(ev, item, e);
  const text = lang === 'en' ? v.text.en : v.text.zh;
  const applied = r.applied;
  if (text.suggestion !== undefined) {
    let any = false;
    for (let i = 0; i < applied.length; i++) if ((applied[i] as number) > 0) any = true;
    if (any) node.suggestion = fillSuggestion(text.suggestion, v, fromMilli(item.max - earned), lang);
  }
  const n = r.deductions.length;
  const deductions = new Array<Deduction>(n);
  const register = ev.evidence.register;
  for (let i = 0; i < n; i++) {
    let d = r.deductions[i] as DeductionDraft;
    if (register !== undefined) d = withRegister(d, v, ev.model, register);
    deductions[i] = renderDeduction(d, applied[i] as number, v, text, r.rejections, rc);
  }
  node.deductions = deductions;
  const claims = ev.evidence.claims;
  if (claims !== undefined && hasOwn.call(claims, item.id)) node.claim = { notApplicable: claims[item.id] as string };
  return node;
}

function renderNode(ev: ScoredUnit, node: CompiledNode, rc: RenderContext): ScoreNode {
  if (node.kind === 'item') return renderItem(ev, node, rc);
  const children = node.children;
  const out = new Array<ScoreNode>(children.length);
  for (let i = 0; i < children.length; i++) out[i] = renderNode(ev, children[i] as CompiledNode, rc);
  const o = ev.model.items.length + 3 * node.index;
  return {
    id: node.id,
    title: pick(node.title, rc.lang),
    max: fromMilli(ev.num[o] as number),
    earned: fromMilli(ev.num[o + 1] as number),
    applicable: ev.num[o + 2] === 1,
    children: out,
  };
}

/** The unit's ScoreCard in the language asked for (`Evaluation.toScoreCard`). */
export function renderCard(ev: ScoredUnit, lang: Lang): ScoreCard {
  const model = ev.model;
  const rc = renderContext(ev.evidence, lang);
  const nodes = new Array<ScoreNode>(model.tree.length);
  for (let i = 0; i < model.tree.length; i++) nodes[i] = renderNode(ev, model.tree[i] as CompiledNode, rc);
  const b = model.bonus;
  if (b !== undefined) {
    const children = new Array<ScoreNode>(b.items.length);
    let applicable = false;
    for (let i = 0; i < b.items.length; i++) {
      children[i] = renderNode(ev, b.items[i] as CompiledNode, rc);
      if (applicableOf(ev, b.items[i] as CompiledNode)) applicable = true;
    }
    nodes.push({ id: b.id, title: pick(b.title, lang), max: fromMilli(b.cap), earned: fromMilli(ev.bonusMilli), applicable, children });
  }
  const vetoes: VetoResult[] = (ev.fired ?? NONE).map((v) => {
    const out: VetoResult = { id: v.id, title: pick(v.title, lang), reason: pick(v.reason, lang), effect: v.effect.type };
    // Where what the veto read came from (a unit's file and place; for a city, the units).
    if (rc.anySources) {
      const refs = v.fields.flatMap((x) => (hasOwn.call(rc.sources, x) ? (rc.sources[x] ?? []) : []));
      if (refs.length > 0) out.evidence = [...new Set(refs)];
    }
    return out;
  });
  const grade = ev.band;
  const unit = ev.unit;
  const card: ScoreCard = {
    ruleset: { id: model.json.id, version: model.json.version, hash: model.hash },
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    evidenceHash: (ev.hash ??= evidenceHash(model, ev.evidence, ev.given)),
    max: ev.max,
    earned: ev.earned,
    bonus: ev.bonus,
    total: ev.total,
    grade: grade?.id ?? null,
    gradeTitle: grade ? pick(grade.title, lang) : null,
    vetoed: vetoes.length > 0,
    vetoes,
    nodes,
  };
  if (ev.normalizedMilli !== undefined) {
    // Keep the documented key order: normalized (and coverage) right after total.
    const { grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns, ...head } = card;
    const cov = model.coverage;
    if (cov === undefined) return { ...head, normalized: fromMilli(ev.normalizedMilli), grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns };
    const coverage = {
      node: cov.node,
      title: pick(cov.title, lang),
      max: fromMilli(ev.coverageMax),
      min: fromMilli(cov.min),
      rate: fromMilli(cov.rate),
      thin: ev.coverageMax < cov.min,
    };
    return { ...head, normalized: fromMilli(ev.normalizedMilli), coverage, grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns };
  }
  return card;
}

/**
 * A rule deduction of a document method, told from the evidence register: per-missing names
 * each missing document as not provided or registered but incomplete (and what it lacks);
 * presence on a document field names the incomplete entry. Without a register for the field
 * the deduction is as it was.
 */
function withRegister(d: DeductionDraft, item: CompiledItem, model: CompiledModel, register: NonNullable<UnitEvidence['register']>): DeductionDraft {
  if (d.source !== 'rule' || d.fields === undefined || d.data === undefined) return d;
  const method = item.methodName;
  if (!((method === 'per-missing' && d.code === 'missing') || (method === 'presence' && d.code === 'absent'))) return d;
  const name = d.fields[0] as string;
  const field = model.fields.get(name);
  if (field === undefined || !takesRegister(field) || !hasOwn.call(register, name)) return d;
  const entries = register[name];
  if (!Array.isArray(entries) || entries.length === 0) return d;
  const reading = documentsFromRegister(entries);
  const data = d.data as Record<string, unknown>;
  if (method === 'per-missing') {
    const missing = data['missing'];
    if (!Array.isArray(missing)) return d;
    return { ...d, data: { ...data, missing: missing.map((m) => missingDocumentText(String(m), reading)) } };
  }
  const inc = reading.incomplete[0];
  if (inc === undefined) return d;
  const lacks = lacksText(inc.lacks);
  const named = inc.title ?? (inc.document === name ? undefined : inc.document);
  // Registered but incomplete is not 否: the document exists and was not accepted as evidence.
  // The field's words for 否 (未制定…) would contradict the register, so it is said as it is.
  const statement = {
    zh: `${field.title.zh}未予认定：${named === undefined ? '' : `《${named}》`}已登记，但${lacks.zh}`,
    en: `${field.title.en ?? field.title.zh} not accepted: ${named === undefined ? 'registered' : `"${named}" registered`}, but ${lacks.en}`,
  };
  return { ...d, data: { ...data, statement } };
}

/** What rendering needs besides the item: the language and the evidence's sources. */
interface RenderContext {
  lang: Lang;
  sources: Readonly<Record<string, readonly string[]>>;
  anySources: boolean;
}

function renderContext(evidence: UnitEvidence, lang: Lang): RenderContext {
  const sources = evidence.sources ?? {};
  // Sources are looked up by own property, so any own name (even a non-enumerable one) counts.
  return { lang, sources, anySources: Object.getOwnPropertyNames(sources).length > 0 };
}

function renderDeduction(
  d: DeductionDraft,
  applied: number,
  item: CompiledItem,
  text: ItemText,
  rejections: readonly Rejection[],
  rc: RenderContext,
): Deduction {
  const lang = rc.lang;
  let reason: string;
  let suggestion: string | undefined;
  let cited: string[] | undefined;
  if (d.text !== undefined) {
    reason = d.text.reason;
    suggestion = d.text.suggestion;
    cited = d.text.evidence?.slice();
  } else {
    const t = text.messages.get(d.code);
    if (t !== undefined) {
      // The message's templates, split at compile time: the same text `format` gives.
      reason = fill(t.reason, d.data, item, lang);
      suggestion = t.suggestion === undefined ? undefined : fill(t.suggestion, d.data, item, lang);
    } else {
      const m = item.messages[d.code];
      const data = { item: item.id, title: item.title, max: fromMilli(item.max), ...d.data };
      reason = m ? format(pick(m.reason, lang), data, lang) : d.code;
      suggestion = m?.suggestion ? format(pick(m.suggestion, lang), data, lang) : undefined;
    }
    if (d.code !== 'rejected' && d.fields !== undefined && rejections.length > 0) {
      const notes = rejections.filter((x) => x.field !== undefined && d.fields!.includes(x.field));
      for (const x of notes) {
        reason += lang === 'zh'
          ? `（${pick(SOURCE_TEXT[x.source], lang)}认定${pick(CHECK_TEXT[x.check], lang)}问题：${x.reason}）`
          : ` (${pick(SOURCE_TEXT[x.source], lang)}: ${pick(CHECK_TEXT[x.check], lang)} — ${x.reason})`;
      }
    }
    if (d.fields !== undefined && rc.anySources) {
      const sources = rc.sources;
      const refs = d.fields.flatMap((x) => (hasOwn.call(sources, x) ? (sources[x] ?? []) : []));
      if (refs.length > 0) cited = [...new Set(refs)];
    }
  }
  // Built key by key so the JSON keeps the documented order.
  const out = { points: fromMilli(applied), reason } as Deduction;
  if (suggestion !== undefined && suggestion !== '') out.suggestion = suggestion;
  if (cited !== undefined && cited.length > 0) out.evidence = cited;
  out.source = d.source;
  out.code = d.code;
  if (d.superseded) out.superseded = true;
  else if (applied !== d.points) out.requested = fromMilli(d.points);
  return out;
}
