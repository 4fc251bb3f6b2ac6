/**
 * The built-in scoring methods, in the rubric's own terms, shipped as one plugin.
 * Params are in points (分, ≤ 3 decimals); `prepare` turns them into thousandths once.
 * @module
 */
import { Type, type Static } from 'typebox';
import { defineMethod, definePlugin, type FieldRef, type Plugin } from '../plugin.js';
import type { FieldType, FieldValue } from '../model.js';
import type { Issue } from '../errors.js';
import { toMilli, fromMilli } from '../points.js';
import { LocalTextSchema } from '../model.js';
import type { LocalText } from '../text.js';
import { KERNEL_PER_FINDING, KERNEL_PER_MISSING, KERNEL_PRESENCE, KERNEL_RATE, KERNEL_THRESHOLD, KERNEL_TIERS, type FieldKernel, type FieldText } from '../kernel.js';

const FieldName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' });
const Pts = Type.Number({ minimum: 0 });
const Positive = Type.Number({ exclusiveMinimum: 0 });

const PRESENCE_TYPES: readonly FieldType[] = ['boolean', 'documents', 'integer', 'number', 'date', 'enum'];
const COUNT_TYPES: readonly FieldType[] = ['integer'];
const MEASURE_TYPES: readonly FieldType[] = ['integer', 'number', 'rate'];

/** Whether a reported value counts as "present" (有). */
export function isPresent(v: FieldValue | undefined): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v > 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return v === true;
}

