/**
 * Pass 2, the fields: each declared evidence field checked (names, enum values, range), its
 * value checker, and its position (items and JsonLogic read fields by index).
 * @module
 */
import { shown } from '../ajv-issues.js';
import type { EvidenceField } from '../model.js';
import { hasAtMostThreeDecimals } from '../points.js';
import type { CompileContext } from './context.js';
import { FIELD_BOOLEAN, FIELD_DOCUMENTS, FIELD_INTEGER, FIELD_NUMBER, FIELD_OTHER, FIELD_RATE } from './types.js';
import { isIsoDate } from '../dates.js';

/** A checker for one field's reported values: returns a message, or undefined when fine. */
export type FieldChecker = (v: unknown) => string | undefined;

/** The declared fields, as the later passes and the scorer read them. */
export interface FieldTable {
  readonly fields: Map<string, EvidenceField>;
  readonly fieldCheck: Map<string, FieldChecker>;
  /** The declared names in declared order (internalised strings: compared by identity). */
  readonly fieldNames: string[];
  /** Name → its index in `fieldNames` (each item finds its fields in constant time). */
  readonly fieldIndex: Map<string, number>;
  readonly unitKinds: Set<string>;
}

/** Check the declared fields (issues into `ctx`) and index them. */
export function compileFields(ctx: CompileContext): FieldTable {
  const { rs, issues } = ctx;
  const fields = new Map<string, EvidenceField>();
  const fieldCheck = new Map<string, FieldChecker>();
  const list = rs.fields;
  for (let i = 0; i < list.length; i++) {
    const f = list[i] as EvidenceField;
    if (fields.has(f.name)) issues.push({ path: `${fieldAt(i)}/name`, message: `field "${f.name}" is declared twice` });
    if (f.name === 'unit') issues.push({ path: `${fieldAt(i)}/name`, message: '"unit" is reserved (JsonLogic reads the unit under it)' });
    else if (f.name in Object.prototype || f.name === 'prototype') {
      issues.push({ path: `${fieldAt(i)}/name`, message: `"${f.name}" is reserved (it names a property every JavaScript object has)` });
    }
    if (f.type === 'enum' && f.values === undefined) issues.push({ path: fieldAt(i), message: 'an enum field needs "values"' });
    if (f.type !== 'enum' && f.values !== undefined) issues.push({ path: `${fieldAt(i)}/values`, message: `"values" is only for enum fields, this one is ${f.type}` });
    if (f.minimum !== undefined && f.maximum !== undefined && f.minimum > f.maximum) {
      issues.push({ path: `${fieldAt(i)}/minimum`, message: `minimum ${f.minimum} is above maximum ${f.maximum}` });
    }
    fields.set(f.name, f);
    fieldCheck.set(f.name, fieldChecker(f));
  }
  const fieldNames = internalised(fields.keys());
  const fieldIndex = new Map<string, number>();
  for (let i = 0; i < fieldNames.length; i++) fieldIndex.set(fieldNames[i] as string, i);
  return { fields, fieldCheck, fieldNames, fieldIndex, unitKinds: new Set(rs.unitKinds) };
}

/** A field's pointer, built only for an issue (a large ruleset declares many fields). */
function fieldAt(i: number): string {
  return `/fields/${i}`;
}

/**
 * The same texts as internalised strings (property keys), so equal names are one string: the
 * keys of one object, in insertion order (a field name never looks like an array index, the
 * schema has it start with a letter or `_`).
 */
function internalised(names: Iterable<string>): string[] {
  const keys: Record<string, 0> = Object.create(null) as Record<string, 0>;
  for (const n of names) keys[n] = 0;
  return Object.keys(keys);
}

/** A field's check as a code the scorer tests inline (`FIELD_*`). */
export function fieldKind(f: EvidenceField): number {
  switch (f.type) {
    case 'boolean':
      return FIELD_BOOLEAN;
    case 'integer':
      return FIELD_INTEGER;
    case 'number':
      return FIELD_NUMBER;
    case 'rate':
      return FIELD_RATE;
    case 'documents':
      return FIELD_DOCUMENTS;
    default:
      return FIELD_OTHER;
  }
}

// The checkers of fields without a declared range are the same for every field of a type:
// shared, so a ruleset of many fields does not make a closure per field.
const checkBoolean: FieldChecker = (v) => (typeof v === 'boolean' ? undefined : `expected true or false, found ${shown(v)}`);
const checkCount: FieldChecker = (v) =>
  typeof v === 'number' && Number.isInteger(v) ? (v < 0 ? `expected a count ≥ 0, found ${v}` : undefined) : `expected an integer, found ${shown(v)}`;
const checkNumber: FieldChecker = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `expected a number, found ${shown(v)}`);
// At most three decimals, so rates compare exactly in thousandths of a percentage point.
const checkRate: FieldChecker = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100
    ? hasAtMostThreeDecimals(v)
      ? undefined
      : `expected a rate with at most three decimals, found ${v}`
    : `expected a rate from 0 to 100 (%), found ${shown(v)}`;
const checkDate: FieldChecker = (v) => (isIsoDate(v) ? undefined : `expected a date as YYYY-MM-DD, found ${shown(v)}`);
const checkDocuments: FieldChecker = (v) => {
  if (!Array.isArray(v)) return `expected a list of document names, found ${shown(v)}`;
  const bad = v.findIndex((d) => typeof d !== 'string' || d.length === 0);
  if (bad >= 0) return `expected document names (non-empty text), found ${shown(v[bad])} at index ${bad}`;
  const dup = v.findIndex((d, i) => v.indexOf(d) !== i);
  return dup >= 0 ? `document "${String(v[dup])}" is listed twice` : undefined;
};

/** A checker for one field's reported values: returns a message, or undefined when fine. */
export function fieldChecker(f: EvidenceField): FieldChecker {
  const ranged = f.minimum !== undefined || f.maximum !== undefined;
  const range = (n: number): string | undefined => {
    if (f.minimum !== undefined && n < f.minimum) return `expected at least ${f.minimum}, found ${n}`;
    if (f.maximum !== undefined && n > f.maximum) return `expected at most ${f.maximum}, found ${n}`;
    return undefined;
  };
  switch (f.type) {
    case 'boolean':
      return checkBoolean;
    case 'integer':
      if (!ranged) return checkCount;
      return (v) =>
        typeof v === 'number' && Number.isInteger(v) ? (v < 0 && f.minimum === undefined ? `expected a count ≥ 0, found ${v}` : range(v)) : `expected an integer, found ${shown(v)}`;
    case 'number':
      if (!ranged) return checkNumber;
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? range(v) : `expected a number, found ${shown(v)}`);
    case 'rate':
      if (!ranged) return checkRate;
      return (v) =>
        typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100
          ? hasAtMostThreeDecimals(v)
            ? range(v)
            : `expected a rate with at most three decimals, found ${v}`
          : `expected a rate from 0 to 100 (%), found ${shown(v)}`;
    case 'date':
      return checkDate;
    case 'enum': {
      const allowed = new Set(f.values ?? []);
      return (v) => (typeof v === 'string' && allowed.has(v) ? undefined : `expected one of ${[...allowed].map((a) => JSON.stringify(a)).join(', ')}, found ${shown(v)}`);
    }
    case 'documents':
      return checkDocuments;
  }
}
