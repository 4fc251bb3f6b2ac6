import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkVersion, createEngine, diffMarkdown, diffRulesets, versionBump, type Bump } from '../src/index.js';
import { base, field, item, patch } from './edition-fixtures.js';

const engine = createEngine();
const b2022 = engine.compile(base);
const next = (ops: unknown[], extra: Record<string, unknown> = {}) => engine.compile(patch(ops, extra), { bases: [base] });
const verdict = (ops: unknown[], extra: Record<string, unknown> = {}) => diffRulesets(b2022, next(ops, extra)).verdict;

describe('diffRulesets', () => {
  it('the same content is identical and needs no bump', () => {
    const d = diffRulesets(b2022, engine.compile(structuredClone(base)));
    expect(d.identical).toBe(true);
    expect(d.verdict).toEqual({ bump: 'none', reasons: [] });
  });

  it('only the new id, version, edition and title: a patch (the new edition line is reported)', () => {
    const d = diffRulesets(b2022, next([]));
    expect(d.ruleset.map((c) => [c.property, c.bump])).toEqual([
      ['edition', 'patch'],
      ['title', 'patch'],
    ]);
    expect(d.verdict.bump).toBe('patch');
  });

  // One row per rule of the policy: the operations, and the bump they need.
  const POLICY: Array<[string, unknown[], Bump]> = [
    ['a standard reworded', [{ op: 'update', id: 'i1', set: { standard: '改写的评分标准' } }], 'patch'],
    ['a title, a suggestion and provenance', [{ op: 'update', id: 'i1', set: { title: { zh: '新' }, suggestion: { zh: '建议' }, provenance: { kind: 'modelled' } } }], 'patch'],
    ['points moved between items, totals kept', [{ op: 'update', id: 'i1', set: { max: 3 } }, { op: 'update', id: 'i2', set: { max: 7 } }], 'minor'],
    ['points moved between groups, totals kept', [{ op: 'update', id: 'i1', set: { max: 3 } }, { op: 'update', id: 'g1', set: { max: 9 } }, { op: 'update', id: 'i3', set: { max: 6 } }, { op: 'update', id: 'g2', set: { max: 11 } }], 'minor'],
    ['an item added (points taken from a sibling)', [{ op: 'add-field', field: field('f') }, { op: 'add', parent: 'g1', node: item('i5', 1, 'f') }, { op: 'update', id: 'i2', set: { max: 5 } }], 'minor'],
    ['an item moved to another group', [{ op: 'move', id: 'i2', parent: 'g2' }, { op: 'update', id: 'g1', set: { max: 4 } }, { op: 'update', id: 'g2', set: { max: 16 } }], 'minor'],
    ['scoring params changed', [{ op: 'update', id: 'i1', set: { scoring: { method: 'presence', params: { field: 'a', deduct: 2 } } } }], 'minor'],
    ['a field described', [{ op: 'update-field', name: 'a', set: { description: { zh: '说明' } } }], 'patch'],
    ['how a field’s 否 reads', [{ op: 'update-field', name: 'a', set: { negative: { zh: '未建立' } } }], 'patch'],
    ['check methods listed as both (no list accepts both)', [{ op: 'update', id: 'i1', set: { checkMethods: ['data-check', 'onsite'] } }], 'minor'],
    ['a check method dropped (its findings no longer fit)', [{ op: 'update', id: 'i1', set: { checkMethods: ['onsite'] } }], 'major'],
    ['a lead named (scoring by role)', [{ op: 'update', id: 'i1', set: { lead: 'yanta' } }], 'minor'],
    ['an update that changes nothing', [{ op: 'update-field', name: 'a', set: { type: 'boolean' } }], 'none'],
    ['an item retired', [{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10 } }], 'major'],
    ['an item renamed', [{ op: 'rename', id: 'i4', to: 'i4b' }], 'major'],
    ['the total changed', [{ op: 'update', id: 'i1', set: { max: 5 } }, { op: 'update', id: 'g1', set: { max: 11 } }], 'major'],
    ['the bonus cap changed', [{ op: 'update', id: 'bonus', set: { cap: 3 } }], 'major'],
    ['a field’s type changed', [{ op: 'update-field', name: 'e', set: { type: 'integer' } }, { op: 'update', id: 'x1', set: { scoring: { method: 'threshold', params: { field: 'e', op: '>=', value: 1, deduct: 2 } } } }], 'major'],
    ['a field renamed', [{ op: 'rename-field', name: 'a', to: 'a2' }, { op: 'update', id: 'i1', set: { scoring: { method: 'presence', params: { field: 'a2' } } } }], 'major'],
  ];
  for (const [what, ops, bump] of POLICY) {
    it(`${what}: ${bump === 'none' ? 'no change beyond the edition (patch)' : bump}`, () => {
      const v = verdict(ops);
      // Every patch here carries the new edition and title, which are wording (patch).
      expect(v.bump).toBe(bump === 'none' ? 'patch' : bump);
    });
  }

  it('names renames, moves and changes, and reasons most severe first', () => {
    const d = diffRulesets(
      b2022,
      next([
        { op: 'rename', id: 'i1', to: 'i1a' },
        { op: 'update', id: 'i1a', set: { standard: '新标准' } },
        { op: 'move', id: 'i2', parent: 'g2', before: 'i3' },
        { op: 'rename', id: 'g2', to: 'g2b' },
        { op: 'update', id: 'g1', set: { max: 4 } },
        { op: 'update', id: 'g2b', set: { max: 16 } },
      ]),
    );
    expect(d.items.renamed).toEqual([{ id: 'i1a', from: 'i1', title: '项i1', detail: '4 分 · in g1', bump: 'major', changes: [{ property: 'standard', from: 'i1的评分标准', to: '新标准', bump: 'patch' }] }]);
    expect(d.items.removed).toEqual([]);
    expect(d.items.added).toEqual([]);
    // i2 moved into g2 (now g2b); i3 and i4 stay in the renamed g2b: not moved.
    expect(d.items.moved).toEqual([{ id: 'i2', title: '项i2', detail: '6 分 · in g2b', fromParent: 'g1', toParent: 'g2b', bump: 'minor' }]);
    expect(d.groups.renamed.map((g) => [g.from, g.id])).toEqual([['g2', 'g2b']]);
    expect(d.verdict.reasons.slice(0, 2)).toEqual([
      { bump: 'major', reason: 'item i1 renamed to i1a' },
      { bump: 'major', reason: 'group g2 renamed to g2b' },
    ]);
    expect(d.verdict.reasons.map((r) => r.bump)).toEqual([...d.verdict.reasons.map((r) => r.bump)].sort((x, y) => ['major', 'minor', 'patch'].indexOf(x) - ['major', 'minor', 'patch'].indexOf(y)));
  });

  it('without the migration map (two unrelated files), a rename is a removal and an addition', () => {
    const renamed = next([{ op: 'rename', id: 'i1', to: 'i1a' }]);
    const d = diffRulesets(b2022, { source: renamed.source });
    expect(d.items.renamed).toEqual([]);
    expect(d.items.removed.map((e) => e.id)).toEqual(['i1']);
    expect(d.items.added.map((e) => e.id)).toEqual(['i1a']);
    expect(d.verdict.bump).toBe('major');
  });

  it('fields: enum values dropped or a minimum raised narrow (major); added values or a lower minimum loosen (minor)', () => {
    const withEnum = { ...structuredClone(base), fields: [...base.fields, { name: 'lvl', type: 'enum', values: ['a', 'b'], title: { zh: '级' } }, { name: 'n', type: 'integer', minimum: 1, title: { zh: '数' } }] };
    const change = (f: (r: typeof withEnum) => void) => {
      const r = structuredClone(withEnum);
      f(r);
      return diffRulesets({ source: withEnum as never }, { source: r as never }).verdict.bump;
    };
    expect(change((r) => ((r.fields[5] as { values: string[] }).values = ['a', 'b', 'c']))).toBe('minor');
    expect(change((r) => ((r.fields[5] as { values: string[] }).values = ['a']))).toBe('major');
    expect(change((r) => ((r.fields[6] as { minimum: number }).minimum = 0))).toBe('minor');
    expect(change((r) => ((r.fields[6] as { minimum: number }).minimum = 2))).toBe('major');
    expect(change((r) => ((r.fields[6] as { maximum?: number }).maximum = 10))).toBe('major');
    expect(change((r) => ((r.fields[6] as { unit?: string }).unit = '处'))).toBe('major');
  });

  it('the Markdown is a table with the verdict and its reasons', () => {
    const md = diffMarkdown(diffRulesets(b2022, next([{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10, standard: 'a|b' } }])));
    expect(md).toContain('## test/district 1.0.0 → test/district 2.0.0');
    expect(md).toContain('版本判定 (semver verdict): **major**');
    expect(md).toContain('- item i4 removed');
    expect(md).toContain('| 删除 removed | 评分项 item | `i4` | 项i4 | 5 分 · in g2 | major |');
    expect(md).toContain('| 修改 changed | 评分项 item | `i3` | 项i3 | max 5 → 10; standard 「i3的评分标准」 → 「a\\|b」 | minor |');
  });
});

