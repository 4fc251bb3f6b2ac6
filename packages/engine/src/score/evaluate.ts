/**
 * Evaluate: score now, explain later.
 *
 * `evaluateUnit` checks the input and scores every item into one flat array of numbers per
 * unit: per item its earned thousandths (or NOT_APPLICABLE / NO_EVIDENCE), then per group its
 * max, earned and applicability. Built-in single-field methods are scored by their kernels
 * (kernel.ts) straight from the values array; JsonLogic items by their closures. Nothing about
 * an explanation is built: a rule deduction is fully determined by the item, the value it read
 * and the numbers recorded, so `toScoreCard` rebuilds each one, then renders it as before.
 * Items with findings, a plugin's method or a plugin's merge policy are scored the general way
 * (a context, deduction drafts, the merge policy) and their results kept as they are.
 *
 * The card and the explanations are rendered from these numbers on demand (render.ts).
 * @module
 */
import type { Validator } from '../validators/index.js';
import { EvaluationError, EvidenceError } from '../errors.js';
import { shown } from '../ajv-issues.js';
import { PLAN_CONDITIONAL, PLAN_GENERAL, PLAN_LOGIC, PLAN_ROLE } from '../compile.js';
import { KERNEL_PER_FINDING, KERNEL_PER_MISSING, KERNEL_PRESENCE, KERNEL_RATE, KERNEL_THRESHOLD, KERNEL_TIERS } from '../kernel.js';
import { perFindingDeduct, perMissingDeduct, presenceDeduct, rateDeduct, thresholdDeduct, tiersDeduct } from '../methods/builtins.js';
import type { CompiledItem, CompiledModel, CompiledNode, CompiledVeto } from '../compile.js';
import type { FieldKernel, FieldText } from '../kernel.js';
import type { LogicFn, LogicFrame } from '../logic/types.js';
import type { FieldValue, Finding, UnitEvidence } from '../model.js';
import type { DeductionDraft, ScoreContext } from '../plugin.js';
import { fromMilli, toMilli, roundToMilli, mulDivRound } from '../points.js';
import { pick, type Lang, type LocalText } from '../text.js';
import { truthy } from '../logic/runtime.js';
import type { Deduction, Evaluation, ScoreCard } from '../scorecard.js';
import { groupFindings, readValues } from './check.js';
import { itemDeductions, renderCard, type ScoredUnit } from './render.js';
import { CHECK_TEXT, NONE, NOT_APPLICABLE, NO_EVIDENCE, SOURCE_TEXT, variantFor, type ItemFindings, type ItemResult } from './shared.js';

/** Options of `ruleset.score`. */
export interface ScoreOptions {
  /** Findings of the data check (数据核查) and the on-site check (现场检查) for this unit. */
  findings?: readonly Finding[];
  /** Language of reasons and suggestions (default `zh`). */
  lang?: Lang;
}

const hasOwn = Object.prototype.hasOwnProperty;
const NO_FINDINGS: ReadonlyMap<string, ItemFindings> = new Map();

/** What a unit's JsonLogic reads (see `LogicFrame`): one shape, so every slot read is monomorphic. */
class Frame implements LogicFrame {
  constructor(
    readonly values: readonly unknown[],
    readonly data: { readonly unit: { readonly id: string; readonly name: string; readonly kind: string } },
  ) {}
}

/** Score one unit. Throws EvidenceError (all problems at once) for bad evidence or findings. */
export function evaluateUnit(
  model: CompiledModel,
  evidence: UnitEvidence,
  options: ScoreOptions,
  validateFindings: Validator,
  checked?: WeakMap<object, unknown[]>,
): Evaluation {
  // Evidence this ruleset checked and froze (`checkEvidence`) is not checked again.
  const vals = checked?.get(evidence) ?? readValues(model, evidence);
  const given = options.findings ?? NONE;
  // No findings (the common case): nothing to validate, sort or group.
  const findings = Array.isArray(given) && given.length === 0 ? NO_FINDINGS : groupFindings(model, given, validateFindings, (evidence.unit as { id: string }).id);
  const ev = new UnitEvaluation(model, evidence, given, options.lang ?? 'zh', vals, findings);
  try {
    ev.run();
  } catch (e) {
    // A rule that ran over its step budget: name the unit and the item (or veto) it was scoring.
    if (e instanceof EvaluationError && e.unit === undefined) throw forUnit(model, e, ev.unit);
    throw e;
  }
  return ev;
}

