import { describe, expect, it } from 'vitest';
import { createEngine, RulesetError } from '../src/index.js';

import { base, field, item, patch } from './edition-fixtures.js';

const engine = createEngine();
const compile = (json: unknown, bases: unknown[] = [base]) => engine.compile(json, { bases });
const issuesOf = (json: unknown, bases: unknown[] = [base]) => {
  try {
    compile(json, bases);
  } catch (e) {
    if (e instanceof RulesetError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a RulesetError');
};
const ids = (nodes: readonly { id: string; children?: unknown }[]): unknown[] =>
  nodes.map((n) => (Array.isArray(n.children) ? { [n.id]: ids(n.children as { id: string }[]) } : n.id));

describe('extends: operations', () => {
  it('an empty patch resolves to the base with the new id, version, edition and title', () => {
    const r = compile(patch([]));
    expect(r.version).toBe('2.0.0');
    expect(r.edition).toBe(2023);
    expect(r.title.zh).toBe('2023年细则');
    expect(r.max).toBe(20);
    expect(r.extends).toEqual({ id: 'test/district', version: '1.0.0' });
    expect(r.migration).toEqual({ from: { id: 'test/district', version: '1.0.0' }, items: {}, fields: {}, groups: {} });
    expect(r.source).not.toHaveProperty('extends');
    expect(r.source).not.toHaveProperty('patch');
  });

  it('adds, removes, moves points, rewords, renames and moves items', () => {
    const r = compile(
      patch([
        { op: 'add-field', field: field('f', 'documents'), after: 'b' },
        { op: 'add', parent: 'g1', after: 'i1', node: { ...item('i5', 2, 'f') } },
        { op: 'update', id: 'i2', set: { max: 4, standard: '新的评分标准' } },
        { op: 'remove', id: 'i4', reason: { zh: '并入i3' } },
        { op: 'update', id: 'i3', set: { max: 10 } },
        { op: 'rename', id: 'i1', to: 'i1a' },
        { op: 'move', id: 'x1', parent: 'bonus' },
        { op: 'update', id: 'bonus', set: { cap: 3 } },
        { op: 'remove-field', name: 'd' },
      ]),
    );
    expect(ids(r.source.tree)).toEqual([{ g1: ['i1a', 'i5', 'i2'] }, { g2: ['i3'] }]);
    expect(r.source.fields.map((f) => f.name)).toEqual(['a', 'b', 'f', 'c', 'e']);
    expect(r.items.find((i) => i.id === 'i2')).toMatchObject({ max: 4, standard: '新的评分标准' });
    expect(r.max).toBe(20);
    expect(r.bonusCap).toBe(3);
    expect(r.migration?.items).toEqual({
      i1: { to: 'i1a', pointer: '/patch/5' },
      i4: { to: null, reason: { zh: '并入i3' }, pointer: '/patch/3' },
    });
    expect(r.migration?.fields).toEqual({ d: null });
    // The base given is not touched.
    expect(ids(base.tree)).toEqual([{ g1: ['i1', 'i2'] }, { g2: ['i3', 'i4'] }]);
  });

  it('replace with a new id is a rename of the same item; a replaced group keeps the children it names again', () => {
    const r = compile(
      patch([
        { op: 'replace', id: 'i2', node: item('i2x', 6, 'b') },
        { op: 'replace', id: 'g2', node: { id: 'g2', title: { zh: '组二（新）' }, max: 10, children: [item('i3', 10, 'c')] } },
      ]),
    );
    expect(r.migration?.items).toEqual({ i2: { to: 'i2x', pointer: '/patch/0' }, i4: { to: null, pointer: '/patch/1' } });
  });

  it('moves an item between groups and a group to the top', () => {
    const r = compile(
      patch([
        { op: 'move', id: 'i2', parent: 'g2', before: 'i3' },
        { op: 'update', id: 'g1', set: { max: 4 } },
        { op: 'update', id: 'g2', set: { max: 16 } },
        { op: 'move', id: 'g2', before: 'g1' },
      ]),
    );
    expect(ids(r.source.tree)).toEqual([{ g2: ['i2', 'i3', 'i4'] }, { g1: ['i1'] }]);
    expect(r.max).toBe(20);
  });

  it('the explicit migrate map says where a retired item goes, and renamed fields carry over', () => {
    const r = compile(
      patch(
        [
          { op: 'remove', id: 'i4' },
          { op: 'update', id: 'i3', set: { max: 10 } },
          { op: 'rename-field', name: 'a', to: 'a2' },
          { op: 'update', id: 'i1', set: { scoring: { method: 'presence', params: { field: 'a2' } } } },
        ],
        { migrate: { items: { i4: 'i3' } } },
      ),
    );
    expect(r.migration?.items).toEqual({ i4: { to: 'i3', pointer: '/migrate/items/i4' } });
    expect(r.migration?.fields).toEqual({ a: 'a2' });
  });

  it('top-level properties given replace the base’s; others are inherited', () => {
    const r = compile(patch([], { grades: [{ id: 'good', title: { zh: '良好' }, min: 10 }], rectificationDeadline: '2024-04-15' }));
    expect(r.source.grades).toEqual([{ id: 'good', title: { zh: '良好' }, min: 10 }]);
    expect(r.source.rectificationDeadline).toBe('2024-04-15');
    expect(r.unitKinds).toEqual(['district']);
  });

  it('a chain of patches resolves through each base; compiled rulesets are bases too', () => {
    const p2023 = patch([{ op: 'update', id: 'i1', set: { title: { zh: '项一' } } }]);
    const p2024 = { ...patch([{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10 } }]), version: '3.0.0', edition: 2024, extends: { id: 'test/district', version: '2.0.0' } };
    const r = compile(p2024, [base, p2023]);
    expect(r.items.find((i) => i.id === 'i1')?.title.zh).toBe('项一');
    expect(r.migration?.from).toEqual({ id: 'test/district', version: '2.0.0' });
    const viaCompiled = compile(p2024, [compile(p2023)]);
    expect(viaCompiled.hash).toBe(r.hash);
  });

  it('the hash is the resolved content’s: a whole ruleset with the same content has the same hash', () => {
    const r = compile(patch([{ op: 'update', id: 'i1', set: { standard: '改' } }]));
    const whole = engine.compile(structuredClone(r.source));
    expect(whole.hash).toBe(r.hash);
    expect(whole.extends).toBeUndefined();
  });

  it('a resolver finds bases not given', () => {
    const asked: unknown[] = [];
    const r = engine.compile(patch([]), { resolve: (ref) => (asked.push(ref), ref.id === 'test/district' ? base : undefined) });
    expect(asked).toEqual([{ id: 'test/district', version: '1.0.0' }]);
    expect(r.max).toBe(20);
  });

  it('scores evidence under the new edition', () => {
    const r = compile(patch([{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10 } }]));
    const card = r.score({ unit: { id: 'u', name: '区', kind: 'district' }, values: { a: true, b: true, c: true, e: false } });
    expect(card.total).toBe(20);
    expect(card.ruleset).toMatchObject({ id: 'test/district', version: '2.0.0', hash: r.hash });
  });
});

