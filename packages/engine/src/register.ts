/**
 * The evidence register (佐证材料清单): per document its 证明材料名称, 文号, 印发日期, 是否归档,
 * link, provider and contact. A document counts when it is named and dated or numbered; the
 * adapters derive a field's value from its register, and the card names what is missing or
 * incomplete. Pure functions, no I/O.
 * @module
 */
import type { DocumentEntry, EvidenceField, FieldValue } from './model.js';
import type { LocalText } from './text.js';

/** What a registered document lacks to count: its title (证明材料名称), or both 文号 and 印发日期 (one of them is needed). */
export type DocumentLack = 'title' | 'number' | 'date';

/** A registered document none of whose entries counts. */
export interface IncompleteDocument {
  /** The required document (or field) it answers. */
  document: string;
  /** Its own title, when given. */
  title?: string;
  /** What the first entry for it lacks. */
  lacks: DocumentLack[];
}

/** What a field's register says: which documents count and which are registered but incomplete. */
export interface RegisterReading {
  /** The documents that count (named, and dated or numbered), each once, in register order. */
  counted: string[];
  /** Documents registered only by entries that do not count, each once, in register order. */
  incomplete: IncompleteDocument[];
}

const filled = (s: string | undefined): boolean => typeof s === 'string' && s.trim() !== '';

/** What one entry lacks to count ([] when it counts). */
export function entryLacks(e: DocumentEntry): DocumentLack[] {
  const out: DocumentLack[] = [];
  if (!filled(e.title)) out.push('title');
  if (!filled(e.number) && !filled(e.date)) out.push('number', 'date');
  return out;
}

/**
 * Read one field's register: the documents that count (an entry with a title and a 文号 or a
 * 印发日期) and the documents registered only incompletely, with what they lack.
 */
export function documentsFromRegister(entries: readonly DocumentEntry[] | undefined): RegisterReading {
  const counted: string[] = [];
  const incomplete: IncompleteDocument[] = [];
  if (entries === undefined) return { counted, incomplete };
  for (const e of entries) {
    if (entryLacks(e).length === 0 && !counted.includes(e.document)) counted.push(e.document);
  }
  for (const e of entries) {
    if (counted.includes(e.document) || incomplete.some((x) => x.document === e.document)) continue;
    const x: IncompleteDocument = { document: e.document, lacks: entryLacks(e) };
    if (filled(e.title)) x.title = e.title as string;
    incomplete.push(x);
  }
  return { counted, incomplete };
}

/**
 * Whether a field takes a register: every `documents` field unless flagged `document: false`
 * (names that are not documents), and yes/no fields flagged `document: true`.
 */
export function takesRegister(field: Pick<EvidenceField, 'type' | 'document'>): boolean {
  return field.type === 'documents' ? field.document !== false : field.type === 'boolean' && field.document === true;
}

/**
 * A field's value as its register gives it: for a `documents` field the documents that count
 * (after the names given as a plain list, if any); for a document yes/no field whether any
 * entry counts.
 */
export function registerValue(field: Pick<EvidenceField, 'type'>, entries: readonly DocumentEntry[], plain?: readonly string[]): FieldValue {
  const { counted } = documentsFromRegister(entries);
  if (field.type === 'documents') {
    const out = plain === undefined ? [] : plain.slice();
    for (const d of counted) if (!out.includes(d)) out.push(d);
    return out;
  }
  return counted.length > 0;
}

/** What a document lacks, in words: 缺证明材料名称 / 缺文号和印发日期. */
export function lacksText(lacks: readonly DocumentLack[]): LocalText {
  const zh: string[] = [];
  const en: string[] = [];
  if (lacks.includes('title')) {
    zh.push('证明材料名称');
    en.push('its title');
  }
  if (lacks.includes('number') || lacks.includes('date')) {
    zh.push('文号和印发日期');
    en.push('a document number or date');
  }
  return { zh: `缺${zh.join('、')}`, en: `lacks ${en.join(' and ')}` };
}

/**
 * How a required document that does not count reads on a deduction:
 * `《安全生产责任制规定》（未提供）` or `《安全生产考核办法》（已登记，缺文号和印发日期）`.
 */
export function missingDocumentText(document: string, reading: RegisterReading): LocalText {
  const inc = reading.incomplete.find((x) => x.document === document);
  if (inc === undefined) return { zh: `《${document}》（未提供）`, en: `"${document}" (not provided)` };
  const lacks = lacksText(inc.lacks);
  return { zh: `《${document}》（已登记，${lacks.zh}）`, en: `"${document}" (registered; ${lacks.en})` };
}
