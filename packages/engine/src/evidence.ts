/**
 * What evidence adapters (JSON, Excel) share: the layout of one unit's evidence file, the
 * bundle they produce, and the merge of several files into one bundle. Places are written
 * `file#/json/pointer` or `file!Sheet!C7`, so every problem names where it is.
 * @module
 */
import type { Issue } from './errors.js';
import type { DocumentEntry, EvidenceField, FieldValue, Unit, UnitEvidence } from './model.js';
import type { CompiledRuleset } from './engine.js';
import type { LocalText } from './text.js';
import { stableJson } from './hash.js';
import { showId, unitIdProblem } from './ids.js';

/** One applicable item of a unit's evidence file, with the fields it asks for. */
export interface LayoutItem {
  id: string;
  title: LocalText;
  content?: string;
  standard?: string;
  max: number;
  bonus: boolean;
  evidenceKinds: readonly string[];
  checkMethods: readonly string[];
  /** The fields to fill for this item (its scoring fields, then its condition fields), each listed once in the file. */
  fields: readonly EvidenceField[];
  /** Whose part of a city-wide indicator the unit reports (责任唯一): `lead` or `partner`. */
  role?: 'lead' | 'partner';
  /**
   * For a partner: the lead's figures for the indicator. A partner is not scored on them; an
   * adapter accepts one a partner reports anyway (with a warning), so that a figure contradicting
   * the lead's can be reported (`responsibilityConflicts`).
   */
  leadFields?: readonly EvidenceField[];
}

/** What one unit's evidence file asks for, in ruleset order. */
export interface EvidenceLayout {
  ruleset: { id: string; version: string; hash: string };
  unit: Unit;
  items: readonly LayoutItem[];
  /** Fields no applicable item owns (e.g. those only vetoes read): 基本情况. */
  general: readonly EvidenceField[];
}

/**
 * The layout of one unit's evidence file: every item that applies to the unit (by kind and
 * id), each field under the first item that reads it, the rest as general fields.
 */
