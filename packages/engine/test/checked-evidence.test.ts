import { describe, expect, it } from 'vitest';
import { createEngine, EvidenceError } from '../src/index.js';
import { generateRuleset } from './generate-ruleset.js';

describe('checkEvidence: checked once, frozen, trusted', () => {
  const { ruleset, values } = generateRuleset(30, 2);
  const rs = createEngine().compile(ruleset);
  const unit = { id: 'u', name: '单位', kind: 'district' };
  it('gives the same card as the evidence given, and the copy is deeply frozen', () => {
    const given = { unit, values: { ...values }, sources: { f0: ['u.xlsx!评分项!F7'] } };
    const checked = rs.checkEvidence(given);
    expect(checked).not.toBe(given);
    expect(Object.isFrozen(checked) && Object.isFrozen(checked.values) && Object.isFrozen(checked.unit) && Object.isFrozen(checked.sources!['f0'])).toBe(true);
    expect(Object.isFrozen(given.values)).toBe(false);
    expect(JSON.stringify(rs.score(checked))).toBe(JSON.stringify(rs.score(given)));
    expect(rs.evaluate(checked).total).toBe(rs.evaluate(given).total);
  });
  it('throws the same EvidenceError as scoring for bad evidence', () => {
    const bad = { unit, values: { ...values, f1: -3, nope: 1 } };
    const issuesOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(EvidenceError);
        return (e as EvidenceError).issues;
      }
      throw new Error('no error');
    };
    expect(issuesOf(() => rs.checkEvidence(bad))).toEqual(issuesOf(() => rs.score(bad)));
    expect(issuesOf(() => rs.checkEvidence({ unit, values, sources: { f0: [() => 1] } }))[0]!.path).toBe('');
  });
  it('is trusted by the ruleset that checked it only: another ruleset checks it again', () => {
    const other = createEngine().compile(generateRuleset(10, 2).ruleset);
    const checked = rs.checkEvidence({ unit, values });
    expect(() => other.score(checked)).toThrow(EvidenceError);
  });
});
