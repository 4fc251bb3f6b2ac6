import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { createEngine, evidenceLayout, mergeEvidence } from '../src/index.js';

const base = JSON.parse(readFileSync(new URL('../../../examples/basic/ruleset.json', import.meta.url), 'utf8'));
const ruleset = createEngine().compile(base);
const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };

describe('evidenceLayout', () => {
  it('lists applicable items with their fields (condition fields too), each field once, the rest as general', () => {
    const layout = evidenceLayout(ruleset, unit);
    expect(layout.ruleset).toEqual({ id: 'example/source-governance', version: '1.0.0', hash: ruleset.hash });
    expect(layout.items.map((i) => [i.id, i.fields.map((f) => f.name)])).toEqual([
      ['1.1.1', ['planFindings']],
      ['1.1.3', ['safetyRules']],
      ['1.2.4a', ['hydrantDefects']],
      ['1.2.4b', ['pipeRenovationRate']],
      ['1.2.5', ['fireCommsRate']],
      ['1.2.11', ['hazmatMonitoredRate', 'hazmatEnterprises']],
      ['bonus.culture', ['cultureAwards']],
    ]);
    expect(layout.general.map((f) => f.name)).toEqual(['majorAccidentDeaths']);
    expect(layout.items[0]).toMatchObject({ title: { zh: '城市总体规划及防灾减灾等专项规划' }, max: 2, bonus: false, evidenceKinds: ['policy'], checkMethods: ['data-check'] });
  });
});

describe('mergeEvidence', () => {
  it('merges files per unit, keeps every place, and names both places of a conflict', () => {
    const a = { unit, values: { planFindings: 1, hydrantDefects: 2 }, sources: { planFindings: ['a.xlsx!评分项!G5'], hydrantDefects: ['a.xlsx!评分项!G7'] } };
    const b = { unit, values: { planFindings: 1, hydrantDefects: 3 }, sources: { planFindings: ['b.json#/items/1.1.1/planFindings'], hydrantDefects: ['b.json#/items/1.2.4a/hydrantDefects'] } };
    const other = { unit: { id: 'beilin', name: '碑林区', kind: 'district' }, values: { planFindings: 0 }, sources: { planFindings: ['c.json#/items/1.1.1/planFindings'] } };
    const { units, issues } = mergeEvidence([a, b, other], ruleset.fields);
    expect(units.map((u) => u.unit.id)).toEqual(['beilin', 'yanta']);
    expect(units[1]!.values).toEqual({ planFindings: 1, hydrantDefects: 2 });
    expect(units[1]!.sources!['planFindings']).toEqual(['a.xlsx!评分项!G5', 'b.json#/items/1.1.1/planFindings']);
    expect(issues).toEqual([
      { path: 'b.json#/items/1.2.4a/hydrantDefects', message: '雁塔区的“市政消火栓未保持完好”填报了两次且不一致：a.xlsx!评分项!G7为 2，此处为 3；同一项只能填报一个值，请核对后保留一处' },
    ]);
  });
});