/** An EvaluationError from a rule, with the unit and the item (or veto) whose rule it is. */
function forUnit(model: CompiledModel, e: EvaluationError, unit: { id: string; name: string }): EvaluationError {
  const path = e.issues[0]?.path ?? '';
  const item = model.items.find((i) => path.startsWith(i.pointer + '/'));
  const veto = /^\/vetoes\/(\d+)\//.exec(path);
  const vetoId = veto === null ? undefined : model.vetoes[Number(veto[1])]?.id;
  const what = item !== undefined ? `评分项 ${item.id}` : vetoId !== undefined ? `否决项 ${vetoId}` : '规则';
  const issues = e.issues.map((i) => ({ path: i.path, message: `${unit.name}（${unit.id}）${what}：${i.message}` }));
  return new EvaluationError(issues, unit, item?.id ?? vetoId);
}

/** One unit scored: the numbers `run` computes, and the card rendered from them on demand. */
class UnitEvaluation implements Evaluation, ScoredUnit {
  readonly unit: { readonly id: string; readonly name: string; readonly kind: string };
  max = 0;
  earned = 0;
  bonus = 0;
  total = 0;
  normalized: number | undefined = undefined;
  grade: string | null = null;
  vetoed = false;

  /** Per item: earned thousandths, NOT_APPLICABLE or NO_EVIDENCE; then per group: max, earned, applicable (0/1). */
  readonly num: number[];
  /** Results of the items scored the general way, by item index. */
  general: Array<ItemResult | undefined> | undefined = undefined;
  /** The bonus and normalized points in thousandths (the rest are rendered from the numbers). */
  bonusMilli = 0;
  normalizedMilli: number | undefined = undefined;
  band: { id: string; title: LocalText } | undefined = undefined;
  /** The applicable max under the coverage node (thousandths), when the ruleset weighs coverage. */
  coverageMax = 0;
  /** The vetoes that fired, in ruleset order. */
  fired: CompiledVeto[] | undefined = undefined;
  private logic: Frame | undefined = undefined;
  private scorer: ((item: CompiledItem, f: ItemFindings | undefined) => ItemResult) | undefined = undefined;
  hash: string | undefined = undefined;

  constructor(
    readonly model: CompiledModel,
    readonly evidence: UnitEvidence,
    readonly given: readonly Finding[],
    readonly lang: Lang,
    readonly vals: unknown[],
    private readonly findings: ReadonlyMap<string, ItemFindings>,
  ) {
    const u = evidence.unit;
    this.unit = { id: u.id, name: u.name, kind: u.kind };
    this.num = new Array<number>(model.items.length + 3 * model.groups.length);
  }

  /** A declared field's value as `ctx.value` reads it when it is not among the values' keys (a non-enumerable own property). */
  unlisted(i: number): unknown {
    const values = this.evidence.values;
    const name = this.model.fieldNames[i] as string;
    return hasOwn.call(values, name) ? values[name] : undefined;
  }

  /**
   * What JsonLogic reads (rules are compiled with slots): the values by field index, and the
   * unit under `data` (a copy: a custom operator given it cannot change the card). Made once.
   */
  private logicData(): Frame {
    return (this.logic ??= new Frame(this.vals, { unit: { id: this.unit.id, name: this.unit.name, kind: this.unit.kind } }));
  }

  private applies(item: CompiledItem): boolean {
    const a = item.applicability;
    if (a === undefined) return true;
    const unit = this.unit;
    if (a.kinds !== undefined && !a.kinds.has(unit.kind)) return false;
    if (a.units !== undefined && !a.units.has(unit.id)) return false;
    if (a.except !== undefined && a.except.has(unit.id)) return false;
    if (a.when !== undefined && !truthy(a.when(this.logicData()))) return false;
    return true;
  }

