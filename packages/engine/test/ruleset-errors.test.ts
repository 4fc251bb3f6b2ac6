// Broken rulesets, each answered with the right JSON pointer and a plain message.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { createEngine, definePlugin, RulesetError, type Issue } from '../src/index.js';

const base = JSON.parse(readFileSync(new URL('../../../examples/basic/ruleset.json', import.meta.url), 'utf8'));
type R = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const item = (r: R, id: string): R => {
  const walk = (nodes: R[]): R => {
    for (const n of nodes) {
      if (n.id === id) return n;
      const c = n.children ? walk(n.children) : undefined;
      if (c) return c;
    }
    return undefined;
  };
  return walk(r.tree) ?? walk(r.bonus.items);
};

function issuesOf(json: unknown, engine = createEngine()): Issue[] {
  try {
    engine.compile(json);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesetError);
    return [...(e as RulesetError).issues];
  }
  throw new Error('expected the ruleset to be refused');
}

const cases: Array<[string, (r: R) => unknown, Array<[string, RegExp]>]> = [
  ['not an object', () => 'ruleset.json', [['', /expected a ruleset object, found a string/]]],
  ['missing id', (r) => { delete r.id; }, [['', /missing required property "id"/]]],
  ['version not semver', (r) => { r.version = '2022'; }, [['/version', /expected text matching/]]],
  ['unknown top-level property', (r) => { r.rubric = 1; }, [['/rubric', /unknown property "rubric"/]]],
  ['max is text', (r) => { item(r, '1.1.1').max = '2分'; }, [['/tree/0/children/0/children/0/max', /expected number, found a string "2分"/]]],
  ['negative max', (r) => { item(r, '1.1.1').max = -2; }, [['/tree/0/children/0/children/0/max', /must be >= 0/]]],
  ['points with four decimals', (r) => { item(r, '1.1.3').scoring.params.per = 0.2345; }, [['/tree/0/children/0/children/1/scoring/params/per', /at most three decimals/]]],
  ['duplicate item id', (r) => { item(r, '1.1.3').id = '1.1.1'; }, [['/tree/0/children/0/children/1/id', /id "1.1.1" is already used at \/tree\/0\/children\/0\/children\/0/]]],
  ['children do not sum to the parent', (r) => { item(r, '1.1.1').max = 3; }, [['/tree/0/children/0/max', /children's maxima sum to 4, but this node's max is 3/]]],
  ['capped parent that can never be reached', (r) => { const g = item(r, '1.1'); g.childrenMax = 'cap'; g.max = 5; r.tree[0].max = 11; }, [['/tree/0/children/0/max', /less than this node's max 5/]]],
  ['unknown method', (r) => { item(r, '1.1.1').scoring.method = 'per-findings'; }, [['/tree/0/children/0/children/0/scoring/method', /unknown scoring method "per-findings"; this engine has checklist, expert-grade, per-finding/]]],
  ['params fail the method schema', (r) => { item(r, '1.1.1').scoring.params.per = 'half'; }, [['/tree/0/children/0/children/0/scoring/params/per', /expected number, found a string "half"/]]],
  ['unknown param', (r) => { item(r, '1.1.1').scoring.params.each = 1; }, [['/tree/0/children/0/children/0/scoring/params/each', /unknown property "each"/]]],
  ['param names no declared field', (r) => { item(r, '1.2.4a').scoring.params.field = 'hydrants'; }, [['/tree/0/children/1/children/0/scoring/params/field', /"hydrants" names no declared evidence field/]]],
  ['field of the wrong type for the method', (r) => { item(r, '1.2.5').scoring.params.field = 'hydrantDefects'; }, [['/tree/0/children/1/children/2/scoring/params/field', /field "hydrantDefects" is integer, but method "rate" needs rate/]]],
  ['cap above the item max', (r) => { item(r, '1.2.4a').scoring.params.cap = 1.5; }, [['/tree/0/children/1/children/0/scoring/params/cap', /cap 1.5 exceeds the item's max 1/]]],
  ['both method and logic', (r) => { item(r, '1.1.1').scoring.logic = 1; }, [['/tree/0/children/0/children/0/scoring', /either "method".*or "logic", not both/]]],
  ['neither children nor scoring', (r) => { delete item(r, '1.1.1').scoring; }, [['/tree/0/children/0/children/0', /needs "children" \(a group\) or "scoring"/]]],
  ['unknown JsonLogic operator', (r) => { item(r, '1.2.11').scoring.logic = { if: [{ between: [{ var: 'hazmatMonitoredRate' }, 90, 100] }, 2, 0] }; }, [['/tree/0/children/1/children/3/scoring/logic/if/0/between', /unknown JsonLogic operator "between"/]]],
  ['var names no declared field', (r) => { item(r, '1.2.11').scoring.logic = { '>=': [{ var: 'hazmatRate' }, 100] }; }, [['/tree/0/children/1/children/3/scoring/logic/>=/0/var', /var "hazmatRate" names no declared evidence field/]]],
  ['veto reads an undeclared field', (r) => { r.vetoes[0].when = { '>': [{ var: 'deaths' }, 0] }; }, [['/vetoes/0/when/>/0/var', /var "deaths" names no declared evidence field/]]],
  ['unknown template parameter in a message override', (r) => { item(r, '1.2.11').messages.logic.reason.zh = '得{score}分'; }, [['/tree/0/children/1/children/3/messages/logic/reason/zh', /unknown template parameter \{score\}/]]],
  ['override of a message the method does not have', (r) => { item(r, '1.1.1').messages = { missing: { reason: { zh: '缺' } } }; }, [['/tree/0/children/0/children/0/messages/missing', /unknown message id "missing"/]]],
  ['applicability for an unknown unit kind', (r) => { item(r, '1.2.11').applicability.kinds = ['city']; }, [['/tree/0/children/1/children/3/applicability/kinds/0', /unit kind "city" is not one of the ruleset's unitKinds/]]],
  ['applicability without a reason', (r) => { delete item(r, '1.2.11').applicability.reason; }, [['/tree/0/children/1/children/3/applicability', /missing required property "reason"/]]],
  ['unknown evidence kind', (r) => { item(r, '1.1.1').evidenceKinds = ['photo']; }, [['/tree/0/children/0/children/0/evidenceKinds/0', /expected one of "policy", "ledger", "process", "facility", found a string "photo"/]]],
  ['unknown veto effect', (r) => { r.vetoes[0].effect = { type: 'halve' }; }, [['/vetoes/0/effect/type', /expected "type" to be one of "zero", "cap", "grade", "flag", found a string "halve"/]]],
  ['veto effect names an undeclared grade', (r) => { r.vetoes[0].effect.grade = 'failed'; }, [['/vetoes/0/effect/grade', /grade "failed" is not one of the ruleset's grades/]]],
  ['duplicate field', (r) => { r.fields.push({ ...r.fields[0] }); }, [['/fields/9/name', /field "planFindings" is declared twice/]]],
  ['enum field without values', (r) => { r.fields.push({ name: 'level', type: 'enum', title: { zh: '等级' } }); }, [['/fields/9', /an enum field needs "values"/]]],
  ['a field named like an Object.prototype property', (r) => { r.fields.push({ name: 'constructor', type: 'integer', title: { zh: 'x' } }); }, [['/fields/9/name', /"constructor" is reserved/]]],
  ['tiers that are not monotone', (r) => { item(r, 'bonus.culture').scoring.params.bands = [{ bound: 1, points: 1 }, { bound: 3, points: 0.5 }]; }, [['/bonus/items/0/scoring/params/bands/1/points', /a better band gives fewer points/]]],
  ['a max no tier reaches (e.g. raised in a new edition without a new band)', (r) => { item(r, 'bonus.culture').max = 2; }, [['/bonus/items/0/scoring/params/bands', /no band gives the item's max 2 \(the best gives 1\.5\): the item could never earn full marks/]]],
  ['unknown merge policy', (r) => { item(r, '1.2.5').merge = 'average'; }, [['/tree/0/children/1/children/2/merge', /unknown merge policy "average"/]]],
  ['item-only property on a group', (r) => { item(r, '1.1').content = 'x'; }, [['/tree/0/children/0/content', /"content" is only for items/]]],
];

describe('broken rulesets are refused with the right place and message', () => {
  it(`has at least 20 distinct cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(20));
  it('the base ruleset compiles', () => expect(() => createEngine().compile(base)).not.toThrow());
  it.each(cases)('%s', (_name, mutate, expected) => {
    const r = structuredClone(base);
    const replaced = mutate(r);
    const issues = issuesOf(replaced === undefined ? r : replaced);
    for (const [path, message] of expected) {
      const hit = issues.find((i) => i.path === path && message.test(i.message));
      expect(hit, `expected an issue at ${path} matching ${message}; got ${JSON.stringify(issues, null, 1)}`).toBeDefined();
    }
    // No noise: an author sees just the problems that were introduced.
    expect(issues.length, JSON.stringify(issues, null, 1)).toBeLessThanOrEqual(expected.length + 1);
  });

  it('reports every problem at once', () => {
    const r = structuredClone(base);
    item(r, '1.1.1').scoring.method = 'nope';
    item(r, '1.2.4a').scoring.params.field = 'nope';
    r.vetoes[0].when = { '>': [{ var: 'nope' }, 0] };
    const issues = issuesOf(r);
    expect(issues.map((i) => i.path)).toEqual([
      '/tree/0/children/0/children/0/scoring/method',
      '/tree/0/children/1/children/0/scoring/params/field',
      '/vetoes/0/when/>/0/var',
    ]);
  });

  it('the error message lists each problem on its own line with its pointer', () => {
    const r = structuredClone(base);
    item(r, '1.1.1').scoring.params.per = 'half';
    try {
      createEngine().compile(r);
    } catch (e) {
      expect((e as Error).message).toBe('Invalid ruleset (1 problem):\n  /tree/0/children/0/children/0/scoring/params/per: expected number, found a string "half"');
    }
  });

  it('an operator is known only to the engine whose plugin adds it', () => {
    const r = structuredClone(base);
    item(r, '1.2.11').scoring.logic = { if: [{ between: [{ var: 'hazmatMonitoredRate' }, 90, 100] }, 2, 0] };
    const between = definePlugin({ name: 'between', operators: { between: (v, lo, hi) => (v as number) >= (lo as number) && (v as number) <= (hi as number) } });
    expect(() => createEngine({ plugins: [between] }).compile(r)).not.toThrow();
    expect(issuesOf(r)).toHaveLength(1);
  });
});
