/**
 * The JSON Schema and the template of one unit's evidence file, both generated from the
 * engine's `evidenceLayout` — never written by hand per ruleset.
 * @module
 */
import { documentsFromRegister, evidenceLayout, takesRegister, UNIT_ID_PATTERN, type CompiledRuleset, type EvidenceField, type EvidenceLayout, type Unit, type UnitEvidence } from '@safecity/engine';

/** What a field of this type expects, in words (used in schema descriptions and in error messages). */
export function expectedText(f: EvidenceField): string {
  const min = f.minimum;
  const max = f.maximum;
  const bounds = (): string => {
    if (min !== undefined && max !== undefined) return `${min}–${max} 之间的`;
    if (min !== undefined) return `≥ ${min} 的`;
    if (max !== undefined) return `≤ ${max} 的`;
    return '';
  };
  switch (f.type) {
    case 'boolean':
      return f.document === true ? 'true、false 或证明材料清单' : 'true 或 false';
    case 'integer':
      return min === undefined ? (max === undefined ? '≥ 0 的整数' : `0–${max} 之间的整数`) : `${bounds()}整数`;
    case 'number':
      return `${bounds()}数`;
    case 'rate': {
      const lo = Math.max(0, min ?? 0);
      const hi = Math.min(100, max ?? 100);
      return `${lo}–${hi} 的数（百分比，最多三位小数）`;
    }
    case 'date':
      return 'YYYY-MM-DD 格式的日期文本';
    case 'enum':
      return `${(f.values ?? []).map((v) => JSON.stringify(v)).join('、')} 之一`;
    case 'documents':
      return '文件名列表或证明材料清单（数组）';
  }
}

/**
 * The JSON Schema of one register entry (佐证材料清单的一行). A document counts when it has
 * `title` and `number` or `date`; `document` says which required document it answers (for a
 * document yes/no field it may be left out).
 */
export function documentEntryJsonSchema(documentRequired: boolean, names?: readonly string[]): Record<string, unknown> {
  const text = (title: string, description?: string) => ({ type: 'string', minLength: 1, title, ...(description === undefined ? {} : { description }) });
  return {
    title: '证明材料',
    description: '一份证明材料：有证明材料名称，且有文号或印发日期的，才计为已提供。',
    type: 'object',
    additionalProperties: false,
    ...(documentRequired ? { required: ['document'] } : {}),
    properties: {
      document: {
        ...text('对应材料', '它对应的材料要求（评分标准所列的文件名称）'),
        ...(names !== undefined && names.length > 0 ? { examples: [...names] } : {}),
      },
      title: text('证明材料名称'),
      number: text('文号', '如 市安委办发〔2022〕12号'),
      date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', title: '印发日期', description: 'YYYY-MM-DD' },
      archived: { type: 'boolean', title: '是否归档' },
      link: text('附件路径或链接'),
      provider: text('提供单位'),
      contact: text('联系人'),
    },
  };
}

function describeField(f: EvidenceField): string {
  const parts: string[] = [];
  if (f.description?.zh !== undefined) parts.push(f.description.zh);
  const e = expectedText(f);
  parts.push(`应为${/^[\x21-\x7e≥≤]/.test(e) ? ' ' : ''}${e}`);
  if (f.unit !== undefined) parts.push(`单位：${f.unit}`);
  parts.push('未填报写 null');
  return parts.join('；') + '。';
}

/** The JSON Schema (draft-07) of one field's value: its type or `null`. */
export function fieldJsonSchema(f: EvidenceField): Record<string, unknown> {
  const s: Record<string, unknown> = { title: f.title.zh, description: describeField(f) };
  switch (f.type) {
    case 'boolean':
      if (f.document === true) s['anyOf'] = [{ type: ['boolean', 'null'] }, { type: 'array', items: documentEntryJsonSchema(false) }];
      else s['type'] = ['boolean', 'null'];
      break;
    case 'integer':
      s['type'] = ['integer', 'null'];
      s['minimum'] = f.minimum ?? 0;
      if (f.maximum !== undefined) s['maximum'] = f.maximum;
      break;
    case 'number':
      s['type'] = ['number', 'null'];
      if (f.minimum !== undefined) s['minimum'] = f.minimum;
      if (f.maximum !== undefined) s['maximum'] = f.maximum;
      break;
    case 'rate':
      s['type'] = ['number', 'null'];
      s['minimum'] = Math.max(0, f.minimum ?? 0);
      s['maximum'] = Math.min(100, f.maximum ?? 100);
      break;
    case 'date':
      s['type'] = ['string', 'null'];
      s['pattern'] = '^\\d{4}-\\d{2}-\\d{2}$';
      break;
    case 'enum':
      s['type'] = ['string', 'null'];
      s['enum'] = [...(f.values ?? []), null];
      break;
    case 'documents':
      s['type'] = ['array', 'null'];
      // No uniqueItems: names are checked for repeats by the reader, and entries may repeat a document.
      s['items'] = { anyOf: [{ type: 'string', minLength: 1 }, documentEntryJsonSchema(true)] };
      break;
  }
  if (f.title.en !== undefined) s['$comment'] = f.title.en;
  return s;
}