  /** Score every item, then the groups, the totals, the vetoes and the grade. */
  run(): void {
    const model = this.model;
    const items = model.items;
    const plan = model.plan;
    const ops = plan.op;
    const fieldOf = plan.field;
    const maxOf = plan.max;
    const prepared = plan.prepared;
    const n = ops.length;
    const num = this.num;
    const vals = this.vals;
    const findings = this.findings;
    const hasFindings = findings.size > 0;
    for (let i = 0; i < n; i++) {
      let op = ops[i] as number;
      if (op >= PLAN_CONDITIONAL) {
        if (!this.applies(items[i] as CompiledItem)) {
          num[i] = NOT_APPLICABLE;
          continue;
        }
        op -= PLAN_CONDITIONAL;
      }
      const max = maxOf[i] as number;
      if (op === PLAN_ROLE) {
        // 责任唯一: the lead's scoring or the partner's, then scored as that one is.
        const item = items[i] as CompiledItem;
        const v = variantFor(item, this.unit.id);
        if (!v.builtinMerge || (hasFindings && findings.has(item.id)) || (v.kernel === undefined && v.logic === undefined)) {
          const r = (this.scorer ??= generalScorer(model, this.evidence, () => this.logicData()))(v, findings.get(item.id));
          (this.general ??= new Array<ItemResult | undefined>(n))[i] = r;
          num[i] = r.earned;
        } else num[i] = this.scoreVariant(v);
        continue;
      }
      if (op === PLAN_GENERAL || (hasFindings && findings.has((items[i] as CompiledItem).id))) {
        const item = items[i] as CompiledItem;
        const r = (this.scorer ??= generalScorer(model, this.evidence, () => this.logicData()))(item, findings.get(item.id));
        (this.general ??= new Array<ItemResult | undefined>(n))[i] = r;
        num[i] = r.earned;
        continue;
      }
      if (op === PLAN_LOGIC) {
        const item = items[i] as CompiledItem;
        const fis = item.fieldIndexes;
        let none = fis.length > 0;
        for (let k = 0; none && k < fis.length; k++) {
          const fi = fis[k] as number;
          let v = vals[fi];
          if (v === undefined) v = this.unlisted(fi);
          if (v !== undefined && v !== null) none = false;
        }
        num[i] = none ? NO_EVIDENCE : logicEarned(item, (item.logic as LogicFn)(this.logicData()));
        continue;
      }
      // A kernel: its field's value, then the points.
      const fi = fieldOf[i] as number;
      let v = vals[fi];
      if (v === undefined) v = this.unlisted(fi);
      if (v === undefined || v === null) {
        num[i] = NO_EVIDENCE;
        continue;
      }
      // The built-in kernels called directly (one call site each).
      const pp = prepared[i] as never;
      const value = v as FieldValue;
      let p: number;
      switch (op) {
        case KERNEL_PRESENCE:
          p = presenceDeduct(pp, value, max);
          break;
        case KERNEL_PER_FINDING:
          p = perFindingDeduct(pp, value, max);
          break;
        case KERNEL_PER_MISSING:
          p = perMissingDeduct(pp, value, max);
          break;
        case KERNEL_THRESHOLD:
          p = thresholdDeduct(pp, value, max);
          break;
        case KERNEL_RATE:
          p = rateDeduct(pp, value, max);
          break;
        case KERNEL_TIERS:
          p = tiersDeduct(pp, value, max);
          break;
        default:
          p = ((items[i] as CompiledItem).kernel as FieldKernel).deduct(pp, value, max);
      }
      if (p === 0) num[i] = max;
      else {
        if (!Number.isInteger(p) || p < 0) throw badPoints(items[i] as CompiledItem, p);
        num[i] = p >= max ? 0 : max - p;
      }
    }

    // Groups, children before parents: max, earned, applicable (0/1) at n + 3g.
    const children = plan.groupChildren;
    const starts = plan.groupStart;
    const groupMax = plan.groupMax;
    const capped = plan.groupCapped;
    for (let g = 0; g < starts.length; g++) {
      let at = starts[g] as number;
      const end = at + 1 + (children[at] as number);
      let sumMax = 0;
      let sumEarned = 0;
      let applicable = 0;
      for (at++; at < end; at++) {
        const r = children[at] as number;
        if (r >= 0) {
          const e = num[r] as number;
          if (e === NOT_APPLICABLE) continue;
          sumMax += maxOf[r] as number;
          if (e > 0) sumEarned += e;
          applicable = 1;
        } else {
          const o = n - 3 * r - 3;
          sumMax += num[o] as number;
          sumEarned += num[o + 1] as number;
          applicable |= num[o + 2] as number;
        }
      }
      const m = capped[g] === 1 ? Math.min(groupMax[g] as number, sumMax) : sumMax;
      const o = n + 3 * g;
      num[o] = m;
      num[o + 1] = sumEarned < m ? sumEarned : m;
      num[o + 2] = applicable;
    }

    let max = 0;
    let earned = 0;
    const roots = plan.roots;
    for (let k = 0; k < roots.length; k++) {
      max += this.maxOfRef(roots[k] as number);
      earned += this.earnedOfRef(roots[k] as number);
    }
    let bonus = 0;
    if (model.bonus !== undefined) {
      let sum = 0;
      const b = plan.bonusRoots;
      for (let k = 0; k < b.length; k++) sum += this.earnedOfRef(b[k] as number);
      bonus = Math.min(model.bonus.cap, sum);
    }

    // Vetoes (否决项).
    let total = earned + bonus;
    const scale = model.json.normalize?.scale;
    let normalized: number | undefined;
    if (scale !== undefined) {
      // Thin coverage: the shortfall under the node is counted at the declared rate (neither earned nor lost).
      let shortfall = 0;
      let rate = 0;
      const cov = model.coverage;
      if (cov !== undefined) {
        const applicableMax = cov.ref === undefined ? 0 : this.maxOfRef(cov.ref);
        this.coverageMax = applicableMax;
        if (applicableMax < cov.min) {
          shortfall = cov.min - applicableMax;
          rate = cov.rate;
        }
      }
      // (earned + shortfall × rate%) ÷ (max + shortfall) × scale, one exact rounding (rate in
      // thousandths of a percent, so the numerator is scaled by 100 000).
      const base = max + shortfall;
      normalized = (base === 0 ? 0 : mulDivRound(earned * 100_000 + shortfall * rate, toMilli(scale), base * 100_000)) + bonus;
    }
    let forcedGrade: { id: string; title: LocalText; min: number } | undefined;
    for (const v of model.vetoes) {
      if (!truthy(v.when(this.logicData()))) continue;
      (this.fired ??= []).push(v);
      if (v.effect.type === 'zero') {
        total = 0;
        if (normalized !== undefined) normalized = 0;
      } else if (v.effect.type === 'cap') {
        const c = toMilli(v.effect.total);
        total = Math.min(total, c);
        if (normalized !== undefined) normalized = Math.min(normalized, c);
      } else if (v.effect.type === 'grade') {
        // Every grade veto that fires applies: the lowest grade imposed stands, whatever their order.
        const g = model.grades.find((x) => x.id === (v.effect as { grade: string }).grade);
        if (g !== undefined && (forcedGrade === undefined || g.min < forcedGrade.min)) forcedGrade = g;
      }
    }
    const basis = normalized ?? total;
    let grade = model.grades.find((g) => fromMilli(basis) >= g.min);
    // A veto that sets a grade can only lower it.
    if (forcedGrade !== undefined && (grade === undefined || forcedGrade.min < grade.min)) grade = forcedGrade;

    this.bonusMilli = bonus;
    this.normalizedMilli = normalized;
    this.band = grade;
    this.max = fromMilli(max);
    this.earned = fromMilli(earned);
    this.bonus = fromMilli(bonus);
    this.total = fromMilli(total);
    this.normalized = normalized === undefined ? undefined : fromMilli(normalized);
    this.grade = grade?.id ?? null;
    this.vetoed = this.fired !== undefined;
  }