function num(v: FieldValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function one(field: string, types: readonly FieldType[]): FieldRef[] {
  return [{ field, path: '/field', types }];
}

// ── presence: 有/无 ──────────────────────────────────────────────────────────────
const PresenceParams = Type.Object(
  {
    field: FieldName,
    deduct: Type.Optional(Pts),
  },
  { additionalProperties: false },
);
type PresencePrepared = { field: string; deduct: number | undefined };
/** Points presence deducts (thousandths): the item's `deduct` (or max) when the value is absent. */
export function presenceDeduct(p: PresencePrepared, v: FieldValue | undefined, max: number): number {
  return isPresent(v) ? 0 : Math.min(p.deduct ?? max, max);
}
/**
 * What a reported "absent" value says, in the field's own words: its declared `negative` (e.g.
 * 道路交通事故万车死亡率较上年未下降), else by type — 否 for a yes/no field, 未提供 for an empty
 * document list (nothing was submitted), the number for a count. Never 未提供 for a 否: a unit
 * that answered is not a unit that did not submit (that is the engine's `no-evidence`).
 */
export function negativeStatement(f: FieldText, v: FieldValue | undefined): LocalText {
  if (f.negative !== undefined) return f.negative;
  const zh = f.title.zh;
  const en = f.title.en ?? f.title.zh;
  if (typeof v === 'boolean' || f.type === 'boolean') return { zh: `${zh}：否`, en: `${en}: no` };
  if (typeof v === 'number') return { zh: `${zh}为${v}${f.unit}`, en: `${en}: ${v}${f.unit}` };
  return { zh: `未提供${zh}`, en: `No ${en} provided` };
}

/** How a count of a field reads: its declared `count` (a template with {count}), else {count} and its unit (处 by default). */
export function countText(f: FieldText, count: number): LocalText {
  const c = String(count);
  if (f.count !== undefined) {
    return { zh: f.count.zh.split('{count}').join(c), en: (f.count.en ?? f.count.zh).split('{count}').join(c) };
  }
  return { zh: `${c}${f.unit || '处'}`, en: count === 1 ? '1 finding' : `${c} findings` };
}

const presenceKernel: FieldKernel<PresencePrepared> = {
  messageId: 'absent',
  deduct: presenceDeduct,
  explain: (_p, v, _max, points, f) => ({ field: f.title, statement: negativeStatement(f, v), points: fromMilli(points) }),
};
export const presence = defineMethod<Static<typeof PresenceParams>, { field: string; deduct: number | undefined }>({
  meta: {
    description: { zh: '有/无：未提供即扣分', en: 'Present or absent: deduct when absent' },
    monotonic: true,
    fields: (p) => one(p.field, PRESENCE_TYPES),
  },
  params: PresenceParams,
  messages: {
    absent: {
      reason: { zh: '{statement}，扣{points}分', en: '{statement}; {points} deducted' },
      suggestion: { zh: '落实“{field}”并提交佐证材料', en: 'Achieve "{field}" and submit its evidence' },
      data: ['field', 'statement', 'points'],
    },
  },
  prepare: (p) => ({ field: p.field, deduct: p.deduct === undefined ? undefined : toMilli(p.deduct) }),
  kernel: presenceKernel,
});

// ── per-finding: 每发现一处扣x分，y分扣完为止 ─────────────────────────────────────
const PerFindingParams = Type.Object(
  {
    field: FieldName,
    per: Positive,
    cap: Type.Optional(Positive),
  },
  { additionalProperties: false },
);
type PerFindingPrepared = { field: string; per: number; cap: number };
/** Points per-finding deducts: `per` a finding, at most `cap`. */
export function perFindingDeduct(p: PerFindingPrepared, v: FieldValue | undefined, max: number): number {
  const count = num(v) ?? 0;
  return count <= 0 ? 0 : Math.min(count * p.per, p.cap, max);
}
const perFindingKernel: FieldKernel<PerFindingPrepared> = {
  messageId: 'findings',
  deduct: perFindingDeduct,
  explain: (p, v, max, points, f) => ({
    field: f.title,
    count: num(v) ?? 0,
    found: countText(f, num(v) ?? 0),
    measure: f.unit || '处',
    per: fromMilli(p.per),
    cap: fromMilli(Math.min(p.cap, max)),
    points: fromMilli(points),
  }),
};
export const perFinding = defineMethod<Static<typeof PerFindingParams>, { field: string; per: number; cap: number }>({
  meta: {
    description: { zh: '每发现一处扣x分，y分扣完为止', en: 'Deduct per finding, up to a cap' },
    monotonic: true,
    fields: (p) => one(p.field, COUNT_TYPES),
  },
  params: PerFindingParams,
  messages: {
    findings: {
      reason: {
        zh: '{field}：发现{found}，每{measure}扣{per}分，{cap}分扣完为止，扣{points}分',
        en: '{field}: {found}, {per} each, at most {cap}; {points} deducted',
      },
      suggestion: { zh: '逐一整改{field}（{found}）', en: 'Rectify {field} ({found})' },
      data: ['field', 'count', 'found', 'measure', 'per', 'cap', 'points'],
    },
  },
  check(p, item) {
    return p.cap !== undefined && toMilli(p.cap) > item.max
      ? [{ path: '/cap', message: `cap ${p.cap} exceeds the item's max ${fromMilli(item.max)}` }]
      : [];
  },
  prepare: (p, item) => ({ field: p.field, per: toMilli(p.per), cap: p.cap === undefined ? item.max : toMilli(p.cap) }),
  kernel: perFindingKernel,
});

// ── per-missing: 每缺一项扣x分，y分扣完为止 ──────────────────────────────────────
const PerMissingParams = Type.Object(
  {
    field: FieldName,
    required: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    per: Positive,
    cap: Type.Optional(Positive),
  },
  { additionalProperties: false },
);
type PerMissingPrepared = { field: string; required: readonly string[]; per: number; cap: number };
const missingOf = (p: PerMissingPrepared, v: FieldValue | undefined): string[] => {
  const have = Array.isArray(v) ? (v as readonly string[]) : [];
  return p.required.filter((r) => !have.includes(r));
};
/** Points per-missing deducts: `per` a missing required document, at most `cap`. */
export function perMissingDeduct(p: PerMissingPrepared, v: FieldValue | undefined, max: number): number {
  // Counted without building the list (the explanation lists them).
  const have = Array.isArray(v) ? (v as readonly string[]) : NO_DOCUMENTS;
  const required = p.required;
  let count = 0;
  for (let i = 0; i < required.length; i++) if (!have.includes(required[i] as string)) count++;
  return count === 0 ? 0 : Math.min(count * p.per, p.cap, max);
}
const NO_DOCUMENTS: readonly string[] = [];
const perMissingKernel: FieldKernel<PerMissingPrepared> = {
  messageId: 'missing',
  deduct: perMissingDeduct,
  explain(p, v, max, points, f) {
    const missing = missingOf(p, v);
    return {
      field: f.title,
      count: missing.length,
      missing,
      per: fromMilli(p.per),
      cap: fromMilli(Math.min(p.cap, max)),
      points: fromMilli(points),
    };
  },
};
export const perMissing = defineMethod<
  Static<typeof PerMissingParams>,
  { field: string; required: readonly string[]; per: number; cap: number }
>({
  meta: {
    description: { zh: '每缺一项扣x分，y分扣完为止', en: 'Deduct per missing document, up to a cap' },
    monotonic: true,
    fields: (p) => one(p.field, ['documents']),
  },
  params: PerMissingParams,
  messages: {
    missing: {
      reason: {
        zh: '{field}缺{count}项：{missing}；每缺一项扣{per}分，{cap}分扣完为止，扣{points}分',
        en: '{count} missing from {field}: {missing}; {per} each, at most {cap}; {points} deducted',
      },
      suggestion: { zh: '制修订并提交：{missing}', en: 'Draft or revise and submit: {missing}' },
      data: ['field', 'count', 'missing', 'per', 'cap', 'points'],
    },
  },
  check(p, item) {
    const issues: Issue[] = [];
    const seen = new Set<string>();
    p.required.forEach((r, i) => {
      if (seen.has(r)) issues.push({ path: `/required/${i}`, message: `"${r}" is listed twice` });
      seen.add(r);
    });
    if (p.cap !== undefined && toMilli(p.cap) > item.max) {
      issues.push({ path: '/cap', message: `cap ${p.cap} exceeds the item's max ${fromMilli(item.max)}` });
    }
    return issues;
  },
  prepare: (p, item) => ({
    field: p.field,
    required: p.required.slice(),
    per: toMilli(p.per),
    cap: p.cap === undefined ? item.max : toMilli(p.cap),
  }),
  kernel: perMissingKernel,
});

// ── threshold: 改造率≤80%的，扣1分 ───────────────────────────────────────────────
const Op = Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>=')]);
type OpT = Static<typeof Op>;
const OP_TEXT: Record<OpT, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };
const ThresholdParams = Type.Object(
  {
    field: FieldName,
    op: Op,
    value: Type.Number(),
    deduct: Positive,
  },
  { additionalProperties: false, description: 'Deduct `deduct` when `field op value` holds' },
);
type ThresholdPrepared = { field: string; op: OpT; value: number; deduct: number };
/** Points threshold deducts: `deduct` when `value op threshold` holds. */
export function thresholdDeduct(p: ThresholdPrepared, value: FieldValue | undefined, max: number): number {
  const v = num(value);
  if (v === undefined) return 0;
  const op = p.op;
  const breached = op === '<' ? v < p.value : op === '<=' ? v <= p.value : op === '>' ? v > p.value : v >= p.value;
  return breached ? Math.min(p.deduct, max) : 0;
}
const thresholdKernel: FieldKernel<ThresholdPrepared> = {
  messageId: 'breached',
  deduct: thresholdDeduct,
  explain: (p, value, _max, points, f) => ({
    field: f.title,
    value: num(value),
    unit: f.unit,
    op: OP_TEXT[p.op],
    threshold: p.value,
    points: fromMilli(points),
  }),
};
export const threshold = defineMethod<Static<typeof ThresholdParams>, { field: string; op: OpT; value: number; deduct: number }>({
  meta: {
    description: { zh: '阈值：如“改造率≤80%的，扣1分”', en: 'Threshold: deduct a fixed amount when the condition holds' },
    monotonic: true,
    fields: (p) => one(p.field, MEASURE_TYPES),
  },
  params: ThresholdParams,
  messages: {
    breached: {
      reason: {
        zh: '{field}为{value}{unit}（{op}{threshold}{unit}），扣{points}分',
        en: '{field} is {value}{unit} ({op} {threshold}{unit}); {points} deducted',
      },
      suggestion: { zh: '采取措施使{field}达到要求', en: 'Bring {field} up to the requirement' },
      data: ['field', 'value', 'unit', 'op', 'threshold', 'points'],
    },
  },
  check(p, item) {
    return toMilli(p.deduct) > item.max
      ? [{ path: '/deduct', message: `deduct ${p.deduct} exceeds the item's max ${fromMilli(item.max)}` }]
      : [];
  },
  prepare: (p) => ({ field: p.field, op: p.op, value: p.value, deduct: toMilli(p.deduct) }),
  kernel: thresholdKernel,
});

