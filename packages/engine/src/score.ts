/**
 * Scoring: one unit's evidence and the check findings → a ScoreCard. Pure and
 * deterministic. Points are integer thousandths until the card is rendered.
 * @module
 */
import type { ValidateFunction } from 'ajv';
import { EvidenceError, ptr, type Issue } from './errors.js';
import { ajvIssues, shown } from './ajv-issues.js';
import type { CompiledItem, CompiledModel, CompiledNode, ItemText, Template } from './compile.js';
import type { FieldValue, Finding, UnitEvidence } from './model.js';
import type { DeductionDraft, MergePolicy, ScoreContext } from './plugin.js';
import { fromMilli, toMilli, hasAtMostThreeDecimals } from './points.js';
import { format, pick, type Lang, type LocalText } from './text.js';
import { createHash } from 'node:crypto';
import { contentHash, stableJson } from './hash.js';
import { truthy } from './logic/runtime.js';
import type { Deduction, ScoreCard, ScoreNode, VetoResult } from './scorecard.js';
import { mergeBoth, mergeLarger, mergeOnsiteOverrides } from './merge.js';

/** Options of `ruleset.score`. */
export interface ScoreOptions {
  /** Findings of the data check (数据核查) and the on-site check (现场检查) for this unit. */
  findings?: readonly Finding[];
  /** Language of reasons and suggestions (default `zh`). */
  lang?: Lang;
}

const CHECK_TEXT: Record<string, LocalText> = {
  authenticity: { zh: '真实性', en: 'authenticity' },
  accuracy: { zh: '准确性', en: 'accuracy' },
  completeness: { zh: '完整性', en: 'completeness' },
  compliance: { zh: '达标率', en: 'compliance rate' },
};
const SOURCE_TEXT: Record<string, LocalText> = {
  'data-check': { zh: '数据核查', en: 'data check' },
  onsite: { zh: '现场检查', en: 'on-site check' },
};

const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;
/** Shared empty list (never handed out: output arrays are always fresh). */
const NONE: readonly never[] = Object.freeze([]);
const NO_FINDINGS: ReadonlyMap<string, ItemFindings> = new Map();
/** The built-in policies: with no findings, each gives the rule deductions unchanged. */
const BUILTIN_MERGE: ReadonlySet<MergePolicy> = new Set([mergeBoth, mergeLarger, mergeOnsiteOverrides]);

// Turning a fraction into text costs ~100 ns, and explanations and the evidence hash write the
// same few points and rates over and over: remember them (a pure function; bounded).
const numberTexts = new Map<number, string>();

/** `String(n)`, remembered. */
function numberText(n: number): string {
  let s = numberTexts.get(n);
  if (s === undefined) {
    if (numberTexts.size >= 4096) numberTexts.clear();
    s = String(n);
    numberTexts.set(n, s);
  }
  return s;
}

/** A template parameter as text, exactly as `format` (text.ts) shows it: local text picked, lists joined. */
function show(value: unknown, lang: Lang): string {
  if (typeof value === 'number') return numberText(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'zh' in value) return pick(value as LocalText, lang);
  if (Array.isArray(value)) return value.map((v) => show(v, lang)).join(lang === 'zh' ? '、' : ', ');
  if (value === undefined || value === null) return '';
  return String(value);
}

// Characters JSON escapes (and lone surrogates, which it writes as \u escapes).
// eslint-disable-next-line no-control-regex
const ESCAPED = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;

/** A string as JSON, the same as `JSON.stringify(s)`, without its cost for plain text. */
function quote(s: string): string {
  return s.length < 5000 && !ESCAPED.test(s) ? `"${s}"` : JSON.stringify(s);
}

/**
 * Sorted-key JSON of plain data — strings, numbers, booleans, null, arrays and plain objects,
 * nothing `undefined`, no `toJSON`, not deeper than 64 — exactly as `stableJson` writes it; or
 * `null` for anything else (the caller then takes `stableJson`'s general path).
 */
function plainJson(value: unknown, depth: number): string | null {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? numberText(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return 'null';
  if (depth > 64) return null;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      const x = plainJson(value[i], depth + 1);
      if (x === null) return null;
      s += i === 0 ? x : ',' + x;
    }
    return s + ']';
  }
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
  // Default sort: UTF-16 code unit order, the order `stableJson` sorts keys in.
  const keys = Object.keys(value).sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const x = plainJson((value as Record<string, unknown>)[k], depth + 1);
    if (x === null) return null;
    s += (i === 0 ? '' : ',') + quote(k) + ':' + x;
  }
  return s + '}';
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

