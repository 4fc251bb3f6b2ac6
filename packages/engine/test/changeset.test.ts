import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { changesetText, createEngine, diffRulesets, rulesetPackageName } from '../src/index.js';
import { base, field, item, patch } from './edition-fixtures.js';

const engine = createEngine();
const b2022 = engine.compile(base);
const next = (ops: unknown[], extra: Record<string, unknown> = {}) => engine.compile(patch(ops, extra), { bases: [base] });

/** The front matter's package → bump, and the lines after it. */
function read(text: string): { packages: Record<string, string>; lines: string[] } {
  const m = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(text);
  if (m === null) throw new Error(`not a changeset: ${text}`);
  const packages: Record<string, string> = {};
  for (const l of (m[1] as string).split('\n')) {
    const [k, v] = l.split(': ');
    packages[JSON.parse(k as string) as string] = v as string;
  }
  return { packages, lines: (m[2] as string).split('\n').filter((l) => l !== '') };
}

describe('changesetText', () => {
  it('names the ruleset package and the bump the diff calls for, in one line', () => {
    const d = diffRulesets(b2022, next([{ op: 'update', id: 'i1', set: { max: 3 } }, { op: 'update', id: 'i2', set: { max: 7 } }]));
    const text = changesetText(d);
    const { packages, lines } = read(text);
    expect(packages).toEqual({ [rulesetPackageName(d.to.id)]: 'minor' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${d.to.id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} ${d.to.version.replace(/\./g, '\\.')} \\(from ${d.from.version.replace(/\./g, '\\.')}\\): .*2 items changed`));
  });

  it('a change that scores nothing differently is a patch; an identical edition says so', () => {
    const reworded = changesetText(diffRulesets(b2022, next([{ op: 'update', id: 'i1', set: { standard: '改写的评分标准' } }])));
    expect(read(reworded).packages).toEqual({ [rulesetPackageName(next([]).id)]: 'patch' });
    expect(reworded).toContain('1 item changed');
    const same = changesetText(diffRulesets(b2022, engine.compile(structuredClone(base))), '@x/rules');
    expect(read(same)).toEqual({ packages: { '@x/rules': 'patch' }, lines: [expect.stringContaining('no change to items, fields, vetoes or grades')] });
  });

  it('an item removed is a major change, and the reason is quoted', () => {
    const d = diffRulesets(b2022, next([{ op: 'remove', id: 'i2' }, { op: 'update', id: 'i1', set: { max: 10 } }]));
    const { packages, lines } = read(changesetText(d));
    expect(Object.values(packages)).toEqual(['major']);
    expect(lines[0]).toContain('1 item removed');
    expect(lines[0]).toContain(d.verdict.reasons[0]!.reason);
  });

  it('stays one line whatever the titles hold (generated titles with line breaks)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', '：', ' ', '-', '#') , maxLength: 12 }), (title) => {
        const d = diffRulesets(b2022, next([{ op: 'add-field', field: field('f') }, { op: 'add', parent: 'g1', node: { ...item('i5', 1, 'f'), title: { zh: `新${title}` } } }, { op: 'update', id: 'i2', set: { max: 5 } }]));
        expect(read(changesetText(d)).lines).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });
});

describe('rulesetPackageName', () => {
  it('follows the repository convention', () => {
    expect(rulesetPackageName('xian-2022/district')).toBe('@safecity/ruleset-xian-2022');
    expect(rulesetPackageName('xian-2023-example/municipal')).toBe('@safecity/ruleset-xian-2023-example');
  });
});