function fieldsObject(fields: readonly EvidenceField[], title: string, description: string, leadFields: readonly EvidenceField[] = []): Record<string, unknown> {
  const properties = Object.fromEntries(fields.map((f) => [f.name, fieldJsonSchema(f)]));
  // A partner may give the lead's figure for the indicator, to be compared only (not scored).
  for (const f of leadFields) {
    if (Object.prototype.hasOwnProperty.call(properties, f.name)) continue;
    const s = fieldJsonSchema(f);
    properties[f.name] = { ...s, description: `（选填，不计分）牵头单位报送的城市指标，配合单位填写仅用于数据核对。${typeof s['description'] === 'string' ? s['description'] : ''}` };
  }
  return { title, description, type: 'object', additionalProperties: false, properties };
}

/** The 不适用 claim an item may carry: the unit's reason (不适用原因). */
const CLAIM_SCHEMA = {
  type: ['string', 'null'],
  minLength: 1,
  title: '不适用原因',
  description: '本单位认为此项不适用的，写明原因（由评估组认定，不改变计分）；适用的写 null 或不写',
};

function unitSchema(unit: Unit): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    id: { const: unit.id, description: '单位 id（单位名录中的）' },
    name: { const: unit.name, description: '单位名称' },
    kind: { const: unit.kind, description: '单位类别' },
  };
  if (unit.nameEn !== undefined) properties['nameEn'] = { const: unit.nameEn };
  return { title: '评价对象', type: 'object', required: ['id', 'name', 'kind'], additionalProperties: false, properties };
}

function rulesetSchema(ruleset: EvidenceLayout['ruleset']): Record<string, unknown> {
  return {
    title: '评价细则',
    type: 'object',
    required: ['id', 'version'],
    additionalProperties: false,
    properties: {
      id: { const: ruleset.id },
      version: { const: ruleset.version },
      hash: { type: 'string', description: `评价细则内容的哈希；本版为 ${ruleset.hash}` },
    },
  };
}

/**
 * The schema every unit's evidence file of a ruleset meets, whatever the unit: the ruleset's
 * id and version as constants; the unit as three texts (and `nameEn`); under `items`, any of
 * the ruleset's items, each with any of the ruleset's fields (typed, or `null`) and a 不适用
 * claim; `general` likewise. What depends on the unit (its identity against the registry, which items
 * apply, under which item each field goes) is checked by the parser. It is compiled once per
 * ruleset, not once per unit; editors get the unit's own schema (`evidenceJsonSchema`).
 */
export function rulesetEvidenceSchema(ruleset: CompiledRuleset, itemIds: readonly string[]): Record<string, unknown> {
  // Each field's schema once, referenced from every item that may hold it.
  const definitions: Record<string, unknown> = Object.fromEntries(ruleset.fields.map((f, i) => [`f${i}`, fieldJsonSchema(f)]));
  const properties = Object.fromEntries(ruleset.fields.map((f, i) => [f.name, { $ref: `#/definitions/f${i}` }]));
  // One object schema for an item's fields and for `general` (where the parser refuses a claim),
  // so that the schema holds the fields' checks once.
  definitions['fields'] = { type: 'object', additionalProperties: false, properties: { ...properties, $notApplicable: CLAIM_SCHEMA } };
  const text = { type: 'string' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['ruleset', 'unit', 'items'],
    additionalProperties: false,
    definitions,
    properties: {
      $schema: { type: 'string' },
      ruleset: rulesetSchema(ruleset),
      unit: { type: 'object', required: ['id', 'name', 'kind'], additionalProperties: false, properties: { id: { type: 'string', pattern: UNIT_ID_PATTERN }, name: text, kind: text, nameEn: text } },
      items: { type: 'object', additionalProperties: false, properties: Object.fromEntries(itemIds.map((id) => [id, { $ref: '#/definitions/fields' }])) },
      general: { $ref: '#/definitions/fields' },
    },
  };
}