interface Rejection {
  field: string | undefined;
  check: string;
  reason: string;
  source: 'data-check' | 'onsite';
}

interface ItemFindings {
  dataCheck: DeductionDraft[];
  onsite: DeductionDraft[];
  rejections: Rejection[];
  grade: string | undefined;
  onsiteGrade: { grade: string; index: number } | undefined;
  dataCheckGrade: { grade: string; index: number } | undefined;
}

/** A scored item, before rendering (also its own node of the result tree). */
interface ItemResult {
  item: CompiledItem;
  applicable: boolean;
  /** Applicable maximum (0 when not applicable). */
  max: number;
  earned: number;
  /** The merged deductions, in order, and the points each one applies after bounding. */
  deductions: readonly DeductionDraft[];
  applied: readonly number[];
  rejections: readonly Rejection[];
}

interface GroupResult {
  item?: undefined;
  node: CompiledNode;
  max: number;
  earned: number;
  applicable: boolean;
  children: Array<GroupResult | ItemResult>;
}

function validateEvidence(model: CompiledModel, evidence: UnitEvidence): Issue[] {
  const issues: Issue[] = [];
  if (evidence === null || typeof evidence !== 'object') return [{ path: '', message: `expected unit evidence { unit, values }, found ${shown(evidence)}` }];
  const u = evidence.unit as unknown as Record<string, unknown> | undefined;
  if (u === null || typeof u !== 'object') issues.push({ path: '/unit', message: `expected the unit { id, name, kind }, found ${shown(u)}` });
  else {
    for (const k of ['id', 'name', 'kind']) {
      if (typeof u[k] !== 'string' || (u[k] as string).length === 0) issues.push({ path: `/unit/${k}`, message: `expected text, found ${shown(u[k])}` });
    }
    if (typeof u['kind'] === 'string' && !model.unitKinds.has(u['kind'])) {
      issues.push({ path: '/unit/kind', message: `this ruleset (${model.json.id}) is for ${[...model.unitKinds].join(', ')}, not "${u['kind']}"` });
    }
  }
  const values = evidence.values as unknown;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    issues.push({ path: '/values', message: `expected an object of field values, found ${shown(values)}` });
    return issues;
  }
  for (const name of Object.keys(values)) {
    const check = model.fieldCheck.get(name);
    const v = (values as Record<string, unknown>)[name];
    if (check === undefined) issues.push({ path: ptr('values', name), message: `"${name}" is not an evidence field of ${model.json.id}@${model.json.version}` });
    else if (v !== null) {
      const m = check(v);
      if (m !== undefined) issues.push({ path: ptr('values', name), message: m });
    }
  }
  return issues;
}

