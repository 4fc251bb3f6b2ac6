/**
 * Evidence migration: last year's evidence scored under this year's edition. Values carry over
 * by field (renamed fields under their new names), findings by item (renamed items under their
 * new ids); whatever cannot be carried over is reported, never dropped silently.
 * @module
 */
import { EvidenceError } from '../errors.js';
import type { EvidenceField, FieldValue, Finding, RulesetRef, Unit, UnitEvidence } from '../model.js';
import type { CompiledRuleset } from '../engine.js';
import type { LocalText } from '../text.js';
import { unescapePointerToken } from '../pointer.js';

/** Why a value or a finding was not carried over. */
export type NotCarriedReason = 'item-retired' | 'field-removed' | 'invalid' | 'not-applicable';

/** A reported value that the new edition does not take. */
export interface ValueNotCarried {
  /** The field's name last year. */
  field: string;
  value: FieldValue;
  reason: NotCarriedReason;
  /** Last year's items scored on the field. */
  items: readonly string[];
  /** Where the value came from (file and cell), as last year's evidence said. */
  sources?: readonly string[];
  message: LocalText;
}

/** A finding that has no item to go to in the new edition. */
export interface FindingNotCarried {
  /** Its position in the findings given. */
  index: number;
  finding: Finding;
  reason: 'item-retired' | 'item-unknown';
  message: LocalText;
}

/** What `migrateEvidence` did, for one unit. */
export interface MigrationReport {
  from: RulesetRef;
  to: RulesetRef;
  unit: Unit;
  /** Values carried over: their name now, and last year's name. */
  carried: Array<{ field: string; from: string }>;
  notCarried: ValueNotCarried[];
  /**
   * Fields the unit's items need now that last year's evidence has no value for: `added` when
   * the field is new in this edition, else one the unit left blank last year too.
   */
  missing: Array<{ field: string; added: boolean; items: readonly string[]; message: LocalText }>;
  findings: { carried: number; renamed: number; notCarried: FindingNotCarried[] };
}

/** Last year's evidence and findings, as the new edition takes them, and the report. */
export interface MigratedEvidence {
  evidence: UnitEvidence;
  findings: Finding[];
  report: MigrationReport;
}

export interface MigrateOptions {
  /** The edition the evidence was written for (compiled). Its items name what a retired field was for. */
  from: CompiledRuleset;
  /** Last year's findings of the unit, to carry to the renamed items. */
  findings?: readonly Finding[];
}

const fieldTitle = (fields: readonly EvidenceField[], name: string): string => fields.find((f) => f.name === name)?.title.zh ?? name;
const fieldTitleEn = (fields: readonly EvidenceField[], name: string): string => fields.find((f) => f.name === name)?.title.en ?? name;

/**
 * Carry one unit's evidence (and findings) written for `options.from` over to `to`. When `to`
 * extends `from` directly, its migration map (renamed and retired items and fields) is used;
 * otherwise fields carry by name and findings by item id. Every value that does not carry is in
 * `report.notCarried` with the reason; a value that no longer fits its field (a type or range
 * changed) is reported with the engine's own message. Throws EvidenceError when the unit is not
 * evaluated under `to`.
 */