  /** Earned thousandths (or NO_EVIDENCE) of an item variant with a kernel or logic and no findings. */
  private scoreVariant(v: CompiledItem): number {
    const fis = v.fieldIndexes;
    let none = fis.length > 0;
    for (let k = 0; none && k < fis.length; k++) {
      const fi = fis[k] as number;
      let x = this.vals[fi];
      if (x === undefined) x = this.unlisted(fi);
      if (x !== undefined && x !== null) none = false;
    }
    if (none) return NO_EVIDENCE;
    if (v.kernel !== undefined) {
      const fi = fis[0] as number;
      let x = this.vals[fi];
      if (x === undefined) x = this.unlisted(fi);
      const p = v.kernel.deduct(v.prepared, x as FieldValue, v.max);
      if (!Number.isInteger(p) || p < 0) throw badPoints(v, p);
      return p >= v.max ? 0 : v.max - p;
    }
    return logicEarned(v, (v.logic as LogicFn)(this.logicData()));
  }

  /** A node reference's (see `ScoringPlan`) applicable max, thousandths. */
  private maxOfRef(r: number): number {
    if (r < 0) return this.num[this.model.items.length - 3 * r - 3] as number;
    return this.num[r] === NOT_APPLICABLE ? 0 : (this.model.plan.max[r] as number);
  }

