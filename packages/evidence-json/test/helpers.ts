import { createEngine, EvidenceError, type CompiledRuleset, type Issue, type Unit } from '@safecity/engine';
import { district, municipal, units, unitById } from '@safecity/ruleset-xian-2022';
import { expect } from 'vitest';

export const engine = createEngine();
export const districtRs: CompiledRuleset = engine.compile(district);
export const municipalRs: CompiledRuleset = engine.compile(municipal);
export { units };

export function unit(id: string): Unit {
  const u = unitById(id);
  if (u === undefined) throw new Error(`no unit ${id}`);
  return u;
}

export function rulesetFor(u: Unit): CompiledRuleset {
  return u.kind === 'municipal' ? municipalRs : districtRs;
}

/** The issues of an EvidenceError thrown by fn (fails the test when nothing is thrown). */
export function issuesOf(fn: () => unknown): readonly Issue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceError);
    return (e as EvidenceError).issues;
  }
  throw new Error('expected an EvidenceError, nothing was thrown');
}

/** A deep copy of a JSON value (templates are edited per test). */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** A small ruleset with every field type, ranges and a general field (the Xi'an rubrics have no dates or enums). */
export const allTypes: CompiledRuleset = engine.compile({
  id: 'test/all-types',
  version: '2.1.0',
  edition: 2022,
  title: { zh: '全类型测试细则' },
  unitKinds: ['district', 'county'],
  fields: [
    { name: 'ok', type: 'boolean', title: { zh: '已建立制度' } },
    { name: 'level', type: 'enum', title: { zh: '评定等级' }, values: ['甲', '乙', '丙'] },
    { name: 'staff', type: 'integer', title: { zh: '专职人员数' }, unit: '人', minimum: 1, maximum: 50 },
    { name: 'delta', type: 'number', title: { zh: '变化量' }, minimum: -10, maximum: 10 },
    { name: 'cover', type: 'rate', title: { zh: '覆盖率' }, unit: '%', minimum: 50 },
    { name: 'docs', type: 'documents', title: { zh: '制度文件' } },
    { name: 'inspected', type: 'date', title: { zh: '检查日期' } },
    { name: 'drill', type: 'date', title: { zh: '演练日期' } },
  ],
  tree: [
    {
      id: 'g',
      title: { zh: '组' },
      max: 4,
      children: [
        { id: 'a', title: { zh: '制度与等级' }, max: 1, scoring: { logic: { if: [{ and: [{ var: 'ok' }, { '==': [{ var: 'level' }, '甲'] }] }, 1, 0] } } },
        { id: 'b', title: { zh: '人员' }, max: 1, scoring: { logic: { if: [{ '>=': [{ var: 'staff' }, { var: 'delta' }] }, 1, 0] } } },
        { id: 'c', title: { zh: '覆盖与文件' }, max: 1, scoring: { logic: { if: [{ '>=': [{ var: 'cover' }, 90] }, { if: [{ var: 'docs' }, 1, 0] }, 0] } } },
        { id: 'd', title: { zh: '检查' }, max: 1, applicability: { kinds: ['district'], reason: { zh: '县不考核' } }, scoring: { logic: { if: [{ var: 'inspected' }, 1, 0] } } },
      ],
    },
  ],
});
