// `safecity city`: the city's own result from real scorecards and evidence files written by the
// command itself; the consistency checks naming both places; bad input with its place.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, it, expect } from 'vitest';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}
const dir = () => mkdtempSync(join(tmpdir(), 'safecity-city-'));
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const edit = (f: string, fn: (j: { items: Record<string, Record<string, unknown>>; general: Record<string, unknown> }) => void) => {
  const j = readJson(f);
  fn(j);
  writeFileSync(f, JSON.stringify(j, null, 2));
};

/** A small round: 高陵区 (one larger accident, vetoed), 雁塔区, and 市应急管理局 reporting none. */
let round = '';
beforeAll(async () => {
  round = dir();
  const t = (r: string, u: string) => cli(['template', '--ruleset', r, '--unit', u, '--out', `evidence/${u}.json`], round);
  for (const [r, u] of [
    ['xian-2022/district', 'gaoling'],
    ['xian-2022/district', 'yanta'],
    ['xian-2022/municipal', 'yingjiguanliju'],
  ] as const) {
    const x = await t(r, u);
    expect(x.code, x.err).toBe(0);
  }
  edit(join(round, 'evidence/gaoling.json'), (j) => {
    j.items['3.6.57']!['largerAccidents'] = 1;
    j.general['largerAccidentDeaths'] = 1;
  });
  edit(join(round, 'evidence/yanta.json'), (j) => {
    j.items['3.6.57']!['largerAccidents'] = 0;
    j.general['largerAccidentDeaths'] = 0;
  });
  edit(join(round, 'evidence/yingjiguanliju.json'), (j) => {
    j.items['3.6.57']!['largerAccidents'] = 0;
    j.general['largerAccidentDeaths'] = 0;
  });
  const d = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/gaoling.json', 'evidence/yanta.json', '--out', 'scores/district'], round);
  expect(d.code, d.err).toBe(0);
  const m = await cli(['score', '--ruleset', 'xian-2022/municipal', '--evidence', 'evidence/yingjiguanliju.json', '--out', 'scores/municipal'], round);
  expect(m.code, m.err).toBe(0);
}, 60_000);

const EVIDENCE = ['evidence/gaoling.json', 'evidence/yanta.json', 'evidence/yingjiguanliju.json'];

