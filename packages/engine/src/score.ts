/**
 * Scoring: one unit's evidence and the check findings → a ScoreCard. Pure and
 * deterministic. Points are integer thousandths until the card is rendered.
 * @module
 */
import type { Validator } from './validators/index.js';
import { EvidenceError, ptr, type Issue } from './errors.js';
import { ajvIssues, shown } from './ajv-issues.js';
import { FIELD_BOOLEAN, FIELD_INTEGER, FIELD_DOCUMENTS, FIELD_NUMBER, FIELD_RATE, PLAN_CONDITIONAL, PLAN_GENERAL, PLAN_LOGIC, PLAN_ROLE } from './compile.js';
import { KERNEL_PER_FINDING, KERNEL_PER_MISSING, KERNEL_PRESENCE, KERNEL_RATE, KERNEL_THRESHOLD, KERNEL_TIERS } from './kernel.js';
import { perFindingDeduct, perMissingDeduct, presenceDeduct, rateDeduct, thresholdDeduct, tiersDeduct } from './methods/builtins.js';
import type { CompiledItem, CompiledModel, CompiledNode, CompiledVeto, ItemText, Template } from './compile.js';
import type { FieldKernel, FieldText } from './kernel.js';
import type { LogicFn, LogicFrame } from './logic/types.js';
import type { FieldValue, Finding, UnitEvidence } from './model.js';
import type { DeductionDraft, ScoreContext } from './plugin.js';
import { fromMilli, toMilli, hasAtMostThreeDecimals, roundToMilli, mulDivRound } from './points.js';
import { format, pick, type Lang, type LocalText } from './text.js';
import { contentHash, sha256Hex, stableJson } from './hash.js';
import { truthy } from './logic/runtime.js';
import type { Deduction, Evaluation, ScoreCard, ScoreNode, VetoResult } from './scorecard.js';
import { documentsFromRegister, lacksText, missingDocumentText, takesRegister } from './register.js';

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

/** A template parameter as text, exactly as `format` (text.ts) shows it: local text picked, lists joined. */
function show(value: unknown, lang: Lang): string {
  if (typeof value === 'number') return String(value);
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
      return Number.isFinite(value) ? String(value) : 'null';
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
  onsiteGrade: { grade: string; index: number; reason: string | undefined } | undefined;
  dataCheckGrade: { grade: string; index: number; reason: string | undefined } | undefined;
}

/** An item scored the general way, before rendering. */
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
  issues.push(...registerIssues(model, evidence));
  return issues;
}

const ENTRY_TEXT_KEYS = ['title', 'number', 'link', 'provider', 'contact'] as const;
const ENTRY_KEYS = new Set(['document', 'title', 'number', 'date', 'archived', 'link', 'provider', 'contact']);

