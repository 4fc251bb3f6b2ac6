// The compiler runs in passes (src/compile/): their issues come in the order an author reads the
// ruleset, whatever pass finds them; what is built lazily reads the same as when it was eager.
import { describe, expect, it } from 'vitest';
import { createEngine, RulesetError, type Issue } from '../src/index.js';
import { generateRuleset, generateValues } from './generate-ruleset.js';

type R = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function issuesOf(json: unknown): Issue[] {
  try {
    createEngine().compile(json);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesetError);
    return [...(e as RulesetError).issues];
  }
  throw new Error('expected the ruleset to be refused');
}

describe('the compile passes', () => {
  it('report a problem of each pass at once, in the order of the ruleset', () => {
    const r: R = structuredClone(generateRuleset(12, 3).ruleset);
    r.fields[1].minimum = 5; // fields: an integer field with minimum above its maximum
    r.fields[1].maximum = 1;
    r.tree[0].children[0].children[2].scoring.params.per = 0.1234; // items: four decimals
    r.tree[0].children[0].children[4].scoring.logic = { var: 'nothing' }; // items: JsonLogic names no field
    r.grades = [{ id: 'a', title: { zh: '好' }, min: 90 }];
    r.vetoes = [{ id: 'v', title: { zh: '否决' }, when: { var: 'f0' }, reason: { zh: '否决' }, effect: { type: 'grade', grade: 'b' } }]; // vetoes
    r.normalize = { scale: 100, coverage: { node: 'missing', min: 1, rate: 60 } }; // checks
    expect(issuesOf(r).map((i) => i.path)).toEqual([
      '/fields/1/minimum',
      '/tree/0/children/0/children/2/scoring/params/per',
      '/tree/0/children/0/children/4/scoring/logic/var',
      '/vetoes/0/effect/grade',
      '/normalize/coverage/node',
    ]);
  });

  it('give the items, general fields and hash when first read, the same before and after scoring', () => {
    const { ruleset, values } = generateRuleset(60, 9);
    const engine = createEngine();
    const a = engine.compile(ruleset);
    const b = engine.compile(ruleset);
    const card = b.score({ unit: { id: 'u', name: '单位', kind: 'district' }, values: generateValues(60, 9, 0) });
    expect(Object.keys(values)).toHaveLength(60);
    expect(b.items).toEqual(a.items);
    expect(b.items).toBe(b.items);
    expect(b.generalFields).toEqual([]);
    expect(b.items.map((i) => i.id)).toEqual(Array.from({ length: 60 }, (_, i) => `i${i}`));
    expect(b.itemsFor({ id: 'u', kind: 'district' })).toHaveLength(60);
    expect(card.ruleset.hash).toBe(a.hash);
  });
});