describe('safecity city', () => {
  it("writes the city's card, vetoed because 高陵区 is, and the consistency problem naming both places; exit 0", async () => {
    const cwd = round;
    const r = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--evidence', ...EVIDENCE, '--out', 'scores/city'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("xian-2022/city 2.0.0 · 西安市 (xian) from 3 units' scorecards (2 xian-2022/district, 1 xian-2022/municipal) and 3 units' evidence");
    expect(r.out).toMatch(/城市自评结果: total [\d.]+ \(earned [\d.]+ of 100 \+ bonus 0\), normalized [\d.]+, grade 不合格（否决）/);
    expect(r.out).toContain('否决: 较大及以上生产安全事故');
    expect(r.out).toContain('    高陵区：较大及以上生产安全事故（否决）');
    expect(r.out).toContain('一致性核查：2处不一致');
    expect(r.out).toContain(
      '✗ 全市较大及以上生产安全事故起数不少于区县（开发区）合计：市应急管理局报送较大及以上生产安全事故起数0起（evidence/yingjiguanliju.json#/items/3.6.57/largerAccidents），2个区县（开发区）报送合计1起（高陵区1起，evidence/gaoling.json#/items/3.6.57/largerAccidents）；应不低于其合计',
    );
    expect(r.out).toContain('→ 数据核查（准确性）：市应急管理局 3.6.57 项的largerAccidents不予认定');

    const card = readJson(join(cwd, 'scores/city/xian.scorecard.json'));
    expect(card).toMatchObject({ ruleset: { id: 'xian-2022/city', version: '2.0.0' }, unit: { id: 'xian', name: '西安市', kind: 'city' }, max: 100, vetoed: true, grade: 'fail' });
    expect(card.vetoes[0].evidence).toEqual(['高陵区：较大及以上生产安全事故（否决）', '其余2个单位未触发否决']);
    const find = (ns: Array<{ id: string; children?: unknown[] }>, id: string): Record<string, unknown> | undefined => {
      for (const n of ns) {
        if (n.id === id) return n as Record<string, unknown>;
        const c = find((n.children ?? []) as Array<{ id: string }>, id);
        if (c) return c;
      }
      return undefined;
    };
    // 3.6.57 of the two districts: 高陵区 0 of 1, 雁塔区 1 of 1 → 50% → 0.5 × 50 / 100 = 0.25
    expect(find(card.nodes, '3.6.57.d')).toMatchObject({ max: 0.5, earned: 0.25 });
    expect((find(card.nodes, '3.6.57.d')!['deductions'] as Array<{ evidence: string[] }>)[0]!.evidence).toEqual(['高陵区 3.6.57 较大及以上事故：0/1分', '其余1个单位本项满分']);

    const findings = readJson(join(cwd, 'scores/city/consistency-findings.json'));
    expect(findings).toEqual({
      yingjiguanliju: [expect.objectContaining({ item: '3.6.57', source: 'data-check', type: 'rejected', field: 'largerAccidents', check: 'accuracy' })],
    });
    const consistency = readJson(join(cwd, 'scores/city/consistency.json'));
    expect(consistency).toMatchObject({ checked: true, passed: [] });
    expect(consistency.inconsistencies.map((i: { id: string }) => i.id)).toEqual(['larger-accidents', 'larger-accident-deaths']);
    expect(consistency.skipped.map((i: { id: string }) => i.id)).toEqual(['hydrant-defects', 'old-pipe-renovation', 'hazmat-monitoring', 'geohazard-monitoring']);

    // The findings file is usable as it is: 市应急管理局, scored with it, loses 3.6.57.
    const s = await cli(['score', '--ruleset', 'xian-2022/municipal', '--evidence', 'evidence/yingjiguanliju.json', '--findings', 'scores/city/consistency-findings.json', '--out', 'rescored', '--json'], cwd);
    expect(s.code, s.out + s.err).toBe(0);
    const rescored = readJson(join(cwd, 'rescored/yingjiguanliju.scorecard.json'));
    const before = readJson(join(cwd, 'scores/municipal/yingjiguanliju.scorecard.json'));
    expect(find(before.nodes, '3.6.57')).toMatchObject({ earned: 1 });
    expect(find(rescored.nodes, '3.6.57')).toMatchObject({ earned: 0 });

    // Run again over the same folder: the city's own card there is skipped.
    const again = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--evidence', ...EVIDENCE, '--out', 'scores/city', '--json'], cwd);
    expect(again.code).toBe(0);
    const j = JSON.parse(again.out);
    expect(j).toMatchObject({ ok: true, unit: { id: 'xian' }, units: { cards: 3, evidence: 3 }, vetoed: true, grade: 'fail', total: card.total });
    expect(j.areas.map((a: { id: string; max: number }) => [a.id, a.max])).toEqual([
      ['3.1', 18],
      ['3.2', 32],
      ['3.3', 16],
      ['3.4', 16],
      ['3.5', 14],
      ['3.6', 4],
      ['4', 5],
    ]);
    expect(j.written).toEqual(['scores/city/xian.scorecard.json', 'scores/city/consistency.json', 'scores/city/consistency-findings.json']);
    // With the re-scored card in place, the check still fails (the evidence is unchanged) but says it is on the card.
    cpSync(join(cwd, 'rescored/yingjiguanliju.scorecard.json'), join(cwd, 'scores/municipal/yingjiguanliju.scorecard.json'));
    // A card replaced by hand no longer matches the folder's manifest, which says so (exit 1);
    // with the manifest removed, the folder is read as hand-made (a warning).
    const changed = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--evidence', ...EVIDENCE, '--out', 'scores/city'], cwd);
    expect(changed.code).toBe(1);
    expect(changed.err).toContain('scores/municipal/yingjiguanliju.scorecard.json: 与 safecity-manifest.json 记录的不一致');
    rmSync(join(cwd, 'scores/municipal/safecity-manifest.json'));
    const applied = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--evidence', ...EVIDENCE, '--out', 'scores/city'], cwd);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toContain('3.6.57 项的largerAccidents不予认定（已计入该单位评分卡）');
    expect(applied.out).not.toContain('用于重新评分');
  });

  it('without --evidence: the card from the scorecards alone, the consistency checks not run', async () => {
    const r = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores/district', '--out', 'city-only', '--lang', 'en'], round);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('no --evidence given: the consistency checks were not run');
    expect(r.out).toContain('city result: total');
    expect(readJson(join(round, 'city-only/consistency.json'))).toMatchObject({ checked: false, inconsistencies: [] });
    expect(readJson(join(round, 'city-only/consistency-findings.json'))).toEqual({});
    // 市级 halves: no municipal card, nothing reported → 未提供佐证材料
    const card = readJson(join(round, 'city-only/xian.scorecard.json'));
    expect(JSON.stringify(card)).toContain('No evidence provided');
  });
});