describe('extends: errors point into the patch', () => {
  it('a missing base names what is there', () => {
    expect(issuesOf(patch([]), [])).toEqual([
      '/extends: base test/district@1.0.0 is not available (pass the earlier edition in the `bases` option of compile, or install its package)',
    ]);
    expect(issuesOf({ ...patch([]), extends: { id: 'test/district', version: '1.0.1' } })).toEqual([
      '/extends: base test/district@1.0.1 is not available; the versions given of test/district are 1.0.0 (pass the earlier edition in the `bases` option of compile, or install its package)',
    ]);
  });

  it('cycles are refused, however long', () => {
    const a = { ...patch([]), id: 'a/x', version: '1.0.0', extends: { id: 'b/x', version: '1.0.0' } };
    const b = { ...patch([]), id: 'b/x', version: '1.0.0', extends: { id: 'a/x', version: '1.0.0' } };
    expect(issuesOf(a, [a, b])).toEqual(['/extends: in base b/x@1.0.0: /extends: extends itself through a cycle: a/x@1.0.0 → b/x@1.0.0 → a/x@1.0.0']);
    const self = { ...patch([]), extends: { id: 'test/district', version: '2.0.0' } };
    expect(issuesOf(self, [self])).toEqual(['/extends: extends itself through a cycle: test/district@2.0.0 → test/district@2.0.0']);
  });

  it('an invalid base is reported under /extends with its own pointer', () => {
    const broken = { ...base, tree: [{ id: 'g1', title: { zh: '组' }, max: 'ten' }] };
    expect(issuesOf(patch([]), [broken])).toEqual(['/extends: in base test/district@1.0.0: /tree/0/max: expected number, found a string "ten"']);
  });

  it('dangling references: every operation that names nothing, at once', () => {
    expect(
      issuesOf(
        patch(
          [
            { op: 'remove', id: 'i9' },
            { op: 'update', id: 'g9', set: { max: 1 } },
            { op: 'add', parent: 'g8', node: item('n1', 1, 'a') },
            { op: 'add', parent: 'i1', node: item('n2', 1, 'a') },
            { op: 'add', parent: 'g1', after: 'i3', node: item('n3', 1, 'a') },
            { op: 'add', parent: 'g1', node: item('i2', 1, 'a') },
            { op: 'move', id: 'g1', parent: 'i1' },
            { op: 'rename', id: 'i1', to: 'i2' },
            { op: 'remove-field', name: 'zz' },
            { op: 'add-field', field: field('a') },
            { op: 'update', id: 'i1', set: { cap: 1 } },
          ],
          { migrate: { items: { nope: 'i1', i1: 'gone' }, fields: { zz: null } } },
        ),
      ),
    ).toEqual([
      '/patch/0/id: no item or group "i9" in test/district@1.0.0 (after the operations before this one)',
      '/patch/1/id: no item or group "g9" in test/district@1.0.0 (after the operations before this one)',
      '/patch/2/parent: no item or group "g8" in test/district@1.0.0 (after the operations before this one)',
      '/patch/3/parent: "i1" is an item, not a group: items go under a group or the bonus bucket',
      '/patch/4/after: "i3" is not a child of "g1"',
      '/patch/5/node/id: id "i2" is already used in this edition',
      '/patch/6/parent: cannot move "g1" into itself',
      '/patch/7/to: id "i2" is already used in this edition',
      '/patch/8/name: no field "zz" in test/district@1.0.0 (after the operations before this one)',
      '/patch/9/field/name: field "a" is already declared',
      '/patch/10/set/cap: "cap" is the bonus bucket\'s; an item or group has "max"',
      '/migrate/items/nope: no item "nope" in test/district@1.0.0',
      '/migrate/items/i1: no item "gone" in this edition',
      '/migrate/fields/zz: no field "zz" in test/district@1.0.0',
    ]);
  });

  it('removing the last child of a group is refused with what to do instead', () => {
    expect(issuesOf(patch([{ op: 'remove', id: 'x1' }]))).toEqual([
      '/patch/0/id: removing "x1" would leave the bonus bucket "bonus" without children; remove "bonus" instead, or add another child first',
    ]);
  });

  it('shape errors in operations name the operation and the property', () => {
    expect(issuesOf(patch([{ op: 'delete', id: 'i1' }, { op: 'update', id: 'i1', set: { maxx: 1 } }, { op: 'add', node: { id: 'n' } }]))).toEqual([
      '/patch/0/op: expected "op" to be one of "add", "remove", "replace", "update", "move", "rename", "add-field", "remove-field", "update-field", "rename-field", found a string "delete"',
      '/patch/1/set/maxx: unknown property "maxx"',
      '/patch/2/node: missing required property "title"',
      '/patch/2/node: missing required property "max"',
    ]);
  });

  it('problems of the resolved ruleset point at the operation that caused them', () => {
    expect(
      issuesOf(
        patch([
          { op: 'add', parent: 'g1', node: { ...item('n1', 1, 'nofield') } },
          { op: 'update', id: 'i2', set: { scoring: { method: 'presense', params: { field: 'b' } } } },
        ]),
      ),
    ).toEqual([
      '/patch/1/set/scoring/method: unknown scoring method "presense"; this engine has checklist, expert-grade, per-finding, per-missing, presence, rate, threshold, tiers',
      '/patch/0/node/scoring/params/field: "nofield" names no declared evidence field',
      '/patch/0: children\'s maxima sum to 11, but this node\'s max is 10 (childrenMax "equal") (group g1, inherited from test/district@1.0.0 at #/tree/0/max; changed by /patch/0)',
    ]);
  });

  it('an edition before its base, or a version not above it on the same id, is refused', () => {
    expect(issuesOf({ ...patch([]), edition: 2021, version: '0.9.0' })).toEqual([
      '/edition: edition 2021 is before the edition it extends (2022)',
      '/version: version 0.9.0 must be above the version it extends (1.0.0)',
    ]);
  });

  it('an inherited node no operation touched is reported at /extends', () => {
    expect(issuesOf(patch([{ op: 'remove-field', name: 'c' }]))).toEqual([
      '/extends: "c" names no declared evidence field ("c": /patch/0 removed it) (item i3, inherited from test/district@1.0.0 at #/tree/1/children/0/scoring/params/field)',
    ]);
  });

  it('an id or field an earlier operation took away: the message says which operation', () => {
    expect(
      issuesOf(
        patch([
          { op: 'rename', id: 'i1', to: 'i1a' },
          { op: 'update', id: 'i1', set: { max: 3 } },
          { op: 'remove', id: 'i4' },
          { op: 'move', id: 'i4', parent: 'g1' },
          { op: 'rename-field', name: 'a', to: 'a2' },
          { op: 'update-field', name: 'a', set: { title: { zh: 'A' } } },
        ]),
      ),
    ).toEqual([
      '/patch/1/id: no item or group "i1" any more: /patch/0 renamed it to "i1a"',
      '/patch/3/id: no item or group "i4" any more: /patch/2 removed it',
      '/patch/5/name: no field "a" any more: /patch/4 renamed it to "a2"',
    ]);
  });

  it('points added to a group by an operation: reported at the last operation that changed the group', () => {
    expect(issuesOf(patch([{ op: 'add-field', field: field('f') }, { op: 'add', parent: 'g2', node: item('i5', 1, 'f') }]))).toEqual([
      '/patch/1: children\'s maxima sum to 11, but this node\'s max is 10 (childrenMax "equal") (group g2, inherited from test/district@1.0.0 at #/tree/1/max; changed by /patch/1)',
    ]);
  });
});

describe('extends: a retired id given to another item', () => {
  it('the retired item stays retired (with its reason); the other is renamed to its id', () => {
    const r = compile(
      patch([
        { op: 'remove', id: 'i1', reason: { zh: '取消' } },
        { op: 'rename', id: 'i2', to: 'i1' },
        { op: 'update', id: 'i1', set: { max: 10 } },
      ]),
    );
    expect(r.migration?.items).toEqual({ i1: { to: null, reason: { zh: '取消' }, pointer: '/patch/0' }, i2: { to: 'i1', pointer: '/patch/1' } });
  });

  it('a new item under a retired id is a new item', () => {
    const r = compile(patch([{ op: 'remove', id: 'i4' }, { op: 'add', parent: 'g2', node: item('i4', 5, 'd') }]));
    expect(r.migration?.items).toEqual({ i4: { to: null, pointer: '/patch/0' } });
  });
});

