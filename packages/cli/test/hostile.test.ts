// Issue 14, end to end: hostile inputs of each class, generated in families, through the
// command as an operator runs it. Each must end in exit 1 with a message that names the place,
// no stack trace and no "internal error", a bounded number of output lines, and nothing
// written outside --out (nothing at all when the input is refused). The packages' own tests
// go deeper per class; this file checks that the classes hold at the command line.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../src/index.js';

const basic = fileURLToPath(new URL('../../../examples/basic/', import.meta.url));
const district = fileURLToPath(new URL('../../../examples/xian-2022-city/evidence/district/', import.meta.url));
/** A small rubric, for the hostile rulesets (validated as files). */
const ruleset = JSON.parse(readFileSync(join(basic, 'ruleset.json'), 'utf8')) as Record<string, unknown>;
/** A district's real evidence file from the demo, scored under the built-in xian-2022/district. */
const evidenceText = readFileSync(join(district, 'baqiao.json'), 'utf8');
const evidence = JSON.parse(evidenceText) as Record<string, unknown>;
/** The same rubric as a file: without the built-in registry, so a unit's id and name are taken as the evidence writes them. */
const districtRuleset = readFileSync(fileURLToPath(new URL('../../../rulesets/xian-2022/district.json', import.meta.url)), 'utf8').replace(/"\$schema": "[^"]*",/, '');
const SCORE = ['score', '--ruleset', 'district.json'];

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[], cwd: string): Promise<Outcome> {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  const code = await run(argv, io);
  return { code, out, err };
}

/** A fresh folder holding the basic example's ruleset, with `files` written into it. */
function folder(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'safecity-hostile-'));
  writeFileSync(join(cwd, 'ruleset.json'), JSON.stringify({ ...ruleset, $schema: undefined }));
  writeFileSync(join(cwd, 'district.json'), districtRuleset);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return cwd;
}

/** What every refusal must look like: exit 1, a message naming `place`, no stack, few lines. */
function refused(r: Outcome, place: string, maxLines = 200): void {
  const all = r.out + r.err;
  expect(r.code, all.slice(0, 2000)).toBe(1);
  expect(all).not.toMatch(/internal error|内部错误/i);
  expect(all).not.toMatch(/\n\s+at [^\n]*\(?[^\n]*:\d+:\d+\)?/);
  expect(all).not.toMatch(/RangeError|Maximum call stack/);
  expect(all).toContain(place);
  expect(all.split('\n').length).toBeLessThanOrEqual(maxLines);
}

const nest = (depth: number, leaf: string, open: string, close: string): string => open.repeat(depth) + leaf + close.repeat(depth);

describe('unbounded recursion ends in a limit and a place, at any depth', () => {
  for (const depth of [1_000, 5_000, 200_000]) {
    it(`evidence JSON nested ${depth} deep`, async () => {
      const deep = evidenceText.replace('"leadershipMeetings": 3', `"leadershipMeetings": ${nest(depth, '1', '[', ']')}`);
      expect(deep).not.toBe(evidenceText);
      const cwd = folder({ 'e.json': deep });
      const r = await cli([...SCORE, '--evidence', 'e.json', '--out', 'out'], cwd);
      refused(r, 'e.json');
      expect(existsSync(join(cwd, 'out'))).toBe(false);
    }, 60_000);

    it(`findings nested ${depth} deep`, async () => {
      const cwd = folder({ 'e.json': evidenceText, 'f.json': `{"baqiao":[{"item":"1.1.2","source":"onsite","type":"deduction","points":0.5,"reason":${nest(depth, '"x"', '[', ']')}}]}` });
      const r = await cli([...SCORE, '--evidence', 'e.json', '--findings', 'f.json', '--out', 'out'], cwd);
      refused(r, 'f.json');
    }, 60_000);
  }

  // The deep parts are written as text: JSON.stringify itself recurses, as any attacker's tool need not.
  const DEEP = '"\u0000deep"';
  for (const depth of [1_000, 200_000]) {
    it(`a ruleset whose group tree is ${depth} deep`, async () => {
      const leaf = (ruleset['tree'] as Array<Record<string, unknown>>)[0]!;
      const text = JSON.stringify({ ...ruleset, $schema: undefined, tree: ['\u0000deep', ...(ruleset['tree'] as unknown[]).slice(1)] });
      const open = (i: number) => `{"id":"g${i}","title":{"zh":"组${i}"},"max":${String(leaf['max'])},"children":[`;
      const deep = Array.from({ length: depth }, (_, i) => open(i)).join('') + JSON.stringify(leaf) + ']}'.repeat(depth);
      const cwd = folder({ 'deep.json': text.replace(DEEP, deep) });
      const r = await cli(['validate', 'deep.json'], cwd);
      refused(r, 'deep.json');
    }, 60_000);

    it(`a JsonLogic condition nested ${depth} deep`, async () => {
      const tree = structuredClone(ruleset['tree']) as Array<Record<string, unknown>>;
      ((tree[0]!['children'] as Array<Record<string, unknown>>)[0]!['children'] as Array<Record<string, unknown>>)[0]!['when'] = '\u0000deep';
      const deep = '{"!":['.repeat(depth) + '{"var":"planFindings"}' + ']}'.repeat(depth);
      const cwd = folder({ 'deep.json': JSON.stringify({ ...ruleset, $schema: undefined, tree }).replace(DEEP, deep) });
      const r = await cli(['validate', 'deep.json'], cwd);
      refused(r, 'deep.json');
    }, 60_000);
  }
});

