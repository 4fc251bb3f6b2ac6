/**
 * 责任唯一: a city-wide indicator has one value, reported by its lead unit (牵头单位). A
 * partner (配合单位) is scored on its own contribution and never on a figure of its own for the
 * indicator; when it reports one anyway and it contradicts the lead's, that is an
 * inconsistency for the data check to settle, reported here with both places.
 * @module
 */
import type { CompiledRuleset } from './engine.js';
import type { FieldValue, Unit, UnitEvidence } from './model.js';
import type { LocalText } from './text.js';

/** One end of a contradiction: who reported what, and where. */
export interface ReportedFigure {
  unit: Pick<Unit, 'id' | 'name' | 'kind'>;
  value: FieldValue;
  /** Where the value came from (file and sheet/cell or JSON pointer), from the evidence's `sources`; empty when unknown. */
  places: string[];
}

/** A partner's figure for a city-wide indicator that differs from the lead's. */
export interface ResponsibilityConflict {
  /** The item (the indicator). */
  item: string;
  title: LocalText;
  /** The field the lead's scoring reads. */
  field: string;
  fieldTitle: LocalText;
  lead: ReportedFigure;
  partner: ReportedFigure;
  /** The contradiction in words, naming both units and places. */
  message: LocalText;
}

const same = (a: FieldValue, b: FieldValue): boolean => {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const sa = [...a].sort();
    const sb = [...b].sort();
    return sa.every((x, i) => x === sb[i]);
  }
  return a === b;
};

const shownValue = (v: FieldValue, unit: string | undefined): string =>
  Array.isArray(v) ? v.join('、') : typeof v === 'boolean' ? (v ? '是' : '否') : `${String(v)}${unit ?? ''}`;

/**
 * Every partner's figure for a city-wide indicator that contradicts its lead's, over the
 * evidence of a round (units scored under this ruleset). A figure the lead did not report is
 * not compared. The result is sorted by item, field and partner, so it does not depend on
 * the order of the evidence.
 */
export function responsibilityConflicts(ruleset: CompiledRuleset, evidence: readonly UnitEvidence[]): ResponsibilityConflict[] {
  const byUnit = new Map<string, UnitEvidence>();
  for (const e of evidence) byUnit.set(e.unit.id, e);
  const fieldsByName = new Map(ruleset.fields.map((f) => [f.name, f]));
  const reported = (e: UnitEvidence, field: string): FieldValue | undefined => {
    const v = Object.prototype.hasOwnProperty.call(e.values, field) ? e.values[field] : undefined;
    return v === null ? undefined : v;
  };
  const places = (e: UnitEvidence, field: string): string[] => {
    const s = e.sources;
    return s !== undefined && Object.prototype.hasOwnProperty.call(s, field) ? [...(s[field] ?? [])] : [];
  };
  const out: ResponsibilityConflict[] = [];
  for (const item of ruleset.items) {
    if (item.lead === undefined || item.partners === undefined || item.partners.length === 0 || item.role !== 'lead') continue;
    const lead = byUnit.get(item.lead);
    if (lead === undefined) continue;
    for (const field of item.fields) {
      const lv = reported(lead, field);
      if (lv === undefined) continue;
      const f = fieldsByName.get(field);
      const fieldTitle = f?.title ?? { zh: field };
      for (const pid of [...item.partners].sort()) {
        const p = byUnit.get(pid);
        if (p === undefined) continue;
        const pv = reported(p, field);
        if (pv === undefined || same(pv, lv)) continue;
        const lp = places(lead, field);
        const pp = places(p, field);
        const at = (ps: string[]) => (ps.length > 0 ? `（${ps.join('、')}）` : '');
        const atEn = (ps: string[]) => (ps.length > 0 ? ` (${ps.join(', ')})` : '');
        out.push({
          item: item.id,
          title: item.title,
          field,
          fieldTitle,
          lead: { unit: { id: lead.unit.id, name: lead.unit.name, kind: lead.unit.kind }, value: lv, places: lp },
          partner: { unit: { id: p.unit.id, name: p.unit.name, kind: p.unit.kind }, value: pv, places: pp },
          message: {
            zh:
              `${item.id}“${item.title.zh}”由${lead.unit.name}牵头，${fieldTitle.zh}以牵头单位报送的${shownValue(lv, f?.unit)}为准${at(lp)}；` +
              `配合单位${p.unit.name}报送${shownValue(pv, f?.unit)}${at(pp)}，二者不一致（配合单位不按此数计分），请核实`,
            en:
              `${item.id} "${item.title.en ?? item.title.zh}" is led by ${lead.unit.name}: ${fieldTitle.en ?? fieldTitle.zh} is the lead's ${shownValue(lv, f?.unit)}${atEn(lp)}; ` +
              `partner ${p.unit.name} reported ${shownValue(pv, f?.unit)}${atEn(pp)}, which differs (a partner is not scored on it); please verify`,
          },
        });
      }
    }
  }
  return out.sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : a.field < b.field ? -1 : a.field > b.field ? 1 : a.partner.unit.id < b.partner.unit.id ? -1 : 1));
}