// ── rate: 达标率≥95%；完好率100% ─────────────────────────────────────────────────
const RateParams = Type.Object(
  {
    field: FieldName,
    target: Type.Number({ minimum: 0, maximum: 100 }),
    per: Type.Optional(Positive),
    step: Type.Optional(Positive),
    steps: Type.Optional(
      Type.Union([Type.Literal('started'), Type.Literal('complete'), Type.Literal('linear')], {
        description:
          "How a part of a step counts: 'started' (default: 不足一个步长的按一个步长计), 'complete' (only whole steps deduct), 'linear' (in proportion, rounded half-up to thousandths of a point)",
      }),
    ),
    cap: Type.Optional(Positive),
  },
  {
    additionalProperties: false,
    description: 'Full marks at or above target; below it, `per` points per `step` percentage points (how a part of a step counts: `steps`), up to `cap`; without `per`, the whole cap',
  },
);
type RateSteps = 'started' | 'complete' | 'linear';
type RatePrepared = { field: string; target: number; per: number | undefined; step: number; steps: RateSteps; cap: number };
/** Points rate deducts: below target, `per` a `step` (started, complete or in proportion), at most `cap` (all of it without `per`). */
export function rateDeduct(p: RatePrepared, value: FieldValue | undefined, max: number): number {
  const v = num(value);
  if (v === undefined) return 0;
  const m = toMilli(v);
  if (m >= p.target) return 0;
  const limit = Math.min(p.cap, max);
  if (p.per === undefined) return limit;
  const gap = p.target - m;
  let points: number;
  if (p.steps === 'started') points = Math.ceil(gap / p.step) * p.per;
  else if (p.steps === 'complete') points = Math.floor(gap / p.step) * p.per;
  else {
    // gap × per ÷ step, rounded half-up, in integers (exact: no float decides a half).
    const a = gap * p.per;
    const q = Math.floor(a / p.step);
    points = 2 * (a - q * p.step) >= p.step ? q + 1 : q;
  }
  return Math.min(points, limit);
}
const rateKernel: FieldKernel<RatePrepared> = {
  messageId: 'below',
  deduct: rateDeduct,
  explain: (p, value, _max, points, f) => ({ field: f.title, value: num(value), target: fromMilli(p.target), points: fromMilli(points) }),
};
export const rate = defineMethod<
  Static<typeof RateParams>,
  { field: string; target: number; per: number | undefined; step: number; steps: RateSteps; cap: number }