function isIsoDate(s: unknown): boolean {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Problems of the evidence's register (佐证材料清单) and 不适用 claims, when given. */
function registerIssues(model: CompiledModel, evidence: UnitEvidence): Issue[] {
  const issues: Issue[] = [];
  const register = evidence.register as unknown;
  if (register !== undefined) {
    if (register === null || typeof register !== 'object' || Array.isArray(register)) issues.push({ path: '/register', message: `expected an object of document lists by field, found ${shown(register)}` });
    else {
      for (const name of Object.keys(register)) {
        const f = model.fields.get(name);
        const at = ptr('register', name);
        if (f === undefined) issues.push({ path: at, message: `"${name}" is not an evidence field of ${model.json.id}@${model.json.version}` });
        else if (!takesRegister(f)) issues.push({ path: at, message: `"${name}" is a ${f.type} field, not a document field: only documents fields and yes/no fields with document: true take a register` });
        const list = (register as Record<string, unknown>)[name];
        if (!Array.isArray(list)) {
          issues.push({ path: at, message: `expected a list of document entries, found ${shown(list)}` });
          continue;
        }
        list.forEach((e: unknown, i) => {
          const ep = `${at}/${i}`;
          if (e === null || typeof e !== 'object' || Array.isArray(e)) {
            issues.push({ path: ep, message: `expected a document entry { document, title?, number?, date?, … }, found ${shown(e)}` });
            return;
          }
          const o = e as Record<string, unknown>;
          for (const k of Object.keys(o)) if (!ENTRY_KEYS.has(k)) issues.push({ path: `${ep}${ptr(k)}`, message: `unknown key "${k}" of a document entry` });
          if (typeof o['document'] !== 'string' || o['document'].length === 0) issues.push({ path: `${ep}/document`, message: `expected the document's name (text), found ${shown(o['document'])}` });
          for (const k of ENTRY_TEXT_KEYS) {
            if (o[k] !== undefined && (typeof o[k] !== 'string' || (o[k] as string).length === 0)) issues.push({ path: `${ep}/${k}`, message: `expected non-empty text, found ${shown(o[k])}` });
          }
          if (o['date'] !== undefined && !isIsoDate(o['date'])) issues.push({ path: `${ep}/date`, message: `expected a date YYYY-MM-DD, found ${shown(o['date'])}` });
          if (o['archived'] !== undefined && typeof o['archived'] !== 'boolean') issues.push({ path: `${ep}/archived`, message: `expected true or false, found ${shown(o['archived'])}` });
        });
      }
    }
  }
  const claims = evidence.claims as unknown;
  if (claims !== undefined) {
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) issues.push({ path: '/claims', message: `expected an object of reasons by item id, found ${shown(claims)}` });
    else {
      for (const id of Object.keys(claims)) {
        const reason = (claims as Record<string, unknown>)[id];
        if (!model.itemById.has(id)) issues.push({ path: ptr('claims', id), message: `"${id}" is not an item of ${model.json.id}@${model.json.version}` });
        if (typeof reason !== 'string' || reason.trim() === '') issues.push({ path: ptr('claims', id), message: `expected the reason (text), found ${shown(reason)}` });
      }
    }
  }
  return issues;
}

/** The item as it is scored for a unit: a partner's own scoring on an item it is a partner of (责任唯一), else the item. */
export function variantFor(item: CompiledItem, unitId: string): CompiledItem {
  const p = item.partner;
  return p !== undefined && item.partners!.has(unitId) ? p : item;
}

const CHECK_NAMES: Record<string, string> = { 'data-check': '数据核查 (data-check)', onsite: '现场检查 (onsite)' };