function groupFindings(model: CompiledModel, findings: readonly Finding[], validate: ValidateFunction): Map<string, ItemFindings> {
  if (!validate(findings)) throw new EvidenceError(ajvIssues(validate.errors, findings, ''), 'Invalid findings');
  const issues: Issue[] = [];
  // Sort so the card does not depend on the order findings were listed in.
  const sorted = findings.map((f, i) => ({ f, i, key: stableJson(f) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  const out = new Map<string, ItemFindings>();
  for (const { f, i } of sorted) {
    const item = model.itemById.get(f.item);
    if (item === undefined) {
      issues.push({ path: `/${i}/item`, message: `"${f.item}" is not an item of ${model.json.id}@${model.json.version}` });
      continue;
    }
    let g = out.get(f.item);
    if (g === undefined) {
      g = { dataCheck: [], onsite: [], rejections: [], grade: undefined, onsiteGrade: undefined, dataCheckGrade: undefined };
      out.set(f.item, g);
    }
    if (f.type === 'rejected') {
      if (f.field !== undefined && !item.fields.includes(f.field)) {
        issues.push({ path: `/${i}/field`, message: `item ${f.item} does not read "${f.field}" (it reads ${item.fields.join(', ') || 'no fields'})` });
        continue;
      }
      g.rejections.push({ field: f.field, check: f.check, reason: f.reason, source: f.source });
    } else if (f.type === 'deduction') {
      if (!hasAtMostThreeDecimals(f.points)) {
        issues.push({ path: `/${i}/points`, message: `points have at most three decimals, found ${f.points}` });
        continue;
      }
      const text: DeductionDraft['text'] = { reason: f.reason };
      if (f.suggestion !== undefined) text.suggestion = f.suggestion;
      if (f.evidence !== undefined) text.evidence = f.evidence;
      (f.source === 'onsite' ? g.onsite : g.dataCheck).push({ points: toMilli(f.points), source: f.source, code: 'finding', data: {}, text });
    } else {
      if (item.grades === undefined) {
        issues.push({ path: `/${i}/grade`, message: `item ${f.item} is not scored by an expert grade (method ${item.methodName ?? 'logic'})` });
        continue;
      }
      if (!item.grades.has(f.grade)) {
        issues.push({ path: `/${i}/grade`, message: `expected one of ${[...item.grades].map((x) => JSON.stringify(x)).join(', ')}, found "${f.grade}"` });
        continue;
      }
      const prior = f.source === 'onsite' ? g.onsiteGrade : g.dataCheckGrade;
      if (prior !== undefined && prior.grade !== f.grade) {
        // Said the same way whatever the input order: at the later one, grades in input order.
        const [first, second] = prior.index < i ? [prior, { grade: f.grade, index: i }] : [{ grade: f.grade, index: i }, prior];
        issues.push({ path: `/${second.index}/grade`, message: `item ${f.item} has two different grades from the ${f.source} ("${first.grade}", "${second.grade}")` });
        continue;
      }
      if (f.source === 'onsite') g.onsiteGrade = { grade: f.grade, index: i };
      else g.dataCheckGrade = { grade: f.grade, index: i };
      // The on-site group's grade stands over the data check's: it saw the thing itself.
      g.grade = (g.onsiteGrade ?? g.dataCheckGrade)?.grade;
    }
  }
  if (issues.length > 0) {
    // Report in the order the findings were given, not the order they were applied.
    const index = (i: Issue) => Number(i.path.split('/')[1]);
    throw new EvidenceError(issues.sort((a, b) => index(a) - index(b)), 'Invalid findings');
  }
  return out;
}

/**
 * The evidence hash: SHA-256 of the sorted-key JSON of `{ evidence: { unit, values, sources },
 * findings }` (findings as their sorted JSON texts). Values are written in the ruleset's sorted
 * field order (every key of them is a declared field, checked before), which spares sorting
 * their keys per unit; anything but plain data takes the general path.
 */
function evidenceHash(model: CompiledModel, evidence: UnitEvidence, given: readonly Finding[]): string {
  const findings = given.map((f) => stableJson(f)).sort();
  const sources = evidence.sources ?? {};
  const general = () => contentHash({ evidence: { unit: evidence.unit, values: evidence.values, sources }, findings });
  const values = evidence.values as Record<string, unknown>;
  const proto: unknown = Object.getPrototypeOf(values);
  if ((proto !== Object.prototype && proto !== null) || typeof values['toJSON'] === 'function') return general();
  let v = '{';
  const fields = model.sortedFields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as { name: string; key: string };
    if (!isEnumerable.call(values, f.name)) continue;
    const x = plainJson(values[f.name], 3);
    if (x === null) return general();
    v += (v.length === 1 ? '' : ',') + f.key + x;
  }
  v += '}';
  const s = plainJson(sources, 2);
  const u = plainJson(evidence.unit, 2);
  const fs = plainJson(findings, 1);
  if (s === null || u === null || fs === null) return general();
  const json = `{"evidence":{"sources":${s},"unit":${u},"values":${v}},"findings":${fs}}`;
  return 'sha256:' + createHash('sha256').update(json, 'utf8').digest('hex');
}

/** Score one unit. Throws EvidenceError (all problems at once) for bad evidence or findings. */
export function scoreUnit(
  model: CompiledModel,
  evidence: UnitEvidence,
  options: ScoreOptions,
  validateFindings: ValidateFunction,
): ScoreCard {
  const issues = validateEvidence(model, evidence);
  if (issues.length > 0) throw new EvidenceError(issues);
  const lang: Lang = options.lang ?? 'zh';
  const given = options.findings ?? [];
  // No findings (the common case): nothing to validate, sort or group.
  const findings = Array.isArray(given) && given.length === 0 ? NO_FINDINGS : groupFindings(model, given, validateFindings);
  const hasFindings = findings.size > 0;
  const values = evidence.values;
  const unit = evidence.unit;
  const unitData = { id: unit.id, name: unit.name, kind: unit.kind };

  // Data JsonLogic sees: the unit, and every reported field (null = not reported), built only
  // when something reads it, and only with the fields JsonLogic reads at all (compiled rules
  // read literal paths only, so no rule can tell). Field names are declared, never "unit" nor a
  // property of Object.prototype, so plain assignment makes own data properties only: no key
  // can reach a prototype setter.
  let logicDataBuilt: Record<string, unknown> | undefined;
  const logicData = (): Record<string, unknown> => {
    if (logicDataBuilt === undefined) {
      const data: Record<string, unknown> = { unit: unitData };
      const names = model.logicFields;
      for (let i = 0; i < names.length; i++) {
        const k = names[i] as string;
        if (!isEnumerable.call(values, k)) continue;
        const v = values[k];
        if (v !== null) data[k] = v;
      }
      logicDataBuilt = data;
    }
    return logicDataBuilt;
  };

  // One context object, reused for every item.
  let current: CompiledItem | undefined;
  let currentFindings: ItemFindings | undefined;
  let rejectedFields: ReadonlySet<string> | undefined;
  const get = (field: string): FieldValue | undefined => {
    if (rejectedFields !== undefined && rejectedFields.has(field)) return undefined;
    const v = hasOwn.call(values, field) ? values[field] : undefined;
    return v === null ? undefined : v;
  };
  const rule: DeductionDraft[] = [];
  const ctx: ScoreContext<unknown> & { params: unknown; max: number } = {
    params: undefined,
    max: 0,
    value: get,
    grade: () => currentFindings?.grade,
    fieldTitle: (f) => model.fields.get(f)?.title ?? { zh: f },
    fieldUnit: (f) => model.fields.get(f)?.unit ?? '',
    deduct(code, points, data, fields) {
      if (!Number.isInteger(points) || points < 0) {
        throw new Error(`scoring method "${current?.methodName}" deducted ${points} (expected integer thousandths ≥ 0) on item ${current?.id}`);
      }
      if (points === 0) return;
      const d: DeductionDraft = { points, source: 'rule', code, data };
      if (fields !== undefined) d.fields = fields;
      rule.push(d);
    },
  };

  const scoreItem = (item: CompiledItem): ItemResult => {
    const f = hasFindings ? findings.get(item.id) : undefined;
    const rejections = f !== undefined ? f.rejections : NONE;
    if (!applies(item)) return { item, applicable: false, max: 0, earned: 0, deductions: NONE, applied: NONE, rejections };
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
        source: 'rule',
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
      item.method.score(ctx);
    } else if (item.logic !== undefined) {
      let data = logicData();
      if (rejectedFields !== undefined) {
        const rejected = rejectedFields;
        data = Object.fromEntries(Object.entries(data).filter(([k]) => !rejected.has(k)));
      }
      const out = item.logic(data);
      const n = typeof out === 'boolean' ? (out ? item.max : 0) : typeof out === 'number' && Number.isFinite(out) ? toMilli(out) : NaN;
      if (Number.isNaN(n)) {
        throw new EvidenceError([{ path: `${item.pointer}/scoring/logic`, message: `item ${item.id}'s logic gave ${shown(out)}, expected points as a number` }], 'Scoring failed');
      }
      const earned = Math.max(0, Math.min(item.max, n));
      if (earned < item.max) {
        rule.push({ points: item.max - earned, source: 'rule', code: 'logic', data: { earned: fromMilli(earned), max: fromMilli(item.max), points: fromMilli(item.max - earned) }, fields: item.fields });
      }
    }
    // Without findings every built-in policy gives the rule deductions as they are.
    const merged: readonly DeductionDraft[] =
      f === undefined && BUILTIN_MERGE.has(item.merge)
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

  const applies = (item: CompiledItem): boolean => {
    const a = item.applicability;
    if (a === undefined) return true;
    if (a.kinds !== undefined && !a.kinds.has(unit.kind)) return false;
    if (a.units !== undefined && !a.units.has(unit.id)) return false;
    if (a.except !== undefined && a.except.has(unit.id)) return false;
    if (a.when !== undefined && !truthy(a.when(logicData()))) return false;
    return true;
  };

  const walk = (node: CompiledNode): GroupResult | ItemResult => {
    if (node.kind === 'item') return scoreItem(node);
    const children = new Array<GroupResult | ItemResult>(node.children.length);
    let sumMax = 0;
    let sumEarned = 0;
    let applicable = false;
    for (let i = 0; i < children.length; i++) {
      const c = walk(node.children[i] as CompiledNode);
      children[i] = c;
      sumMax += c.max;
      sumEarned += c.earned;
      if (c.applicable) applicable = true;
    }
    const max = node.capped ? Math.min(node.max, sumMax) : sumMax;
    return { node, max, earned: Math.min(max, sumEarned), applicable, children };
  };

  const tree = model.tree.map(walk);
  const max = tree.reduce((s, n) => s + n.max, 0);
  const earned = tree.reduce((s, n) => s + n.earned, 0);
  let bonusResult: GroupResult | undefined;
  if (model.bonus !== undefined) {
    const children = model.bonus.items.map(walk);
    const sum = children.reduce((s, c) => s + c.earned, 0);
    const cap = model.bonus.cap;
    bonusResult = {
      node: { kind: 'group', id: model.bonus.id, title: model.bonus.title, max: cap, capped: true, children: [] },
      max: cap,
      earned: Math.min(cap, sum),
      applicable: children.some((c) => c.applicable),
      children,
    };
  }
  const bonus = bonusResult?.earned ?? 0;

  // Vetoes (否决项).
  const vetoes: VetoResult[] = [];
  let total = earned + bonus;
  const scale = model.json.normalize?.scale;
  let normalized = scale === undefined ? undefined : (max === 0 ? 0 : Math.round((earned * toMilli(scale)) / max)) + bonus;
  let forcedGrade: string | undefined;
  for (const v of model.vetoes) {
    if (!truthy(v.when(logicData()))) continue;
    vetoes.push({ id: v.id, title: pick(v.title, lang), reason: pick(v.reason, lang), effect: v.effect.type });
    if (v.effect.type === 'zero') {
      total = 0;
      if (normalized !== undefined) normalized = 0;
    } else if (v.effect.type === 'cap') {
      const c = toMilli(v.effect.total);
      total = Math.min(total, c);
      if (normalized !== undefined) normalized = Math.min(normalized, c);
    } else if (v.effect.type === 'grade') {
      forcedGrade ??= v.effect.grade;
    }
  }
  const basis = normalized ?? total;
  let grade = forcedGrade !== undefined ? model.grades.find((g) => g.id === forcedGrade) : model.grades.find((g) => fromMilli(basis) >= g.min);
  // A veto that sets a grade can only lower it.
  if (forcedGrade !== undefined) {
    const reached = model.grades.find((g) => fromMilli(basis) >= g.min);
    if (reached !== undefined && grade !== undefined && reached.min < grade.min) grade = reached;
  }

  const sources = evidence.sources ?? {};
  // Sources are looked up by own property, so any own name (even a non-enumerable one) counts.
  const anySources = Object.getOwnPropertyNames(sources).length > 0;
  const renderItem = (r: ItemResult): ScoreNode => {
    const item = r.item;
    const node: ScoreNode = {
      id: item.id,
      title: pick(item.title, lang),
      max: r.applicable ? fromMilli(item.max) : 0,
      earned: fromMilli(r.earned),
      applicable: r.applicable,
    };
    if (!r.applicable) {
      node.notApplicableReason = pick(item.applicability?.reason, lang);
      return node;
    }
    node.method = item.methodName ?? 'logic';
    const text = lang === 'en' ? item.text.en : item.text.zh;
    if (text.suggestion !== undefined && r.applied.some((a) => a > 0)) node.suggestion = fillSuggestion(text.suggestion, item, fromMilli(item.max - r.earned), lang);
    const n = r.deductions.length;
    const deductions = new Array<Deduction>(n);
    for (let i = 0; i < n; i++) deductions[i] = renderDeduction(r.deductions[i] as DeductionDraft, r.applied[i] as number, item, text, r.rejections);
    node.deductions = deductions;
    return node;
  };
  const renderDeduction = (
    d: DeductionDraft,
    applied: number,
    item: CompiledItem,
    text: ItemText,
    rejections: readonly Rejection[],
  ): Deduction => {
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
      if (d.fields !== undefined && anySources) {
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
  };
  const render = (g: GroupResult | ItemResult): ScoreNode => {
    if (g.item !== undefined) return renderItem(g);
    const children = g.children;
    const out = new Array<ScoreNode>(children.length);
    for (let i = 0; i < children.length; i++) out[i] = render(children[i] as GroupResult | ItemResult);
    return {
      id: g.node.id,
      title: pick(g.node.title, lang),
      max: fromMilli(g.max),
      earned: fromMilli(g.earned),
      applicable: g.applicable,
      children: out,
    };
  };
  const nodes = tree.map(render);
  if (bonusResult !== undefined) nodes.push(render(bonusResult));

  const card: ScoreCard = {
    ruleset: { id: model.json.id, version: model.json.version, hash: model.hash },
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    evidenceHash: evidenceHash(model, evidence, options.findings ?? []),
    max: fromMilli(max),
    earned: fromMilli(earned),
    bonus: fromMilli(bonus),
    total: fromMilli(total),
    grade: grade?.id ?? null,
    gradeTitle: grade ? pick(grade.title, lang) : null,
    vetoed: vetoes.length > 0,
    vetoes,
    nodes,
  };
  if (normalized !== undefined) {
    // Keep the documented key order: normalized right after total.
    const { grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns, ...head } = card;
    return { ...head, normalized: fromMilli(normalized), grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns };
  }
  return card;
}
