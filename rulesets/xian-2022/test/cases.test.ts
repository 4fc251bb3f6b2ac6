// Data-driven cases: each cases/NN-name.json gives a unit's evidence (and check findings) and
// the card expected from the rubric text, computed by hand (the arithmetic is in the
// description). The engine must agree with every one. The harness is rulesets/cases-check.ts.
import { describe, it, expect } from 'vitest';
import { caseHarness, type Case } from '../../cases-check.js';
import { rulesets, units } from '../src/index.js';

const { validateCase, runCases } = caseHarness({ casesUrl: new URL('../cases/', import.meta.url), rulesets, units });

runCases(30);

describe('cases/: the harness', () => {
  it('rejects a case naming an unknown ruleset, unit or item, with a clear message', () => {
    const ok: Case = {
      description: '1 finding × 0.5 = 0.5',
      ruleset: 'xian-2022/district',
      unit: 'yanta',
      evidence: {},
      expected: { total: 0, items: { '1.1.1': 0 } },
    };
    expect(() => validateCase('ok.json', ok)).not.toThrow();
    expect(() => validateCase('r.json', { ...ok, ruleset: 'xian-2099/district' })).toThrow(/r\.json: invalid case:[\s\S]*unknown ruleset "xian-2099\/district"/);
    expect(() => validateCase('u.json', { ...ok, unit: 'atlantis' })).toThrow(/u\.json: invalid case:[\s\S]*unknown unit "atlantis"/);
    expect(() => validateCase('k.json', { ...ok, unit: 'wenwuju' })).toThrow(/unit "wenwuju" is a municipal; ruleset xian-2022\/district is for/);
    expect(() => validateCase('i.json', { ...ok, expected: { total: 0, items: { '9.9.9': 0 } } })).toThrow(/i\.json: invalid case:[\s\S]*unknown item "9\.9\.9"/);
    expect(() => validateCase('n.json', { ...ok, expected: { total: 0, notApplicable: ['3.1.2.99'] } })).toThrow(/notApplicable names unknown item "3\.1\.2\.99"/);
    expect(() => validateCase('d.json', { ...ok, description: 'no arithmetic here' })).toThrow(/write the arithmetic out/);
  });
});