>({
  meta: {
    description: { zh: '比率：达标率≥目标值得满分，每低一定百分点扣分，扣完为止', en: 'Rate at or above a target; less per point below' },
    monotonic: true,
    fields: (p) => one(p.field, ['rate']),
  },
  params: RateParams,
  messages: {
    below: {
      reason: { zh: '{field}为{value}%，低于{target}%，扣{points}分', en: '{field} is {value}%, below {target}%; {points} deducted' },
      suggestion: { zh: '提高{field}至{target}%以上', en: 'Raise {field} to at least {target}%' },
      data: ['field', 'value', 'target', 'points'],
    },
  },
  check(p, item) {
    return p.cap !== undefined && toMilli(p.cap) > item.max
      ? [{ path: '/cap', message: `cap ${p.cap} exceeds the item's max ${fromMilli(item.max)}` }]
      : [];
  },
  // Rates are compared in thousandths of a percentage point so no float error decides a step.
  prepare: (p, item) => ({
    field: p.field,
    target: toMilli(p.target),
    per: p.per === undefined ? undefined : toMilli(p.per),
    step: toMilli(p.step ?? 1),
    steps: p.steps ?? 'started',
    cap: p.cap === undefined ? item.max : toMilli(p.cap),
  }),
  kernel: rateKernel,
});

