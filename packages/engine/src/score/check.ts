/**
 * The input check: a unit's evidence (values, register, claims) and the check findings, as
 * scoring reads them. The fast check (`readValues`) gives the values by field index; on any
 * problem the full check (`validateEvidence`) runs and every issue is thrown as an EvidenceError.
 * Also the findings grouped per item, and `checkUnitEvidence` (checked, frozen evidence).
 * @module
 */
import type { Validator } from '../validators/index.js';
import { EvidenceError, groupDigits, ptr, type Issue } from '../errors.js';
import { findTooDeep, jsonDepthIssue } from '../depth.js';
import { ajvIssues, shown } from '../ajv-issues.js';
import { FIELD_BOOLEAN, FIELD_INTEGER, FIELD_DOCUMENTS, FIELD_NUMBER, FIELD_RATE } from '../compile.js';
import type { CompiledModel } from '../compile.js';
import type { Finding, UnitEvidence } from '../model.js';
import type { DeductionDraft } from '../plugin.js';
import { toMilli, hasAtMostThreeDecimals } from '../points.js';
import { stableJson } from '../hash.js';
import { takesRegister } from '../register.js';
import { variantFor, type ItemFindings } from './shared.js';
import { isIsoDate } from '../dates.js';

/** The full check of a unit's evidence: every issue, each at its JSON pointer. */
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
  for (const i of registerIssues(model, evidence)) issues.push(i);
  return issues;
}

const ENTRY_TEXT_KEYS = ['title', 'number', 'link', 'provider', 'contact'] as const;
const ENTRY_KEYS = new Set(['document', 'title', 'number', 'date', 'archived', 'link', 'provider', 'contact']);

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

const CHECK_NAMES: Record<string, string> = { 'data-check': '数据核查 (data-check)', onsite: '现场检查 (onsite)' };

/**
 * The findings checked against the ruleset (EvidenceError with every issue, in the order given)
 * and grouped per item, sorted so the card does not depend on their order.
 */
export function groupFindings(model: CompiledModel, findings: readonly Finding[], validate: Validator, unitId: string): Map<string, ItemFindings> {
  const listing = { maxProblems: model.limits.maxProblems };
  // Counted before anything is built per finding (300,000 of them took 496 MB before failing).
  const max = model.limits.maxFindings;
  if (Array.isArray(findings) && findings.length > max) {
    throw new EvidenceError([{ path: '', message: `${groupDigits(findings.length)} findings for unit ${unitId}, more than the limit of ${groupDigits(max)} (the engine's maxFindings)` }], 'Invalid findings', [], listing);
  }
  const deep = findTooDeep(findings, model.limits.maxJsonDepth);
  if (deep !== undefined) throw new EvidenceError([jsonDepthIssue(deep)], 'Invalid findings', [], listing);
  if (!validate(findings)) throw new EvidenceError(ajvIssues(validate.errors, findings, ''), 'Invalid findings', [], listing);
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
    throw new EvidenceError(issues.sort((a, b) => index(a) - index(b)), 'Invalid findings', [], listing);
  }
  return out;
}

/**
 * The declared fields' values by field index (holes for fields not given as own enumerable
 * properties), checked as `validateEvidence` checks them. Any problem, and the full check
 * runs and is thrown, so errors are reported exactly as before.
 */
export function readValues(model: CompiledModel, evidence: UnitEvidence): unknown[] {
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
  // The unit and the sources are hashed into the card as given: anything but flat text there is
  // checked for its nesting first (the hash's serializer recurses).
  if (!flatTexts(u) || (evidence.sources !== undefined && !flatTexts(evidence.sources))) checkDepth(model, evidence);
  return vals;
}

/** Whether `o` is an object whose values are texts or lists of texts (nothing nested deeper). */
function flatTexts(o: unknown): boolean {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return false;
  for (const k of Object.keys(o)) {
    const v: unknown = (o as Record<string, unknown>)[k];
    if (typeof v === 'string') continue;
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  }
  return true;
}

/** Throw an EvidenceError naming the place where the evidence nests past `maxJsonDepth`. */
function checkDepth(model: CompiledModel, evidence: unknown): void {
  const deep = findTooDeep(evidence, model.limits.maxJsonDepth);
  if (deep !== undefined) throw new EvidenceError([jsonDepthIssue(deep)], undefined, [], { maxProblems: model.limits.maxProblems });
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
  checkDepth(model, evidence);
  const issues = validateEvidence(model, evidence);
  // Only a value that changes between two reads (a getter) could get here without an issue.
  throw new EvidenceError(issues.length > 0 ? issues : [{ path: '/values', message: 'the values changed while they were read' }], undefined, [], { maxProblems: model.limits.maxProblems });
}

/**
 * Check a unit's evidence as scoring does (EvidenceError with every issue), then copy and freeze
 * it deeply and remember its values by field index in `checked`: scoring that very object
 * trusts them. Frozen, it cannot change after the check.
 */
export function checkUnitEvidence(model: CompiledModel, evidence: unknown, checked: WeakMap<object, unknown[]>): UnitEvidence {
  readValues(model, evidence as UnitEvidence);
  // The whole of it is cloned: its other keys too.
  checkDepth(model, evidence);
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