  /** A node reference's earned points, thousandths. */
  private earnedOfRef(r: number): number {
    if (r < 0) return this.num[this.model.items.length - 3 * r - 2] as number;
    const e = this.num[r] as number;
    return e > 0 ? e : 0;
  }

  private earnedOfNode(node: CompiledNode): number {
    return this.earnedOfRef(node.kind === 'item' ? node.index : -node.index - 1);
  }

  earnedOf(itemId: string): number | undefined {
    const item = this.model.itemById.get(itemId);
    return item === undefined ? undefined : fromMilli(this.earnedOfNode(item));
  }

  deductionsOf(itemId: string, lang: Lang = this.lang): Deduction[] | undefined {
    const item = this.model.itemById.get(itemId);
    if (item === undefined) return undefined;
    return itemDeductions(this, item, lang);
  }

  toScoreCard(lang: Lang = this.lang): ScoreCard {
    return renderCard(this, lang);
  }

  /** The numbers, without the explanations (what `JSON.stringify` writes). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { unit: this.unit, max: this.max, earned: this.earned, bonus: this.bonus, total: this.total };
    if (this.normalized !== undefined) out['normalized'] = this.normalized;
    out['grade'] = this.grade;
    out['vetoed'] = this.vetoed;
    return out;
  }
}

function badPoints(item: CompiledItem, points: number): Error {
  return new Error(`scoring method "${item.methodName}" deducted ${points} (expected integer thousandths ≥ 0) on item ${item.id}`);
}

/** A JsonLogic item's result as earned thousandths within [0, max]; anything but points is an error. */
function logicEarned(item: CompiledItem, out: unknown): number {
  const n = typeof out === 'boolean' ? (out ? item.max : 0) : typeof out === 'number' && Number.isFinite(out) ? roundToMilli(out) : NaN;
  if (Number.isNaN(n)) {
    throw new EvidenceError([{ path: `${item.pointer}/scoring/logic`, message: `item ${item.id}'s logic gave ${shown(out)}, expected points as a number` }], 'Scoring failed');
  }
  return Math.max(0, Math.min(item.max, n));
}

/**
 * The general way to score an item, for one unit: a context for the method, deduction drafts,
 * findings and rejections, the merge policy, then bounding by the max. Made on first need.
 */
function generalScorer(
  model: CompiledModel,
  evidence: UnitEvidence,
  logicData: () => Frame,
): (item: CompiledItem, f: ItemFindings | undefined) => ItemResult {
  const values = evidence.values;
  let current: CompiledItem | undefined;
  let currentFindings: ItemFindings | undefined;
  let rejectedFields: ReadonlySet<string> | undefined;
  const get = (field: string): FieldValue | undefined => {
    if (rejectedFields !== undefined && rejectedFields.has(field)) return undefined;
    const v = hasOwn.call(values, field) ? values[field] : undefined;
    return v === null ? undefined : v;
  };
  const rule: DeductionDraft[] = [];
  // One context object, reused for every item.
  const ctx: ScoreContext<unknown> & { params: unknown; max: number } = {
    params: undefined,
    max: 0,
    value: get,
    grade: () => currentFindings?.grade,
    gradeSource: () => (currentFindings?.onsiteGrade !== undefined ? 'onsite' : currentFindings?.dataCheckGrade !== undefined ? 'data-check' : undefined),
    gradeReason: () => (currentFindings?.onsiteGrade ?? currentFindings?.dataCheckGrade)?.reason,
    fieldTitle: (f) => model.fields.get(f)?.title ?? { zh: f },
    fieldUnit: (f) => model.fields.get(f)?.unit ?? '',
    fieldText: (f) => {
      const i = model.fieldIndex.get(f);
      return i === undefined ? { title: { zh: f }, unit: '' } : (model.fieldTexts[i] as FieldText);
    },
    deduct(code, points, data, fields, source) {
      if (!Number.isInteger(points) || points < 0) {
        throw new Error(`scoring method "${current?.methodName}" deducted ${points} (expected integer thousandths ≥ 0) on item ${current?.id}`);
      }
      if (points === 0) return;
      const d: DeductionDraft = { points, source: source === 'data-check' || source === 'onsite' ? source : 'rule', code, data };
      if (fields !== undefined) d.fields = fields;
      rule.push(d);
    },
  };

  return (item, f) => {
    const rejections = f !== undefined ? f.rejections : NONE;
    current = item;
    currentFindings = f;
    rule.length = 0;
    let rejectAll = false;
    if (f !== undefined && f.rejections.length > 0) {
      rejectAll = f.rejections.some((r) => r.field === undefined);
      rejectedFields = new Set(rejectAll ? item.fields : f.rejections.map((r) => r.field as string));
    }
    const fields = item.fields;
    let noneReported = fields.length > 0;
    for (let i = 0; noneReported && i < fields.length; i++) if (get(fields[i] as string) !== undefined) noneReported = false;
    if (rejectAll || (noneReported && rejectedFields !== undefined)) {
      const rs = f!.rejections;
      rule.push({
        points: item.max,
        // The check that rejected the evidence is where the points were lost (and which feedback list names it).
        source: rs.some((r) => r.source === 'onsite') ? 'onsite' : 'data-check',
        code: 'rejected',
        data: {
          checks: rs.map((r) => ({ zh: `${pick(SOURCE_TEXT[r.source], 'zh')}·${pick(CHECK_TEXT[r.check], 'zh')}`, en: `${pick(SOURCE_TEXT[r.source], 'en')}: ${pick(CHECK_TEXT[r.check], 'en')}` })),
          reasons: rs.map((r) => r.reason),
          points: fromMilli(item.max),
        },
        fields: item.fields,
      });
    } else if (noneReported) {
      rule.push({
        points: item.max,
        source: 'rule',
        code: 'no-evidence',
        data: { fields: item.fields.map((x) => model.fields.get(x)?.title ?? { zh: x }), points: fromMilli(item.max) },
        fields: item.fields,
      });
    } else if (item.method !== undefined) {
      ctx.params = item.prepared;
      ctx.max = item.max;
      const m = item.method;
      if (m.score !== undefined) m.score(ctx);
      else {
        // The kernel, the general way: the same points, explained now.
        const k = m.kernel as FieldKernel;
        const field = item.fields[0] as string;
        const v = get(field);
        const points = k.deduct(item.prepared, v, item.max);
        if (points > 0) ctx.deduct(k.messageId, points, k.explain(item.prepared, v, item.max, points, ctx.fieldText(field)), [field]);
      }
    } else if (item.logic !== undefined) {
      let data = logicData();
      if (rejectedFields !== undefined) {
        // A rejected field reads as not reported.
        const values = Array.from(data.values);
        for (const name of rejectedFields) {
          const i = model.fieldIndex.get(name);
          if (i !== undefined) values[i] = undefined;
        }
        data = new Frame(values, data.data);
      }
      const earned = logicEarned(item, item.logic(data));
      if (earned < item.max) {
        rule.push({ points: item.max - earned, source: 'rule', code: 'logic', data: { earned: fromMilli(earned), max: fromMilli(item.max), points: fromMilli(item.max - earned) }, fields: item.fields });
      }
    }
    // Without findings every built-in policy gives the rule deductions as they are.
    const merged: readonly DeductionDraft[] =
      f === undefined && item.builtinMerge
        ? rule.length === 0 ? NONE : rule.slice()
        : item.merge({ rule: rule.slice(), dataCheck: f?.dataCheck ?? [], onsite: f?.onsite ?? [], max: item.max });
    // Bound by the max in order, so max − earned = Σ deductions exactly.
    let left = item.max;
    let applied: readonly number[] = NONE;
    if (merged.length > 0) {
      const list = new Array<number>(merged.length);
      for (let i = 0; i < merged.length; i++) {
        const d = merged[i] as DeductionDraft;
        const a = d.superseded ? 0 : Math.min(Math.max(0, Math.round(d.points)), left);
        left -= a;
        list[i] = a;
      }
      applied = list;
    }
    current = undefined;
    currentFindings = undefined;
    rejectedFields = undefined;
    return { item, applicable: true, max: item.max, earned: left, deductions: merged, applied, rejections };
  };
}