// ── tiers: value bands → points ──────────────────────────────────────────────────
const TiersParams = Type.Object(
  {
    field: FieldName,
    by: Type.Union([Type.Literal('atLeast'), Type.Literal('atMost')], {
      description: "'atLeast': a band applies when value ≥ its bound (higher is better); 'atMost': when value ≤ it",
    }),
    bands: Type.Array(Type.Object({ bound: Type.Number(), points: Pts }, { additionalProperties: false }), { minItems: 1 }),
  },
  { additionalProperties: false },
);
type Band = { bound: number; points: number };
type TiersPrepared = { field: string; by: 'atLeast' | 'atMost'; bands: Band[] };
/** Points tiers deducts: the max less the points of the band the value falls in. */
export function tiersDeduct(p: TiersPrepared, value: FieldValue | undefined, max: number): number {
  const v = num(value);
  let earned = 0;
  if (v !== undefined) {
    const atLeast = p.by === 'atLeast';
    const bands = p.bands;
    for (let i = 0; i < bands.length; i++) {
      const b = bands[i] as Band;
      if (atLeast ? v >= b.bound : v <= b.bound) {
        earned = b.points;
        break;
      }
    }
  }
  earned = Math.min(earned, max);
  return earned >= max ? 0 : max - earned;
}
const tiersKernel: FieldKernel<TiersPrepared> = {
  messageId: 'tier',
  deduct: tiersDeduct,
  explain: (_p, value, max, points, f) => ({
    field: f.title,
    value: num(value) ?? '—',
    unit: f.unit,
    earned: fromMilli(max - points),
    max: fromMilli(max),
    points: fromMilli(points),
  }),
};
export const tiers = defineMethod<Static<typeof TiersParams>, { field: string; by: 'atLeast' | 'atMost'; bands: Band[] }>({
  meta: {
    description: { zh: '分档计分：按数值所在档次得分', en: 'Tiers: points by the band the value falls in' },
    monotonic: true,
    fields: (p) => one(p.field, MEASURE_TYPES),
  },
  params: TiersParams,
  messages: {
    tier: {
      reason: {
        zh: '{field}为{value}{unit}，按分档得{earned}分（满分{max}分），扣{points}分',
        en: '{field} is {value}{unit}: {earned} of {max} by band; {points} deducted',
      },
      suggestion: { zh: '提升{field}至更高档次', en: 'Improve {field} to a higher band' },
      data: ['field', 'value', 'unit', 'earned', 'max', 'points'],
    },
  },
  check(p, item) {
    const issues: Issue[] = [];
    p.bands.forEach((b, i) => {
      if (toMilli(b.points) > item.max) issues.push({ path: `/bands/${i}/points`, message: `band points ${b.points} exceed the item's max ${fromMilli(item.max)}` });
    });
    // A max no band reaches is a slip (e.g. a max raised in a new edition without a new band).
    const best = Math.max(...p.bands.map((b) => toMilli(b.points)));
    if (best < item.max) issues.push({ path: '/bands', message: `no band gives the item's max ${fromMilli(item.max)} (the best gives ${fromMilli(best)}): the item could never earn full marks` });
    // Better bands must never give fewer points, else the method is not monotone.
    const sorted = p.bands.map((b, i) => ({ ...b, i })).sort((a, b) => (p.by === 'atLeast' ? a.bound - b.bound : b.bound - a.bound));
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1]!;
      const cur = sorted[k]!;
      if (cur.bound === prev.bound) issues.push({ path: `/bands/${cur.i}/bound`, message: `bound ${cur.bound} is used by two bands` });
      else if (cur.points < prev.points) {
        issues.push({ path: `/bands/${cur.i}/points`, message: `a better band gives fewer points (${cur.points} < ${prev.points}); tiers must be monotone` });
      }
    }
    return issues;
  },
  prepare: (p) => ({
    field: p.field,
    by: p.by,
    // Best band first, so scoring stops at the first match.
    bands: p.bands
      .map((b) => ({ bound: b.bound, points: toMilli(b.points) }))
      .sort((a, b) => (p.by === 'atLeast' ? b.bound - a.bound : a.bound - b.bound)),
  }),
  kernel: tiersKernel,
});