export function evidenceLayout(ruleset: CompiledRuleset, unit: Unit): EvidenceLayout {
  const byName = new Map(ruleset.fields.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const items: LayoutItem[] = [];
  const leadItems = new Map(ruleset.items.map((i) => [i.id, i]));
  for (const i of ruleset.itemsFor(unit)) {
    const fields: EvidenceField[] = [];
    for (const name of [...i.fields, ...i.conditionFields]) {
      if (seen.has(name)) continue;
      seen.add(name);
      fields.push(byName.get(name) as EvidenceField);
    }
    const item: LayoutItem = {
      id: i.id,
      title: i.title,
      max: i.max,
      bonus: i.bonus,
      evidenceKinds: i.evidenceKinds,
      checkMethods: i.checkMethods,
      fields,
    };
    if (i.content !== undefined) item.content = i.content;
    if (i.standard !== undefined) item.standard = i.standard;
    if (i.role !== undefined) item.role = i.role;
    if (i.role === 'partner') {
      const own = new Set(i.fields);
      item.leadFields = (leadItems.get(i.id)?.fields ?? []).filter((n) => !own.has(n)).map((n) => byName.get(n) as EvidenceField);
    }
    items.push(item);
  }
  const general = ruleset.generalFields.filter((n) => !seen.has(n)).map((n) => byName.get(n) as EvidenceField);
  return { ruleset: { id: ruleset.id, version: ruleset.version, hash: ruleset.hash }, unit, items, general };
}

/** How one input entry (a JSON value, a spreadsheet row) was accounted for. */
export interface EvidenceRecord {
  /** Where it is: `file#/pointer` or `file!Sheet!C7`. */
  place: string;
  unit?: string;
  item?: string;
  field?: string;
  /** accepted; empty (left blank: not reported); rejected (an error names it). */
  status: 'accepted' | 'empty' | 'rejected';
  message?: string;
}

/** Evidence read from one or more files: every unit's values, every input entry accounted for. */
export interface EvidenceBundle {
  ruleset: { id: string; version: string; hash: string };
  /** One per unit, sorted by unit id; `sources` name each value's place. */
  units: UnitEvidence[];
  records: EvidenceRecord[];
  /** Things a person should look at that do not stop scoring (e.g. a formula's cached value used). */
  warnings: Issue[];
}

/** One file's values for one unit, before merging. */
export interface EvidencePart {
  unit: Unit;
  values: Readonly<Record<string, FieldValue>>;
  sources: Readonly<Record<string, readonly string[]>>;
  /** The evidence register (佐证材料清单) the file gave, by field (see `UnitEvidence.register`). */
  register?: Readonly<Record<string, readonly DocumentEntry[]>>;
  /** 不适用 claims the file gave, by item id (see `UnitEvidence.claims`). */
  claims?: Readonly<Record<string, string>>;
}

/** A value as a clerk reads it in a message: 是/否, lists with 、, text as it is. */
function valueText(v: FieldValue | undefined): string {
  if (v === undefined || v === null) return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.length === 0 ? '（无）' : v.map((d) => `《${d}》`).join('、');
  return String(v);
}

/**
 * Merge parts into one evidence per unit. The same field given twice with different values is
 * an error naming both places (in Chinese, with the field's title when `fields` are given);
 * given twice alike, both places are kept as its sources. Registers are joined per field
 * (an entry given alike twice is kept once); a claim given twice with different reasons is an
 * error too.
 */
export function mergeEvidence(parts: readonly EvidencePart[], fields?: readonly EvidenceField[]): { units: UnitEvidence[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const titles = new Map((fields ?? []).map((f) => [f.name, f.title.zh]));
  const label = (name: string) => `“${titles.get(name) ?? name}”`;
  interface Acc {
    unit: Unit;
    values: Record<string, FieldValue>;
    sources: Record<string, string[]>;
    register?: Record<string, DocumentEntry[]>;
    claims?: Record<string, string>;
    claimedAt: Map<string, string>;
  }
  const byUnit = new Map<string, Acc>();
  for (const p of parts) {
    const here = p.sources[Object.keys(p.sources)[0] ?? '']?.[0] ?? showId(p.unit.id);
    // Every adapter checks the id where it reads it; this is where all their parts meet, so a
    // part from any other adapter is held to the same grammar.
    const idProblem = unitIdProblem(p.unit.id);
    if (idProblem !== undefined) {
      issues.push({ path: here, message: idProblem });
      continue;
    }
    let u = byUnit.get(p.unit.id);
    if (u === undefined) {
      u = { unit: p.unit, values: Object.create(null) as Record<string, FieldValue>, sources: Object.create(null) as Record<string, string[]>, claimedAt: new Map() };
      byUnit.set(p.unit.id, u);
    } else if (u.unit.name !== p.unit.name || u.unit.kind !== p.unit.kind) {
      issues.push({ path: here, message: `单位 ${p.unit.id} 在此名为“${p.unit.name}”（${p.unit.kind}），在另一文件中名为“${u.unit.name}”（${u.unit.kind}）：请核对是否为同一单位` });
      continue;
    }
    for (const name of Object.keys(p.values)) {
      const v = p.values[name] as FieldValue;
      const where = p.sources[name] ?? [];
      if (Object.prototype.hasOwnProperty.call(u.values, name)) {
        if (stableJson(u.values[name]) !== stableJson(v)) {
          issues.push({
            path: where[0] ?? name,
            message: `${u.unit.name}的${label(name)}填报了两次且不一致：${u.sources[name]?.join('、') || '另一文件'}为 ${valueText(u.values[name])}，此处为 ${valueText(v)}；同一项只能填报一个值，请核对后保留一处`,
          });
        } else u.sources[name] = [...(u.sources[name] ?? []), ...where];
        continue;
      }
      u.values[name] = v;
      u.sources[name] = [...where];
    }
    if (p.register !== undefined) {
      u.register ??= Object.create(null) as Record<string, DocumentEntry[]>;
      for (const name of Object.keys(p.register)) {
        const list = (u.register[name] ??= []);
        for (const e of p.register[name] ?? []) if (!list.some((x) => stableJson(x) === stableJson(e))) list.push(e);
      }
    }
    if (p.claims !== undefined) {
      u.claims ??= Object.create(null) as Record<string, string>;
      for (const id of Object.keys(p.claims)) {
        const reason = p.claims[id] as string;
        const prev = u.claims[id];
        if (prev !== undefined && prev !== reason) {
          issues.push({ path: here, message: `${u.unit.name}对评分项 ${id} 的不适用原因填报了两次且不一致：${u.claimedAt.get(id) ?? '另一文件'}为“${prev}”，此处为“${reason}”；请核对后保留一处` });
          continue;
        }
        u.claims[id] = reason;
        if (!u.claimedAt.has(id)) u.claimedAt.set(id, here);
      }
    }
  }
  const units = [...byUnit.values()]
    .sort((a, b) => (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : 0))
    .map((u) => {
      const e: UnitEvidence = { unit: u.unit, values: { ...u.values }, sources: { ...u.sources } };
      if (u.register !== undefined) e.register = { ...u.register };
      if (u.claims !== undefined) e.claims = { ...u.claims };
      return e;
    });
  return { units, issues };
}