describe('quadratic and unbounded work is bounded', () => {
  const padded = (n: number) => `"1${' '.repeat(n)}x"`;
  it('a count written as "1", 320,000 spaces and "x" is refused with its place', async () => {
    const text = evidenceText.replace('"leadershipMeetings": 3', `"leadershipMeetings": ${padded(320_000)}`);
    expect(text).not.toBe(evidenceText);
    const cwd = folder({ 'e.json': text });
    const r = await cli([...SCORE, '--evidence', 'e.json', '--out', 'out'], cwd);
    refused(r, 'e.json');
  }, 60_000);

  for (const n of [100_000, 500_000]) {
    it(`${n} unknown item ids in one file: at most the listed problems, then a count of the rest`, async () => {
      const items: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) items[`9.${i}`] = { leadershipMeetings: 1 };
      const cwd = folder({ 'e.json': JSON.stringify({ ...evidence, items: { ...(evidence['items'] as object), ...items } }) });
      const r = await cli([...SCORE, '--evidence', 'e.json', '--out', 'out'], cwd);
      refused(r, 'e.json', 300);
      expect(r.out + r.err).toMatch(/还有\s*[\d,，]+\s*处/);
    }, 120_000);
  }

  it('300,000 findings naming unknown items are refused at the limit', async () => {
    const list = Array.from({ length: 300_000 }, (_, i) => ({ item: `9.${i}`, source: 'onsite', type: 'deduction', points: 0.5, reason: '现场发现问题' }));
    const cwd = folder({ 'e.json': evidenceText, 'f.json': JSON.stringify({ baqiao: list }) });
    const r = await cli([...SCORE, '--evidence', 'e.json', '--findings', 'f.json', '--out', 'out'], cwd);
    refused(r, 'f.json', 300);
  }, 120_000);

  for (const [op, depth] of [['some', 4], ['map', 3], ['filter', 3], ['all', 4]] as const) {
    it(`a rule with ${depth} nested "${op}" over 1,000-element literals is refused at compile, with its pointer`, async () => {
      const big = Array.from({ length: 1_000 }, (_, i) => i);
      let rule: unknown = { '>': [{ var: '' }, 1] };
      for (let i = 0; i < depth; i++) rule = { [op]: [big, rule] };
      if (op === 'map' || op === 'filter') rule = { '>': [{ reduce: [rule, { '+': [{ var: 'accumulator' }, 1] }, 0] }, 0] };
      const tree = structuredClone(ruleset['tree']) as Array<Record<string, unknown>>;
      ((tree[0]!['children'] as Array<Record<string, unknown>>)[0]!['children'] as Array<Record<string, unknown>>)[0]!['when'] = rule;
      const cwd = folder({});
      writeFileSync(join(cwd, 'costly.json'), JSON.stringify({ ...ruleset, $schema: undefined, tree }));
      const r = await cli(['validate', 'costly.json'], cwd);
      refused(r, '/tree/0/children/0/children/0/when');
    }, 60_000);
  }
});

describe('files are written inside --out only', () => {
  // An absolute path next to the test's folder: unique per run, so an earlier run cannot mask this one.
  const ABSOLUTE = '<absolute>';
  const ids = ['../../x', ABSOLUTE, '..', 'a/b', 'a\\b', 'con', 'a\u0000b', 'A', '', 'x'.repeat(300), '.hidden', 'name.scorecard'];
  for (const id of ids) {
    it(`evidence whose unit id is ${JSON.stringify(id).slice(0, 40)}`, async () => {
      const cwd = folder({});
      const target = `${cwd}-abs`;
      const unitId = id === ABSOLUTE ? target : id;
      mkdirSync(join(cwd, 'in'));
      writeFileSync(join(cwd, 'in', 'e.json'), JSON.stringify({ ...evidence, unit: { ...(evidence['unit'] as object), id: unitId } }));
      const before = readdirSync(cwd).sort();
      const r = await cli([...SCORE, '--evidence', 'in/e.json', '--out', 'in/out'], cwd);
      refused(r, 'in/e.json');
      expect(readdirSync(cwd).sort()).toEqual(before);
      expect(readdirSync(join(cwd, 'in'))).toEqual(['e.json']);
      expect(existsSync(`${target}.scorecard.json`)).toBe(false);
    }, 30_000);
  }
});

describe('text from data reaches the terminal inert', () => {
  it('ANSI and OSC sequences in a unit name are not printed raw', async () => {
    const name = '灞桥区\u001b[2J\u001b]0;owned\u0007\u009b31m\u202e';
    const cwd = folder({ 'e.json': JSON.stringify({ ...evidence, unit: { ...(evidence['unit'] as object), name } }) });
    const r = await cli([...SCORE, '--evidence', 'e.json', '--out', 'out'], cwd);
    // eslint-disable-next-line no-control-regex
    expect(r.out + r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(r.out + r.err).toContain('灞桥区');
  });
});