// ── checklist: named sub-points ──────────────────────────────────────────────────
const ChecklistParams = Type.Object(
  {
    points: Type.Array(
      Type.Object({ id: Type.String({ minLength: 1 }), title: LocalTextSchema, field: FieldName, points: Positive }, { additionalProperties: false }),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
type CheckPoint = { id: string; title: { zh: string; en?: string }; field: string; points: number };
export const checklist = defineMethod<Static<typeof ChecklistParams>, { points: CheckPoint[] }>({
  meta: {
    description: { zh: '分项计分：逐项核对，未达到的扣该项分值', en: 'Checklist: named sub-points, each lost when unmet' },
    monotonic: true,
    fields: (p) => p.points.map((c, i) => ({ field: c.field, path: `/points/${i}/field`, types: PRESENCE_TYPES })),
  },
  params: ChecklistParams,
  messages: {
    unmet: {
      reason: { zh: '未达到“{point}”，扣{points}分', en: '"{point}" not met; {points} deducted' },
      suggestion: { zh: '落实“{point}”并提交佐证材料', en: 'Meet "{point}" and submit evidence' },
      data: ['point', 'points'],
    },
  },
  check(p, item) {
    const issues: Issue[] = [];
    const sum = p.points.reduce((s, c) => s + toMilli(c.points), 0);
    if (sum !== item.max) issues.push({ path: '/points', message: `sub-points sum to ${fromMilli(sum)}, but the item's max is ${fromMilli(item.max)}` });
    const seen = new Set<string>();
    p.points.forEach((c, i) => {
      if (seen.has(c.id)) issues.push({ path: `/points/${i}/id`, message: `sub-point id "${c.id}" is used twice` });
      seen.add(c.id);
    });
    return issues;
  },
  prepare: (p) => ({ points: p.points.map((c) => ({ ...c, points: toMilli(c.points) })) }),
  score(ctx) {
    for (const c of ctx.params.points) {
      if (!isPresent(ctx.value(c.field))) ctx.deduct('unmet', c.points, { point: c.title, points: fromMilli(c.points) }, [c.field]);
    }
  },
});

// ── expert-grade: 优/良/中/差 ────────────────────────────────────────────────────
const DEFAULT_GRADES: Readonly<Record<string, number>> = { 优: 1, 良: 0.8, 中: 0.6, 差: 0.3 };
const ExpertGradeParams = Type.Object(
  {
    grades: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Number({ minimum: 0, maximum: 1 }))),
  },
  { additionalProperties: false, description: 'Grades as fractions of the max; default 优 1, 良 0.8, 中 0.6, 差 0.3' },
);
export const expertGrade = defineMethod<Static<typeof ExpertGradeParams>, { grades: Readonly<Record<string, number>> }>({
  meta: {
    description: { zh: '专家评定：优/良/中/差按分值比例得分', en: 'Expert grade: a fraction of the max per grade' },
    monotonic: true,
    fields: () => [],
    grades: (p) => Object.keys(p.grades ?? DEFAULT_GRADES),
  },
  params: ExpertGradeParams,
  messages: {
    graded: {
      reason: { zh: '{by}专家评定为“{grade}”，得{earned}分（满分{max}分）{note}', en: 'Graded "{grade}" by the {by} assessors: {earned} of {max}{note}' },
      suggestion: { zh: '对照评价内容补强薄弱环节', en: 'Strengthen the weak points against the criteria' },
      data: ['grade', 'by', 'note', 'earned', 'max', 'points'],
    },
    ungraded: {
      reason: { zh: '尚无专家评定等级', en: 'Not yet graded by the assessors' },
      suggestion: { zh: '提请评估组评定', en: 'Ask the evaluation group for a grade' },
      data: ['points'],
    },
  },
  check(p) {
    return p.grades !== undefined && Object.keys(p.grades).length === 0 ? [{ path: '/grades', message: 'at least one grade is needed' }] : [];
  },
  prepare: (p) => ({ grades: { ...(p.grades ?? DEFAULT_GRADES) } }),
  score(ctx) {
    const g = ctx.grade();
    const grades = ctx.params.grades;
    if (g === undefined || !Object.prototype.hasOwnProperty.call(grades, g)) {
      ctx.deduct('ungraded', ctx.max, { points: fromMilli(ctx.max) });
      return;
    }
    const earned = Math.round(ctx.max * (grades[g] as number));
    if (earned >= ctx.max) return;
    // The points are the assessors' finding: the deduction is theirs, on their check's list.
    const by = ctx.gradeSource();
    // The assessors' own words, when they gave them, after the grade.
    const why = ctx.gradeReason?.();
    const note = why === undefined ? { zh: '', en: '' } : { zh: `：${why}`, en: `: ${why}` };
    ctx.deduct(
      'graded',
      ctx.max - earned,
      { grade: g, by: by === 'onsite' ? { zh: '现场检查组', en: 'on-site check' } : by === 'data-check' ? { zh: '数据核查组', en: 'data check' } : { zh: '', en: '' }, note, earned: fromMilli(earned), max: fromMilli(ctx.max), points: fromMilli(ctx.max - earned) },
      undefined,
      by,
    );
  },
});

/** The built-in methods as one plugin. */
export const builtinMethods: Plugin = definePlugin({
  name: 'safecity:builtin-methods',
  methods: {
    presence,
    'per-finding': perFinding,
    'per-missing': perMissing,
    threshold,
    rate,
    tiers,
    checklist,
    'expert-grade': expertGrade,
  },
});

/**
 * The built-in kernels' points functions → their number (`KERNEL_*`): the scorer calls these
 * directly, one call site each; any other kernel (a plugin's) is called through its `deduct`.
 */
export const BUILTIN_KERNELS: ReadonlyMap<FieldKernel['deduct'], number> = new Map<FieldKernel['deduct'], number>([
  [presenceDeduct, KERNEL_PRESENCE],
  [perFindingDeduct, KERNEL_PER_FINDING],
  [perMissingDeduct, KERNEL_PER_MISSING],
  [thresholdDeduct, KERNEL_THRESHOLD],
  [rateDeduct, KERNEL_RATE],
  [tiersDeduct, KERNEL_TIERS],
]);
