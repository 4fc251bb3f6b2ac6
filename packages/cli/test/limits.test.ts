// Issue 14 through the command: hostile rulesets, evidence, findings and registries nested or
// repeated past the limits end in exit 1, the limit and the place, a bounded number of lines,
// and no stack trace.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@safecity/engine';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

const noTrace = (text: string) => {
  expect(text).not.toMatch(/call stack|内部错误|\n\s+at /);
};

/** A folder with yanta's blank JSON template (yanta.json). */
async function folder(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'safecity-limits-'));
  const r = await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
  expect(r.code).toBe(0);
  return cwd;
}
const template = (cwd: string) => JSON.parse(readFileSync(join(cwd, 'yanta.json'), 'utf8')) as { items: Record<string, unknown> };

/** A ruleset file whose tree is `levels` deep, written as text (no recursion anywhere). */
function deepRulesetText(levels: number): string {
  const leaf = JSON.stringify({ id: 'leaf', title: { zh: '叶' }, max: 1, scoring: { method: 'presence', params: { field: 'f' } } });
  const open = (i: number) => `{"id":"g${i}","title":{"zh":"组"},"max":1,"children":[`;
  let s = '';
  for (let i = 1; i < levels; i++) s += open(i);
  s += leaf + ']}'.repeat(levels - 1);
  return `{"id":"t/deep","version":"1.0.0","edition":2022,"title":{"zh":"深"},"unitKinds":["district"],"fields":[{"name":"f","type":"boolean","title":{"zh":"有无"}}],"tree":[${s}]}`;
}

describe('depth: exit 1, the limit and the place, never a stack overflow', () => {
  it.each([DEFAULT_LIMITS.maxGroupDepth + 1, 1_000, 200_000])('validate: a ruleset tree %i deep', async (levels) => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-limits-'));
    writeFileSync(join(cwd, 'deep.json'), deepRulesetText(levels));
    const r = await cli(['validate', 'deep.json'], cwd);
    expect(r.code).toBe(1);
    noTrace(r.err);
    expect(r.err).toContain('deep.json#/tree/0/children/0');
    expect(r.err).toContain('maxGroupDepth');
  });

  it.each([DEFAULT_LIMITS.maxJsonDepth + 1, 5_000, 200_000])('score: evidence, findings and a unit registry nested %i deep', async (n) => {
    const cwd = await folder();
    const t = template(cwd);
    (t.items['1.1.1'] as Record<string, unknown>)['leadingGroupDoc'] = '@@';
    writeFileSync(join(cwd, 'deep.json'), JSON.stringify(t).replace('"@@"', '['.repeat(n) + ']'.repeat(n)));
    const ev = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'deep.json'], cwd);
    expect(ev.code).toBe(1);
    noTrace(ev.err);
    expect(ev.err).toContain('deep.json#/items/1.1.1/leadingGroupDoc/0/0');
    expect(ev.err).toContain('maxJsonDepth');

    writeFileSync(join(cwd, 'findings.json'), '{"yanta":' + '['.repeat(n) + ']'.repeat(n) + '}');
    const f = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--findings', 'findings.json'], cwd);
    expect(f.code).toBe(1);
    noTrace(f.err);
    expect(f.err).toContain('findings.json#/yanta/0/0');
    expect(f.err).toContain('maxJsonDepth');

    writeFileSync(join(cwd, 'rs.json'), deepRulesetText(3));
    writeFileSync(join(cwd, 'units.json'), '{"units":[{"id":"yanta","name":"雁塔区","kind":"district","x":' + '['.repeat(n) + ']'.repeat(n) + '}]}');
    const u = await cli(['validate', 'rs.json'], cwd);
    expect(u.code).toBe(0);
    const s = await cli(['template', '--ruleset', 'rs.json', '--units', 'units.json', '--unit', 'yanta', '--out', 'x.json'], cwd);
    expect(s.code).toBe(1);
    noTrace(s.err);
    expect(s.err).toContain('units.json#/units/0/x/0');
  });
});

describe('counts: problems listed per file, findings per unit', () => {
  it('5,000 unknown item ids: exit 1, the first 100 listed, one line for the rest; --json likewise', async () => {
    const cwd = await folder();
    const t = template(cwd);
    for (let i = 0; i < 5_000; i++) t.items[`x${i}`] = {};
    writeFileSync(join(cwd, 'many.json'), JSON.stringify(t));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'many.json'], cwd);
    expect(r.code).toBe(1);
    noTrace(r.err);
    const lines = r.err.trimEnd().split('\n');
    expect(lines[0]).toContain('共5000处问题');
    expect(lines).toHaveLength(1 + DEFAULT_LIMITS.maxProblems + 1);
    expect(lines.at(-1)).toBe('  many.json: 还有 4,900 处同类问题');
    const j = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'many.json', '--json'], cwd);
    const out = JSON.parse(j.out) as { problems: unknown[]; omittedProblems: number };
    expect(out.problems).toHaveLength(DEFAULT_LIMITS.maxProblems);
    expect(out.omittedProblems).toBe(4_900);
  });

  it('problems of many files: each file listed, at most 1,000 lines in all', async () => {
    const cwd = await folder();
    const t = template(cwd);
    for (let i = 0; i < 150; i++) t.items[`x${i}`] = {};
    const files: string[] = [];
    for (let k = 0; k < 12; k++) {
      const unitT = { ...t, unit: { id: `u${k}`, name: `单位${k}`, kind: 'district' } };
      writeFileSync(join(cwd, `f${k}.json`), JSON.stringify(unitT));
      files.push(`f${k}.json`);
    }
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', ...files], cwd);
    expect(r.code).toBe(1);
    const lines = r.err.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(1 + 10 * (DEFAULT_LIMITS.maxProblems + 1) + 1);
    // 151 each: the unit is not in the registry, and 150 unknown items.
    expect(r.err).toContain('f0.json: 还有 51 处同类问题');
    expect(lines.at(-1)).toContain('另有2个文件');
  });

  it('findings past maxFindings for one unit: exit 1 naming the unit and the limit, before any is checked', async () => {
    const cwd = await folder();
    const finding = { item: 'nope', source: 'onsite', type: 'deduction', points: 1, reason: 'x' };
    writeFileSync(join(cwd, 'findings.json'), JSON.stringify({ yanta: Array.from({ length: DEFAULT_LIMITS.maxFindings + 1 }, () => finding) }));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--findings', 'findings.json'], cwd);
    expect(r.code).toBe(1);
    noTrace(r.err);
    expect(r.err).toContain('findings.json#/yanta');
    expect(r.err).toContain('10,001 条');
    expect(r.err).toContain('maxFindings');
  });
});
