import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { evidenceLayout, type Unit } from '@safecity/engine';
import { evidenceJsonSchema, jsonTemplate } from '../src/index.js';
import { allTypes, districtRs, municipalRs, rulesetFor, unit, units } from './helpers.js';

type Json = Record<string, any>;
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });

const itemIds = (schema: Json) => Object.keys(schema['properties']['items']['properties']);

describe('evidenceJsonSchema', () => {
  it('is generated for a district unit: constants, exactly the applicable items, typed fields', () => {
    const u = unit('yanta');
    const s = evidenceJsonSchema(districtRs, u) as Json;
    expect(s['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(s['required']).toEqual(['ruleset', 'unit', 'items']);
    expect(s['additionalProperties']).toBe(false);
    expect(s['properties']['ruleset']['properties']['id']).toEqual({ const: 'xian-2022/district' });
    expect(s['properties']['ruleset']['properties']['version']).toEqual({ const: districtRs.version });
    expect(s['properties']['unit']['properties']['id']['const']).toBe('yanta');
    expect(s['properties']['unit']['properties']['name']['const']).toBe('雁塔区');
    expect(s['properties']['unit']['properties']['kind']['const']).toBe('district');
    expect(s['properties']['items']['additionalProperties']).toBe(false);
    expect(itemIds(s)).toEqual(districtRs.itemsFor(u).map((i) => i.id));

    const item = s['properties']['items']['properties']['3.2.1.11'];
    expect(item['additionalProperties']).toBe(false);
    expect(Object.keys(item['properties'])).toEqual(['hazmatMonitoringRate', 'hazmatMajorHazardSites', '$notApplicable']);
    expect(item['properties']['$notApplicable']).toMatchObject({ type: ['string', 'null'], title: '不适用原因' });
    const rate = item['properties']['hazmatMonitoringRate'];
    expect(rate).toMatchObject({ type: ['number', 'null'], minimum: 0, maximum: 100, title: '重大危险源企业视频和安全监控系统安装率' });
    expect(rate['description']).toContain('单位：%');
    const count = item['properties']['hazmatMajorHazardSites'];
    expect(count).toMatchObject({ type: ['integer', 'null'], minimum: 0 });

    const general = s['properties']['general'];
    expect(general['additionalProperties']).toBe(false);
    expect(Object.keys(general['properties'])).toEqual(evidenceLayout(districtRs, u).general.map((f) => f.name));
    expect(Object.keys(general['properties'])).toContain('largerAccidentDeaths');
  });

  it('is generated for a municipal unit', () => {
    const u = unit('yingjiguanliju');
    const s = evidenceJsonSchema(municipalRs, u) as Json;
    expect(s['properties']['ruleset']['properties']['id']).toEqual({ const: 'xian-2022/municipal' });
    expect(s['properties']['unit']['properties']['kind']['const']).toBe('municipal');
    expect(itemIds(s)).toEqual(municipalRs.itemsFor(u).map((i) => i.id));
    const docs = Object.values(s['properties']['items']['properties'] as Json)
      .flatMap((it: Json) => Object.values(it['properties'] as Json))
      .find((f: Json) => Array.isArray(f['type']) && (f['type'] as string[]).includes('array'));
    expect(docs).toMatchObject({ type: ['array', 'null'] });
    // A name (the legacy list) or a register entry (佐证材料清单的一行).
    expect(docs['items']['anyOf'][0]).toEqual({ type: 'string', minLength: 1 });
    expect(docs['items']['anyOf'][1]).toMatchObject({ type: 'object', required: ['document'], additionalProperties: false });
    expect(Object.keys(docs['items']['anyOf'][1]['properties'])).toEqual(['document', 'title', 'number', 'date', 'archived', 'link', 'provider', 'contact']);
  });

  it("lists exactly the applicable items for every registered unit, and each unit's template validates against it", () => {
    for (const u of units) {
      const rs = rulesetFor(u);
      const s = evidenceJsonSchema(rs, u) as Json;
      expect(itemIds(s)).toEqual(rs.itemsFor(u).map((i) => i.id));
      const validate = ajv.compile(s);
      const t = JSON.parse(JSON.stringify(jsonTemplate(rs, u)));
      expect(validate(t), `${u.id}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it("a county's schema lacks 3.1.2.8 (utility tunnels); a district's has it", () => {
    expect(itemIds(evidenceJsonSchema(districtRs, unit('zhouzhi')))).not.toContain('3.1.2.8');
    expect(itemIds(evidenceJsonSchema(districtRs, unit('yanta')))).toContain('3.1.2.8');
  });

  it('the wenwuju (市文物局) schema has 3.2.2.19.5 but not 3.2.2.19.1', () => {
    const ids = itemIds(evidenceJsonSchema(municipalRs, unit('wenwuju')));
    expect(ids).toContain('3.2.2.19.5');
    expect(ids).not.toContain('3.2.2.19.1');
  });

  it('types every kind of field, with ranges, enum values and null', () => {
    const s = evidenceJsonSchema(allTypes, { id: 'x', name: 'X区', kind: 'district' }) as Json;
    const p = (item: string, f: string) => s['properties']['items']['properties'][item]['properties'][f];
    expect(p('a', 'ok')['type']).toEqual(['boolean', 'null']);
    expect(p('a', 'level')).toMatchObject({ type: ['string', 'null'], enum: ['甲', '乙', '丙', null] });
    expect(p('b', 'staff')).toMatchObject({ type: ['integer', 'null'], minimum: 1, maximum: 50 });
    expect(p('b', 'staff')['description']).toContain('单位：人');
    expect(p('b', 'delta')).toMatchObject({ type: ['number', 'null'], minimum: -10, maximum: 10 });
    expect(p('c', 'cover')).toMatchObject({ type: ['number', 'null'], minimum: 50, maximum: 100 });
    expect(p('d', 'inspected')).toMatchObject({ type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
    expect(Object.keys(s['properties']['general']['properties'])).toEqual(['drill']);
    // A county: item d does not apply.
    expect(itemIds(evidenceJsonSchema(allTypes, { id: 'y', name: 'Y县', kind: 'county' }))).toEqual(['a', 'b', 'c']);
  });

  it('rejects what the parser rejects: wrong types, ranges, unknown items and fields, another unit', () => {
    const u = unit('yanta');
    const validate = ajv.compile(evidenceJsonSchema(districtRs, u));
    const t = JSON.parse(JSON.stringify(jsonTemplate(districtRs, u)));
    t.items['3.2.1.11'].hazmatMonitoringRate = 120;
    t.items['3.1.1.1'].planFindings = -1;
    t.items['3.1.1.1'].extra = 1;
    t.items['9.9'] = {};
    t.unit.name = '碑林区';
    expect(validate(t)).toBe(false);
    const where = new Set((validate.errors ?? []).map((e) => e.instancePath));
    for (const p of ['/items/3.2.1.11/hazmatMonitoringRate', '/items/3.1.1.1/planFindings', '/items/3.1.1.1', '/items', '/unit/name']) expect(where).toContain(p);
  });
});

describe('jsonTemplate', () => {
  it('has $schema, the ruleset, the unit, every applicable item with every field null, and general', () => {
    const u: Unit = unit('zhouzhi');
    const t = jsonTemplate(districtRs, u) as Json;
    expect(t['$schema']).toBe('./zhouzhi.evidence.schema.json');
    expect(t['ruleset']).toEqual({ id: districtRs.id, version: districtRs.version, hash: districtRs.hash });
    expect(t['unit']).toEqual({ id: 'zhouzhi', name: '周至县', kind: 'county' });
    const layout = evidenceLayout(districtRs, u);
    expect(Object.keys(t['items'])).toEqual(layout.items.map((i) => i.id));
    for (const it of layout.items) expect(t['items'][it.id]).toEqual(Object.fromEntries(it.fields.map((f) => [f.name, null])));
    expect(t['general']).toEqual(Object.fromEntries(layout.general.map((f) => [f.name, null])));
    expect(jsonTemplate(districtRs, u, { schemaRef: 'https://example.org/s.json' })['$schema']).toBe('https://example.org/s.json');
  });
});