describe('safecity city: bad input, each problem with its place', () => {
  const copy = () => {
    const cwd = dir();
    cpSync(round, cwd, { recursive: true });
    return cwd;
  };
  it('a corrupt card: exit 1, the file named', async () => {
    const cwd = copy();
    rmSync(join(cwd, 'scores/district/safecity-manifest.json')); // cards put in by hand
    writeFileSync(join(cwd, 'scores/district/broken.scorecard.json'), '{ "unit": ');
    writeFileSync(join(cwd, 'scores/district/other.scorecard.json'), JSON.stringify({ hello: 'world' }));
    const r = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--out', 'out'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('scores/district/broken.scorecard.json: 不是有效的 JSON');
    expect(r.err).toContain('scores/district/other.scorecard.json: 不是评分卡');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });
  it('a card of an unknown ruleset, or of another version: exit 1, the card named', async () => {
    const cwd = copy();
    rmSync(join(cwd, 'scores/district/safecity-manifest.json')); // cards edited by hand
    const card = readJson(join(cwd, 'scores/district/yanta.scorecard.json'));
    writeFileSync(join(cwd, 'scores/district/yanta.scorecard.json'), JSON.stringify({ ...card, ruleset: { ...card.ruleset, id: 'xian-2099/district' } }));
    const old = readJson(join(cwd, 'scores/district/gaoling.scorecard.json'));
    writeFileSync(join(cwd, 'scores/district/gaoling.scorecard.json'), JSON.stringify({ ...old, ruleset: { ...old.ruleset, version: '1.0.0' } }));
    const r = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--out', 'out', '--json'], cwd);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(false);
    expect(j.problems).toEqual([
      { place: 'scores/district/yanta.scorecard.json#/ruleset/id', message: expect.stringContaining('scored under "xian-2099/district", a ruleset that is not installed') },
      { place: 'scores/district/gaoling.scorecard.json#/ruleset/version', message: 'scored under xian-2022/district 1.0.0, but 2.0.0 is installed: score the unit again under 2.0.0' },
    ]);
  });
  it('--evidence for a unit with no card: exit 1, the file named', async () => {
    const cwd = copy();
    const t = await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'beilin', '--out', 'evidence/beilin.json'], cwd);
    expect(t.code).toBe(0);
    const r = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--evidence', ...EVIDENCE, 'evidence/beilin.json', '--out', 'out'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('evidence/beilin.json: evidence of 碑林区 (beilin), which has no scorecard under scores: score it first, or leave the file out');
  });
  it('a unit with two cards, a missing folder, and a ruleset that is no city ruleset', async () => {
    const cwd = copy();
    cpSync(join(cwd, 'scores/district/yanta.scorecard.json'), join(cwd, 'scores/yanta-again.scorecard.json'));
    const twice = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--out', 'out'], cwd);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/scores\/yanta-again\.scorecard\.json: unit "yanta" \(雁塔区\) has a card twice: scores\/(district\/yanta|yanta-again)\.scorecard\.json and scores\/(district\/yanta|yanta-again)\.scorecard\.json/);
    const none = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'nowhere', '--out', 'out'], cwd);
    expect(none.code).toBe(1);
    expect(none.err).toContain('nowhere: 找不到该文件夹');
    const notCity = await cli(['city', '--ruleset', 'xian-2022/district', '--scores', 'scores', '--out', 'out'], cwd);
    expect(notCity.code).toBe(2);
    expect(notCity.err).toContain('xian-2022/district is not a city ruleset');
    const usage = await cli(['city', '--scores', 'scores', '--out', 'out'], cwd);
    expect(usage.code).toBe(2);
  });
});
