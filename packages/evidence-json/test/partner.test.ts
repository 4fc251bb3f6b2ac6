// 责任唯一 in a JSON evidence file: a partner fills in its own part; the lead's figure, when a
// partner gives it anyway, is accepted with a warning (it is not scored) so that a figure that
// contradicts the lead's can be reported with both places.
import { describe, expect, it } from 'vitest';
import { createEngine, EvidenceError, responsibilityConflicts, type Issue, type Unit } from '@safecity/engine';
import { evidenceJsonSchema, jsonTemplate, readJsonEvidence } from '../src/index.js';
import fixture from '../../engine/test/fixtures/partner-round.json' with { type: 'json' };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
function issuesOf(fn: () => unknown): readonly Issue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceError);
    return (e as EvidenceError).issues;
  }
  throw new Error('expected an EvidenceError');
}

type Json = Record<string, any>;

// A lead and a partner of one city-wide indicator, shared with the command's test.
const units = fixture.units as Unit[];
const rs = createEngine().compile(fixture.ruleset);
const u = (id: string) => units.find((x) => x.id === id)!;

describe('a partner’s evidence file', () => {
  it('the template asks the lead for the indicator and the partner for its own part', () => {
    expect(jsonTemplate(rs, u('chengguanju'))['items']).toEqual({ '3.1.2.4.2': { renovationRate: null } });
    expect(jsonTemplate(rs, u('shuiwuju'))['items']).toEqual({ '3.1.2.4.2': { partnerTaskRate: null } });
  });
  it('the lead’s figure given by a partner is accepted with a warning, not scored, and a contradiction names both files', () => {
    const lead = clone(jsonTemplate(rs, u('chengguanju'))) as Json;
    lead['items']['3.1.2.4.2']['renovationRate'] = 85;
    const partner = clone(jsonTemplate(rs, u('shuiwuju'))) as Json;
    partner['items']['3.1.2.4.2']['partnerTaskRate'] = 90;
    partner['items']['3.1.2.4.2']['renovationRate'] = 74;
    const bundle = readJsonEvidence(
      [
        { file: 'chengguanju.json', input: JSON.stringify(lead) },
        { file: 'shuiwuju.json', input: JSON.stringify(partner) },
      ],
      { ruleset: rs, units },
    );
    expect(bundle.warnings).toEqual([
      {
        path: 'shuiwuju.json#/items/3.1.2.4.2/renovationRate',
        message: '字段“老旧管网改造率”（renovationRate）是评分项 3.1.2.4.2 的城市指标，由市城管局报送并据以计分；本单位为配合单位，不按此数计分，仅用于与牵头单位的数据核对',
      },
    ]);
    const shui = bundle.units.find((x) => x.unit.id === 'shuiwuju')!;
    expect(rs.score(shui).total).toBe(0.8);
    const conflicts = responsibilityConflicts(rs, bundle.units);
    expect(conflicts.map((c) => [c.lead.places, c.partner.places])).toEqual([
      [['chengguanju.json#/items/3.1.2.4.2/renovationRate'], ['shuiwuju.json#/items/3.1.2.4.2/renovationRate']],
    ]);
  });
  it('the generated schema allows the partner’s copy, marked 不计分', () => {
    const schema = evidenceJsonSchema(rs, u('shuiwuju')) as Json;
    const props = schema['properties']['items']['properties']['3.1.2.4.2']['properties'];
    expect(Object.keys(props)).toEqual(['partnerTaskRate', 'renovationRate', '$notApplicable']);
    expect(props['renovationRate']['description']).toMatch(/^（选填，不计分）牵头单位报送的城市指标/);
  });
  it('a unit that is neither lead nor partner still may not give it', () => {
    const other = clone(jsonTemplate(rs, u('gonganju'))) as Json;
    other['items']['3.1.2.4.2'] = { renovationRate: 74 };
    const issues = issuesOf(() => readJsonEvidence([{ file: 'gonganju.json', input: JSON.stringify(other) }], { ruleset: rs, units }));
    expect(issues[0]!.message).toContain('不适用于市公安局');
  });
});