describe('versions', () => {
  it('versionBump reads the step between two versions', () => {
    expect(versionBump('1.0.0', '1.0.0')).toBe('none');
    expect(versionBump('1.0.0', '1.0.1')).toBe('patch');
    expect(versionBump('1.0.9', '1.1.0')).toBe('minor');
    expect(versionBump('1.4.2', '2.0.0')).toBe('major');
    expect(versionBump('2.0.0', '1.9.9')).toBe('downgrade');
    expect(versionBump('1.0.0', '1.0.1-rc.1')).toBe('patch');
    expect(() => versionBump('1.0', '2')).toThrow('not semver versions');
  });

  it('checkVersion fails a bump smaller than the changes need, naming why', () => {
    const retired = next([{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10 } }], { version: '1.1.0', id: 'test/other' });
    const c = checkVersion(b2022, retired);
    expect(c).toMatchObject({ ok: false, required: 'major', actual: 'minor' });
    expect(c.message).toBe('test/other 1.1.0 over test/district 1.0.0: a minor bump, but the changes need major (item i4 removed)');
    const ok = checkVersion(b2022, next([{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10 } }]));
    expect(ok).toMatchObject({ ok: true, required: 'major', actual: 'major' });
    expect(checkVersion(b2022, next([], { version: '0.9.0', id: 'test/other' }))).toMatchObject({ ok: false, actual: 'downgrade' });
  });

  it('below 1.0.0 a minor bump may break', () => {
    const zero = { ...structuredClone(base), version: '0.3.0' };
    const after = { ...structuredClone(zero), version: '0.4.0', tree: [zero.tree[0], { ...zero.tree[1], children: [{ ...(zero.tree[1]!.children![0] as object), max: 10 }] }] };
    const c = checkVersion(engine.compile(zero), engine.compile(after));
    expect(c).toMatchObject({ ok: true, required: 'major', actual: 'minor' });
  });

  it('property: bumping by what the verdict says always passes; one level less fails', () => {
    const ops: unknown[][] = [
      [{ op: 'update', id: 'i1', set: { standard: '改' } }],
      [{ op: 'update', id: 'i1', set: { max: 3 } }, { op: 'update', id: 'i2', set: { max: 7 } }],
      [{ op: 'remove', id: 'i4' }, { op: 'update', id: 'i3', set: { max: 10 } }],
      [{ op: 'update', id: 'bonus', set: { cap: 4 } }],
      [{ op: 'move', id: 'x1', parent: 'bonus' }],
    ];
    fc.assert(
      fc.property(fc.subarray(ops, { minLength: 1 }), fc.nat(5), fc.nat(5), fc.nat(5), (chosen, M, m, p) => {
        const start = `${M + 1}.${m}.${p}`;
        const from = engine.compile({ ...structuredClone(base), version: start });
        const probe = engine.compile({ ...patch(chosen.flat()), id: 'test/next', version: `${M + 9}.0.0`, extends: { id: 'test/district', version: start } }, { bases: [from.source] });
        const need = diffRulesets(from, probe).verdict.bump;
        const bumped = (b: Bump) => (b === 'major' ? `${M + 2}.0.0` : b === 'minor' ? `${M + 1}.${m + 1}.0` : b === 'patch' ? `${M + 1}.${m}.${p + 1}` : start);
        const at = (b: Bump) => checkVersion(from, { ...probe, source: { ...probe.source, version: bumped(b) } }).ok;
        expect(at(need)).toBe(true);
        const below: Bump = need === 'major' ? 'minor' : need === 'minor' ? 'patch' : 'none';
        if (need !== 'none') expect(at(below)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('diffRulesets: a retired id given to another item', () => {
  it('reports the retirement and the rename, not a change of the same item', () => {
    const d = diffRulesets(b2022, next([{ op: 'remove', id: 'i1' }, { op: 'rename', id: 'i2', to: 'i1' }, { op: 'update', id: 'i1', set: { max: 10 } }]));
    expect(d.items.removed.map((e) => e.id)).toEqual(['i1']);
    expect(d.items.renamed.map((e) => [e.from, e.id])).toEqual([['i2', 'i1']]);
    expect(d.items.changed).toEqual([]);
    expect(d.items.added).toEqual([]);
  });
});