export function migrateEvidence(evidence: UnitEvidence, to: CompiledRuleset, options: MigrateOptions): MigratedEvidence {
  const from = options.from;
  const direct = to.migration !== undefined && to.migration.from.id === from.id && to.migration.from.version === from.version;
  const fieldMap = direct ? (to.migration?.fields ?? {}) : {};
  const itemMap = direct ? (to.migration?.items ?? {}) : {};
  const newFields = new Set(to.fields.map((f) => f.name));
  const oldItemsOf = (field: string) => from.items.filter((i) => i.fields.includes(field) || i.conditionFields.includes(field)).map((i) => i.id);
  const retiredItems = (items: readonly string[]) => items.filter((id) => itemMap[id]?.to === null);

  const values: Record<string, FieldValue> = {};
  const sources: Record<string, readonly string[]> = {};
  const carried: MigrationReport['carried'] = [];
  const notCarried: ValueNotCarried[] = [];
  for (const [name, value] of Object.entries(evidence.values)) {
    if (value === undefined || value === null) continue;
    const target = Object.prototype.hasOwnProperty.call(fieldMap, name) ? fieldMap[name] : newFields.has(name) ? name : null;
    const src = evidence.sources?.[name];
    if (target === null || target === undefined || !newFields.has(target)) {
      const items = oldItemsOf(name);
      const retired = retiredItems(items);
      const reasons = retired.map((id) => itemMap[id]?.reason?.zh).filter((r): r is string => r !== undefined);
      const reasonsEn = retired.map((id) => itemMap[id]?.reason?.en).filter((r): r is string => r !== undefined);
      notCarried.push({
        field: name,
        value,
        reason: retired.length > 0 ? 'item-retired' : 'field-removed',
        items,
        ...(src !== undefined ? { sources: src } : {}),
        message:
          retired.length > 0
            ? {
                zh: `评分项${retired.join('、')}在${to.edition}版中已删除${reasons.length > 0 ? `（${reasons.join('；')}）` : ''}，“${fieldTitle(from.fields, name)}”不再填报`,
                en: `Item ${retired.join(', ')} was retired in the ${to.edition} edition${reasonsEn.length > 0 ? ` (${reasonsEn.join('; ')})` : ''}; "${fieldTitleEn(from.fields, name)}" is no longer reported`,
              }
            : { zh: `${to.edition}版不再设“${fieldTitle(from.fields, name)}”`, en: `The ${to.edition} edition no longer asks for "${fieldTitleEn(from.fields, name)}"` },
      });
      continue;
    }
    values[target] = value;
    if (src !== undefined) sources[target] = src;
    carried.push({ field: target, from: name });
  }

  // The new edition's own check on every carried value: what no longer fits is reported, not scored.
  try {
    to.evaluate({ unit: evidence.unit, values });
  } catch (e) {
    if (!(e instanceof EvidenceError)) throw e;
    const other = e.issues.filter((i) => !/^\/values\/[^/]+$/.test(i.path));
    if (other.length > 0) throw new EvidenceError(other, `Cannot migrate ${evidence.unit.id} to ${to.id} ${to.version}`);
    for (const issue of e.issues) {
      const name = unescapePointerToken(issue.path.slice('/values/'.length));
      const was = carried.find((c) => c.field === name);
      if (was === undefined) continue;
      notCarried.push({
        field: was.from,
        value: values[name] as FieldValue,
        reason: 'invalid',
        items: oldItemsOf(was.from),
        ...(sources[name] !== undefined ? { sources: sources[name] } : {}),
        message: {
          zh: `“${fieldTitle(to.fields, name)}”的填报值不符合${to.edition}版的要求：${issue.message}`,
          en: `"${fieldTitleEn(to.fields, name)}" does not fit the ${to.edition} edition: ${issue.message}`,
        },
      });
      delete values[name];
      delete sources[name];
      carried.splice(carried.indexOf(was), 1);
    }
  }

  // A value no item of this unit is scored on any more (its items now apply to other units).
  const applicable = to.itemsFor(evidence.unit);
  const used = new Set([...to.generalFields, ...applicable.flatMap((i) => [...i.fields, ...i.conditionFields])]);
  for (const c of [...carried]) {
    if (used.has(c.field)) continue;
    notCarried.push({
      field: c.from,
      value: values[c.field] as FieldValue,
      reason: 'not-applicable',
      items: oldItemsOf(c.from),
      ...(sources[c.field] !== undefined ? { sources: sources[c.field] } : {}),
      message: {
        zh: `${to.edition}版中“${fieldTitle(to.fields, c.field)}”所属的评分项不适用于${evidence.unit.name}`,
        en: `In the ${to.edition} edition the items scored on "${fieldTitleEn(to.fields, c.field)}" do not apply to ${evidence.unit.nameEn ?? evidence.unit.name}`,
      },
    });
    delete values[c.field];
    delete sources[c.field];
    carried.splice(carried.indexOf(c), 1);
  }

  // What the unit's items ask for now and nothing from last year answers.
  const missing: MigrationReport['missing'] = [];
  for (const f of to.fields) {
    if (values[f.name] !== undefined) continue;
    const items = applicable.filter((i) => i.fields.includes(f.name) || i.conditionFields.includes(f.name)).map((i) => i.id);
    if (items.length === 0) continue;
    const added = !from.fields.some((x) => x.name === f.name) && !Object.values(fieldMap).includes(f.name);
    missing.push({
      field: f.name,
      added,
      items,
      message: added
        ? { zh: `评分项${items.join('、')}需要新增的“${f.title.zh}”`, en: `Item ${items.join(', ')} needs "${f.title.en ?? f.title.zh}", new in this edition` }
        : { zh: `评分项${items.join('、')}需要“${f.title.zh}”，去年的材料中没有`, en: `Item ${items.join(', ')} needs "${f.title.en ?? f.title.zh}", which last year's evidence does not have` },
    });
  }

  // Findings follow their item to its new id.
  const newItems = new Set(to.items.map((i) => i.id));
  const findings: Finding[] = [];
  const findingsNotCarried: FindingNotCarried[] = [];
  let renamed = 0;
  (options.findings ?? []).forEach((finding, index) => {
    const m = itemMap[finding.item];
    const target = m !== undefined ? m.to : finding.item;
    if (target === null || !newItems.has(target)) {
      findingsNotCarried.push({
        index,
        finding,
        reason: target === null ? 'item-retired' : 'item-unknown',
        message:
          target === null
            ? { zh: `评分项${finding.item}在${to.edition}版中已删除，核查意见不再适用`, en: `Item ${finding.item} was retired in the ${to.edition} edition; the finding no longer applies` }
            : { zh: `${to.edition}版没有评分项${finding.item}`, en: `The ${to.edition} edition has no item ${finding.item}` },
      });
      return;
    }
    const next = { ...finding, item: target } as Finding;
    if (next.type === 'rejected' && next.field !== undefined) {
      const f = Object.prototype.hasOwnProperty.call(fieldMap, next.field) ? fieldMap[next.field] : next.field;
      if (typeof f === 'string') next.field = f;
    }
    if (target !== finding.item) renamed++;
    findings.push(next);
  });

  const u: Unit = { ...evidence.unit };
  return {
    evidence: { unit: u, values, ...(Object.keys(sources).length > 0 ? { sources } : {}) },
    findings,
    report: {
      from: { id: from.id, version: from.version },
      to: { id: to.id, version: to.version },
      unit: u,
      carried,
      notCarried,
      missing,
      findings: { carried: findings.length, renamed, notCarried: findingsNotCarried },
    },
  };
}