/** The schema of one unit's layout (`evidenceJsonSchema`). */
export function layoutJsonSchema(layout: EvidenceLayout, rulesetTitle: string): Record<string, unknown> {
  const items = Object.fromEntries(
    layout.items.map((it) => {
      const text = [it.content, it.standard !== undefined ? `评分标准：${it.standard}` : undefined, `分值 ${it.max}${it.bonus ? '（加分项）' : ''}`]
        .filter((x): x is string => x !== undefined)
        .join('\n');
      const o = fieldsObject(it.fields, `${it.id} ${it.title.zh}`, text, it.leadFields);
      (o['properties'] as Record<string, unknown>)['$notApplicable'] = CLAIM_SCHEMA;
      return [it.id, o];
    }),
  );
  const { unit, ruleset } = layout;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${unit.name} 佐证材料（${rulesetTitle} ${ruleset.id}@${ruleset.version}）`,
    description: `${unit.name}（${unit.id}）的佐证材料：按评分项填写各字段的值，未填报的留 null。由 @safecity/evidence-json 依评价细则生成，请勿手改。`,
    type: 'object',
    required: ['ruleset', 'unit', 'items'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      ruleset: rulesetSchema(ruleset),
      unit: unitSchema(unit),
      items: {
        title: '评分项',
        description: '适用于本单位的评分项，每项下是它要求的佐证字段',
        type: 'object',
        additionalProperties: false,
        properties: items,
      },
      general: fieldsObject(layout.general, '基本情况', '不属于任何评分项的字段（如否决项所读的字段）'),
    },
  };
}

/**
 * The JSON Schema (draft-07) of one unit's evidence file, generated from
 * `evidenceLayout(ruleset, unit)`: the ruleset id and version and the unit as constants,
 * `items` with exactly the items that apply to the unit, each with its fields typed (or
 * `null`), with ranges, allowed values, titles and units of measure, and `general` likewise.
 * Point a file's `$schema` at it and an editor checks the file while staff type.
 */
export function evidenceJsonSchema(ruleset: CompiledRuleset, unit: Unit): Record<string, unknown> {
  return layoutJsonSchema(evidenceLayout(ruleset, unit), ruleset.title.zh);
}

/** Options of `jsonTemplate`. */
export interface JsonTemplateOptions {
  /** The `$schema` reference written into the file; default `./<unit-id>.evidence.schema.json`. */
  schemaRef?: string;
}

/**
 * An empty evidence file for one unit: `$schema`, the ruleset's id, version and hash, the
 * unit, every applicable item with every one of its fields `null`, and `general`. It
 * validates against `evidenceJsonSchema(ruleset, unit)`; write it with `JSON.stringify(t, null, 2)`.
 */
export function jsonTemplate(ruleset: CompiledRuleset, unit: Unit, options: JsonTemplateOptions = {}): Record<string, unknown> {
  const layout = evidenceLayout(ruleset, unit);
  const nulls = (fields: readonly EvidenceField[]) => Object.fromEntries(fields.map((f) => [f.name, null]));
  const u: Record<string, string> = { id: unit.id, name: unit.name, kind: unit.kind };
  return {
    $schema: options.schemaRef ?? `./${unit.id}.evidence.schema.json`,
    ruleset: { ...layout.ruleset },
    unit: u,
    items: Object.fromEntries(layout.items.map((it) => [it.id, nulls(it.fields)])),
    general: nulls(layout.general),
  };
}

/**
 * A filled evidence file for one unit: the template with the unit's values in place (a field
 * scored by several items is written under each), its register entries (a documents field:
 * the names the register does not count, then the entries; a document yes/no field: the
 * entries) and its 不适用 claims (`$notApplicable`). What `parseJsonEvidence` reads back as the
 * same evidence; `safecity migrate` writes last year's evidence this way for the new edition.
 */
export function jsonEvidence(ruleset: CompiledRuleset, evidence: UnitEvidence, options: JsonTemplateOptions = {}): Record<string, unknown> {
  const doc = jsonTemplate(ruleset, evidence.unit, options);
  const byName = new Map(ruleset.fields.map((f) => [f.name, f]));
  const register = evidence.register ?? {};
  const fill = (group: Record<string, unknown>) => {
    for (const name of Object.keys(group)) {
      const v = evidence.values[name];
      const f = byName.get(name);
      const entries = Object.prototype.hasOwnProperty.call(register, name) ? (register[name] ?? []) : [];
      if (f !== undefined && takesRegister(f) && entries.length > 0) {
        const counted = documentsFromRegister(entries).counted;
        const plain = f.type === 'documents' && Array.isArray(v) ? v.filter((d) => !counted.includes(d)) : [];
        group[name] = [...plain, ...entries.map((e) => ({ ...e }))];
        continue;
      }
      if (v !== undefined) group[name] = Array.isArray(v) ? v.slice() : v;
    }
  };
  const items = doc['items'] as Record<string, Record<string, unknown>>;
  for (const fields of Object.values(items)) fill(fields);
  fill(doc['general'] as Record<string, unknown>);
  for (const [id, reason] of Object.entries(evidence.claims ?? {})) {
    const it = items[id];
    if (it !== undefined) it['$notApplicable'] = reason;
  }
  return doc;
}
