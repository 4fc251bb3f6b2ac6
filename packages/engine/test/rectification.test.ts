// 整改类型 and 整改时限 declared in a ruleset: checked by the compiler, inherited from the nearest
// group (else the ruleset's default), exposed on the compiled items, and a patch-level change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, diffRulesets, itemRectifications, rectificationDue, RulesetError, type Issue, type Ruleset } from '../src/index.js';
import { base, patch } from './edition-fixtures.js';

const engine = createEngine();
type R = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function declared(): R {
  const r: R = structuredClone(base);
  r.rectification = { type: 'immediate' };
  r.tree[0].rectification = { type: 'deadline', days: 30 };
  r.tree[0].children[1].rectification = { type: 'ongoing', note: { zh: '每轮复核' } };
  r.tree[1].children[0].rectification = { type: 'deadline', days: 180 };
  return r;
}

function issuesOf(json: unknown): Issue[] {
  try {
    engine.compile(json);
  } catch (e) {
    expect(e).toBeInstanceOf(RulesetError);
    return [...(e as RulesetError).issues];
  }
  throw new Error('expected the ruleset to be refused');
}

describe('rectification declarations', () => {
  it('resolves each item to its own, else its nearest group’s, else the ruleset’s', () => {
    const rs = engine.compile(declared());
    const of = (id: string) => rs.items.find((i) => i.id === id)?.rectification;
    expect(of('i1')).toEqual({ type: 'deadline', days: 30 }); // from g1
    expect(of('i2')).toEqual({ type: 'ongoing', note: { zh: '每轮复核' } }); // its own
    expect(of('i3')).toEqual({ type: 'deadline', days: 180 });
    expect(of('i4')).toEqual({ type: 'immediate' }); // the ruleset's default
    expect(of('x1')).toEqual({ type: 'immediate' });
    expect(Object.isFrozen(of('i1'))).toBe(true);
    expect(itemRectifications(declared() as Ruleset).get('i1')).toEqual({ type: 'deadline', days: 30 });
  });

  it('leaves items without any declaration without one', () => {
    const rs = engine.compile(base);
    expect(rs.items.every((i) => i.rectification === undefined)).toBe(true);
    expect(itemRectifications(base).size).toBe(0);
  });

  it('refuses a 限期整改 without days, a 长期坚持 with days, and days that are not a positive integer', () => {
    const r = declared();
    r.tree[0].rectification = { type: 'deadline' };
    r.tree[1].children[1].rectification = { type: 'ongoing', days: 30 };
    expect(issuesOf(r)).toEqual([
      { path: '/tree/0/rectification/days', message: expect.stringMatching(/限期整改 \("deadline"\) rectification needs "days"/) },
      { path: '/tree/1/children/1/rectification/days', message: expect.stringMatching(/长期坚持 \("ongoing"\) rectification has no end date/) },
    ]);
    const z = declared();
    z.rectification = { type: 'deadline', days: 0 };
    expect(issuesOf(z).map((i) => i.path)).toEqual(['/rectification/days']);
    const half = declared();
    half.tree[0].rectification = { type: 'deadline', days: 1.5 };
    expect(issuesOf(half).map((i) => i.path)).toEqual(['/tree/0/rectification/days']);
    const unknown = declared();
    unknown.tree[0].rectification = { type: 'soon', days: 3 };
    expect(issuesOf(unknown)[0]?.path).toBe('/tree/0/rectification/type');
  });

  it('refuses days beyond ten years and a 整改时限 that is not a real day, each at its place', () => {
    for (const days of [3651, 36_500, 1e9, Number.MAX_SAFE_INTEGER]) {
      const r = declared();
      r.tree[1].children[0].rectification = { type: 'deadline', days };
      expect(issuesOf(r), String(days)).toEqual([{ path: '/tree/1/children/0/rectification/days', message: `expected at most 3650 days (ten years; longer work is "ongoing", 长期坚持), found ${days}` }]);
    }
    const ten = declared();
    ten.tree[1].children[0].rectification = { type: 'deadline', days: 3650 };
    expect(() => engine.compile(ten)).not.toThrow();
    // Every day a month does not have (generated), and a few that are not days at all.
    const notDays = ['2023-02-29', '2100-02-29', '2023-00-15', '2023-13-01', '2023-06-00'];
    for (let m = 1; m <= 12; m++) for (const d of [new Date(Date.UTC(2023, m, 0)).getUTCDate() + 1, 32]) notDays.push(`2023-${String(m).padStart(2, '0')}-${d}`);
    for (const day of notDays) {
      const r = declared();
      r.rectificationDeadline = day;
      expect(issuesOf(r), day).toEqual([{ path: '/rectificationDeadline', message: `expected a real day written YYYY-MM-DD, found "${day}"` }]);
    }
    const leap = declared();
    leap.rectificationDeadline = '2024-02-29';
    expect(engine.compile(leap).source.rectificationDeadline).toBe('2024-02-29');
  });

  it('is a patch-level change between editions (when a problem is due, not what it scores)', () => {
    const before = engine.compile(base);
    const item = diffRulesets(before, engine.compile(patch([{ op: 'update', id: 'i1', set: { rectification: { type: 'deadline', days: 60 } } }]), { bases: [base] }));
    expect(item.items.changed.map((c) => [c.id, c.changes.map((x) => [x.property, x.bump])])).toEqual([['i1', [['rectification', 'patch']]]]);
    expect(item.verdict.bump).toBe('patch');
    const group = diffRulesets(before, engine.compile(patch([{ op: 'update', id: 'g2', set: { rectification: { type: 'ongoing' } } }]), { bases: [base] }));
    expect(group.verdict.bump).toBe('patch');
    const whole = diffRulesets(before, engine.compile(patch([], { rectification: { type: 'immediate', days: 3 } }), { bases: [base] }));
    expect(whole.ruleset.find((c) => c.property === 'rectification')).toMatchObject({ to: { type: 'immediate', days: 3 }, bump: 'patch' });
    expect(whole.verdict.bump).toBe('patch');
  });

  it('dates a problem: days after the feedback date, 立行立改 in 7 days by default, 长期坚持 never', () => {
    expect(rectificationDue({ type: 'deadline', days: 30 }, '2023-03-31')).toBe('2023-04-30');
    expect(rectificationDue({ type: 'deadline', days: 365 }, '2023-03-31')).toBe('2024-03-30');
    expect(rectificationDue({ type: 'immediate' }, '2023-02-25')).toBe('2023-03-04');
    expect(rectificationDue({ type: 'ongoing' }, '2023-03-31')).toBeUndefined();
    expect(rectificationDue({ type: 'deadline', days: 30 }, '3月31日')).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 1, max: 3650 }), (offset, days) => {
        const issued = new Date(Date.UTC(2000, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        const due = rectificationDue({ type: 'deadline', days }, issued) as string;
        expect((Date.parse(due) - Date.parse(issued)) / 86_400_000).toBe(days);
      }),
    );
  });
});