function groupFindings(model: CompiledModel, findings: readonly Finding[], validate: Validator, unitId: string): Map<string, ItemFindings> {
  if (!validate(findings)) throw new EvidenceError(ajvIssues(validate.errors, findings, ''), 'Invalid findings');
  const issues: Issue[] = [];
  // Sort so the card does not depend on the order findings were listed in.
  const sorted = findings.map((f, i) => ({ f, i, key: stableJson(f) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  const out = new Map<string, ItemFindings>();
  for (const { f, i } of sorted) {
    const listed = model.itemById.get(f.item);
    if (listed === undefined) {
      issues.push({ path: `/${i}/item`, message: `"${f.item}" is not an item of ${model.json.id}@${model.json.version}` });
      continue;
    }
    // A check can only find on an item it examines: the item lists the check methods it is scored by.
    if (listed.checkMethods !== undefined && !listed.checkMethods.has(f.source)) {
      issues.push({
        path: `/${i}/source`,
        message: `item ${f.item} is checked by ${[...listed.checkMethods].map((c) => CHECK_NAMES[c] ?? c).join(' and ')} only; this ${f.type} finding comes from ${CHECK_NAMES[f.source] ?? f.source}`,
      });
      continue;
    }
    const item = variantFor(listed, unitId);
    let g = out.get(f.item);
    if (g === undefined) {
      g = { dataCheck: [], onsite: [], rejections: [], grade: undefined, onsiteGrade: undefined, dataCheckGrade: undefined };
      out.set(f.item, g);
    }
    if (f.type === 'rejected') {
      if (item.fields.length === 0) {
        // Nothing to take out of the scoring: an item scored by an assessor's grade reads no evidence.
        issues.push({
          path: `/${i}`,
          message: `item ${f.item} reads no evidence fields (method ${item.methodName ?? 'logic'}): a rejection has nothing to take out of its scoring; give a grade or a deduction instead`,
        });
        continue;
      }
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
      const graded = { grade: f.grade, index: i, reason: f.reason !== undefined && f.reason.length > 0 ? f.reason : undefined };
      if (f.source === 'onsite') g.onsiteGrade = graded;
      else g.dataCheckGrade = graded;
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
  // The register and claims change the card's words, so they are hashed too (only when given:
  // evidence without them keeps its hash).
  if (evidence.register !== undefined || evidence.claims !== undefined) {
    const ev: Record<string, unknown> = { unit: evidence.unit, values: evidence.values, sources };
    if (evidence.register !== undefined) ev['register'] = evidence.register;
    if (evidence.claims !== undefined) ev['claims'] = evidence.claims;
    return contentHash({ evidence: ev, findings });
  }
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
  return 'sha256:' + sha256Hex(json);
}


// ── evaluate: score now, explain later ────────────────────────────────────────────────────
//
// `evaluateUnit` checks the input and scores every item into one flat array of numbers per
// unit: per item its earned thousandths (or NOT_APPLICABLE / NO_EVIDENCE), then per group its
// max, earned and applicability. Built-in single-field methods are scored by their kernels
// (kernel.ts) straight from the values array; JsonLogic items by their closures. Nothing about
// an explanation is built: a rule deduction is fully determined by the item, the value it read
// and the numbers recorded, so `toScoreCard` rebuilds each one, then renders it as before.
// Items with findings, a plugin's method or a plugin's merge policy are scored the general way
// (a context, deduction drafts, the merge policy) and their results kept as they are.

/** What a unit's JsonLogic reads (see `LogicFrame`): one shape, so every slot read is monomorphic. */
class Frame implements LogicFrame {
  constructor(
    readonly values: readonly unknown[],
    readonly data: { readonly unit: { readonly id: string; readonly name: string; readonly kind: string } },
  ) {}
}

/** An item's number in the per-unit array when it is not applicable. */
const NOT_APPLICABLE = -1;
/** An item's number when none of its fields was reported (it loses its max: 未提供佐证材料). */
const NO_EVIDENCE = -2;

/**
 * The declared fields' values by field index (holes for fields not given as own enumerable
 * properties), checked as `validateEvidence` checks them. Any problem, and the full check
 * runs and is thrown, so errors are reported exactly as before.
 */
function readValues(model: CompiledModel, evidence: UnitEvidence): unknown[] {
  if (evidence === null || typeof evidence !== 'object') return invalid(model, evidence);
  const u = evidence.unit as unknown as Record<string, unknown> | undefined;
  if (u === null || typeof u !== 'object') return invalid(model, evidence);
  const id = u['id'];
  const name = u['name'];
  const kind = u['kind'];
  if (typeof id !== 'string' || id.length === 0 || typeof name !== 'string' || name.length === 0 || typeof kind !== 'string' || kind.length === 0) {
    return invalid(model, evidence);
  }
  if (!model.unitKinds.has(kind)) return invalid(model, evidence);
  const values = evidence.values as unknown;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return invalid(model, evidence);
  const vals = model.emptyValues.slice();
  // Which keys the values have (an undeclared one is an error). A for-in was slower: with
  // many fields the values are a dictionary, enumerated either way; `checkEvidence` spares it.
  const keys = Object.keys(values);
  const names = model.fieldNames;
  // Keys usually come in declared order: try the next declared name before the map.
  let next = 0;
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j] as string;
    let i: number;
    if (next < names.length && names[next] === k) i = next;
    else {
      const x = model.fieldIndex.get(k);
      if (x === undefined) return invalid(model, evidence);
      i = x;
    }
    next = i + 1;
    const v = (values as Record<string, unknown>)[k];
    if (v !== null && !valueOk(model, i, v)) return invalid(model, evidence);
    vals[i] = v;
  }
  if ((evidence.register !== undefined || evidence.claims !== undefined) && registerIssues(model, evidence).length > 0) return invalid(model, evidence);
  return vals;
}

/** The field's checker, inline for the common types (the same acceptance as `fieldChecks[i]`). */
function valueOk(model: CompiledModel, i: number, v: unknown): boolean {
  const range = model.fieldRange;
  switch (model.fieldKinds[i]) {
    case FIELD_BOOLEAN:
      return typeof v === 'boolean';
    case FIELD_INTEGER:
      return typeof v === 'number' && Number.isInteger(v) && v >= (range[2 * i] as number) && v <= (range[2 * i + 1] as number);
    case FIELD_NUMBER:
      return typeof v === 'number' && Number.isFinite(v) && v >= (range[2 * i] as number) && v <= (range[2 * i + 1] as number);
    case FIELD_RATE:
      return typeof v === 'number' && v >= 0 && v <= 100 && hasAtMostThreeDecimals(v) && v >= (range[2 * i] as number) && v <= (range[2 * i + 1] as number);
    case FIELD_DOCUMENTS:
      return documentsOk(v);
    default:
      return (model.fieldChecks[i] as (v: unknown) => string | undefined)(v) === undefined;
  }
}

/** The documents check (`fieldChecker`): a list of non-empty texts, none listed twice. */
function documentsOk(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const d: unknown = v[i];
    if (typeof d !== 'string' || d.length === 0) return false;
    for (let j = 0; j < i; j++) if (v[j] === d) return false;
  }
  return true;
}

/** Throw the full check's issues (the fast check found something). */
function invalid(model: CompiledModel, evidence: UnitEvidence): never {
  const issues = validateEvidence(model, evidence);
  // Only a value that changes between two reads (a getter) could get here without an issue.
  throw new EvidenceError(issues.length > 0 ? issues : [{ path: '/values', message: 'the values changed while they were read' }]);
}

/** What a card node's item needs to render: deductions, and the points each applies. */
interface ItemDeductions {
  deductions: readonly DeductionDraft[];
  applied: readonly number[];
  rejections: readonly Rejection[];
}

const NO_DEDUCTIONS: ItemDeductions = { deductions: NONE, applied: NONE, rejections: NONE };

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
  ev.run();
  return ev;
}

class UnitEvaluation implements Evaluation {
  readonly unit: { readonly id: string; readonly name: string; readonly kind: string };
  max = 0;
  earned = 0;
  bonus = 0;
  total = 0;
  normalized: number | undefined = undefined;
  grade: string | null = null;
  vetoed = false;

  /** Per item: earned thousandths, NOT_APPLICABLE or NO_EVIDENCE; then per group: max, earned, applicable (0/1). */
  private readonly num: number[];
  /** Results of the items scored the general way, by item index. */
  private general: Array<ItemResult | undefined> | undefined = undefined;
  /** The bonus and normalized points in thousandths (the rest are rendered from the numbers). */
  private bonusMilli = 0;
  private normalizedMilli: number | undefined = undefined;
  private band: { id: string; title: LocalText } | undefined = undefined;
  /** The applicable max under the coverage node (thousandths), when the ruleset weighs coverage. */
  private coverageMax = 0;
  /** The vetoes that fired, in ruleset order. */
  private fired: CompiledVeto[] | undefined = undefined;
  private logic: Frame | undefined = undefined;
  private scorer: ((item: CompiledItem, f: ItemFindings | undefined) => ItemResult) | undefined = undefined;
  private hash: string | undefined = undefined;

  constructor(
    private readonly model: CompiledModel,
    private readonly evidence: UnitEvidence,
    private readonly given: readonly Finding[],
    private readonly lang: Lang,
    private readonly vals: unknown[],
    private readonly findings: ReadonlyMap<string, ItemFindings>,
  ) {
    const u = evidence.unit;
    this.unit = { id: u.id, name: u.name, kind: u.kind };
    this.num = new Array<number>(model.items.length + 3 * model.groups.length);
  }

  /** A declared field's value as `ctx.value` reads it when it is not among the values' keys (a non-enumerable own property). */
  private unlisted(i: number): unknown {
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

  /** The item as it is scored for this unit (a partner's own scoring on an item it partners). */
  private scoredAs(item: CompiledItem): CompiledItem {
    return item.partner !== undefined ? variantFor(item, this.unit.id) : item;
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

  private applicableOf(node: CompiledNode): boolean {
    if (node.kind === 'group') return this.num[this.model.items.length + 3 * node.index + 2] === 1;
    return this.num[node.index] !== NOT_APPLICABLE;
  }

  earnedOf(itemId: string): number | undefined {
    const item = this.model.itemById.get(itemId);
    return item === undefined ? undefined : fromMilli(this.earnedOfNode(item));
  }

  deductionsOf(itemId: string, lang: Lang = this.lang): Deduction[] | undefined {
    const item = this.model.itemById.get(itemId);
    if (item === undefined) return undefined;
    return this.renderItem(item, renderContext(this.evidence, lang)).deductions ?? [];
  }

  /**
   * The deductions of an item as the general path would have made them: the rule deduction a
   * kernel, the engine (no evidence) or a JsonLogic result stands for, rebuilt from the numbers.
   */
  private deductionsOfItem(listed: CompiledItem, e: number): ItemDeductions {
    const r = this.general?.[listed.index];
    if (r !== undefined) return r;
    const item = this.scoredAs(listed);
    if (e === NO_EVIDENCE) {
      const fields = this.model.fields;
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
      let v = this.vals[fi];
      if (v === undefined) v = this.unlisted(fi);
      const p = kernel.deduct(item.prepared, v as FieldValue, item.max);
      if (p === 0) return NO_DEDUCTIONS;
      const data = kernel.explain(item.prepared, v as FieldValue, item.max, p, this.model.fieldTexts[fi] as FieldText);
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

  private renderItem(item: CompiledItem, rc: RenderContext): ScoreNode {
    const e = this.num[item.index] as number;
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
    const v = this.general?.[item.index]?.item ?? this.scoredAs(item);
    if (v.role !== undefined) node.role = v.role;
    node.method = v.methodName ?? 'logic';
    const r = this.deductionsOfItem(item, e);
    const text = lang === 'en' ? v.text.en : v.text.zh;
    const applied = r.applied;
    if (text.suggestion !== undefined) {
      let any = false;
      for (let i = 0; i < applied.length; i++) if ((applied[i] as number) > 0) any = true;
      if (any) node.suggestion = fillSuggestion(text.suggestion, v, fromMilli(item.max - earned), lang);
    }
    const n = r.deductions.length;
    const deductions = new Array<Deduction>(n);
    const register = this.evidence.register;
    for (let i = 0; i < n; i++) {
      let d = r.deductions[i] as DeductionDraft;
      if (register !== undefined) d = withRegister(d, v, this.model, register);
      deductions[i] = renderDeduction(d, applied[i] as number, v, text, r.rejections, rc);
    }
    node.deductions = deductions;
    const claims = this.evidence.claims;
    if (claims !== undefined && hasOwn.call(claims, item.id)) node.claim = { notApplicable: claims[item.id] as string };
    return node;
  }

  private renderNode(node: CompiledNode, rc: RenderContext): ScoreNode {
    if (node.kind === 'item') return this.renderItem(node, rc);
    const children = node.children;
    const out = new Array<ScoreNode>(children.length);
    for (let i = 0; i < children.length; i++) out[i] = this.renderNode(children[i] as CompiledNode, rc);
    const o = this.model.items.length + 3 * node.index;
    return {
      id: node.id,
      title: pick(node.title, rc.lang),
      max: fromMilli(this.num[o] as number),
      earned: fromMilli(this.num[o + 1] as number),
      applicable: this.num[o + 2] === 1,
      children: out,
    };
  }

  toScoreCard(lang: Lang = this.lang): ScoreCard {
    const model = this.model;
    const rc = renderContext(this.evidence, lang);
    const nodes = new Array<ScoreNode>(model.tree.length);
    for (let i = 0; i < model.tree.length; i++) nodes[i] = this.renderNode(model.tree[i] as CompiledNode, rc);
    const b = model.bonus;
    if (b !== undefined) {
      const children = new Array<ScoreNode>(b.items.length);
      let applicable = false;
      for (let i = 0; i < b.items.length; i++) {
        children[i] = this.renderNode(b.items[i] as CompiledNode, rc);
        if (this.applicableOf(b.items[i] as CompiledNode)) applicable = true;
      }
      nodes.push({ id: b.id, title: pick(b.title, lang), max: fromMilli(b.cap), earned: fromMilli(this.bonusMilli), applicable, children });
    }
    const vetoes: VetoResult[] = (this.fired ?? NONE).map((v) => {
      const out: VetoResult = { id: v.id, title: pick(v.title, lang), reason: pick(v.reason, lang), effect: v.effect.type };
      // Where what the veto read came from (a unit's file and place; for a city, the units).
      if (rc.anySources) {
        const refs = v.fields.flatMap((x) => (hasOwn.call(rc.sources, x) ? (rc.sources[x] ?? []) : []));
        if (refs.length > 0) out.evidence = [...new Set(refs)];
      }
      return out;
    });
    const grade = this.band;
    const unit = this.unit;
    const card: ScoreCard = {
      ruleset: { id: model.json.id, version: model.json.version, hash: model.hash },
      unit: { id: unit.id, name: unit.name, kind: unit.kind },
      evidenceHash: (this.hash ??= evidenceHash(model, this.evidence, this.given)),
      max: this.max,
      earned: this.earned,
      bonus: this.bonus,
      total: this.total,
      grade: grade?.id ?? null,
      gradeTitle: grade ? pick(grade.title, lang) : null,
      vetoed: vetoes.length > 0,
      vetoes,
      nodes,
    };
    if (this.normalizedMilli !== undefined) {
      // Keep the documented key order: normalized (and coverage) right after total.
      const { grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns, ...head } = card;
      const cov = model.coverage;
      if (cov === undefined) return { ...head, normalized: fromMilli(this.normalizedMilli), grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns };
      const coverage = {
        node: cov.node,
        title: pick(cov.title, lang),
        max: fromMilli(this.coverageMax),
        min: fromMilli(cov.min),
        rate: fromMilli(cov.rate),
        thin: this.coverageMax < cov.min,
      };
      return { ...head, normalized: fromMilli(this.normalizedMilli), coverage, grade: g, gradeTitle, vetoed, vetoes: vs, nodes: ns };
    }
    return card;
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

/** Score one unit and render its card (`evaluateUnit(…).toScoreCard(lang)`). */
export function scoreUnit(
  model: CompiledModel,
  evidence: UnitEvidence,
  options: ScoreOptions,
  validateFindings: Validator,
  checked?: WeakMap<object, unknown[]>,
): ScoreCard {
  return evaluateUnit(model, evidence, options, validateFindings, checked).toScoreCard(options.lang ?? 'zh');
}

/**
 * Check a unit's evidence as scoring does (EvidenceError with every issue), then copy and freeze
 * it deeply and remember its values by field index in `checked`: scoring that very object
 * trusts them. Frozen, it cannot change after the check.
 */
export function checkUnitEvidence(model: CompiledModel, evidence: unknown, checked: WeakMap<object, unknown[]>): UnitEvidence {
  readValues(model, evidence as UnitEvidence);
  let copy: UnitEvidence;
  try {
    copy = structuredClone(evidence) as UnitEvidence;
  } catch (e) {
    throw new EvidenceError([{ path: '', message: `expected plain data (as JSON has it): ${e instanceof Error ? e.message : String(e)}` }]);
  }
  deepFreeze(copy);
  checked.set(copy, readValues(model, copy));
  return copy;
}

function deepFreeze(v: unknown): void {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
}
