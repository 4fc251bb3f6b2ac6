// The safecity command, run in-process: exit codes, messages with places, files written.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}
const dir = () => mkdtempSync(join(tmpdir(), 'safecity-cli-'));

describe('usage', () => {
  it('--help shows commands and examples, exit 0', async () => {
    const r = await cli(['--help'], dir());
    expect(r.code).toBe(0);
    expect(r.out).toContain('template');
    expect(r.out).toContain("Examples (evidence/ and findings/ as in the repository's examples/xian-2022-city):");
    expect(r.out).toContain('Exit codes: 0 ok');
  });
  it('an unknown command or a missing option is wrong usage: exit 2', async () => {
    expect((await cli(['scroe'], dir())).code).toBe(2);
    const r = await cli(['template', '--ruleset', 'xian-2022/district'], dir());
    expect(r.code).toBe(2);
    expect(r.err).toContain('用法错误：缺少必填选项 --unit <id>');
  });
  it('an unknown ruleset id or unit is wrong usage, saying what there is', async () => {
    const r = await cli(['validate', 'xian-2021/district'], dir());
    expect(r.code).toBe(2);
    expect(r.err).toContain('未知的评价细则“xian-2021/district”：请给出 xian-2022/municipal、xian-2022/district');
    const u = await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'xiaofangzhidui', '--out', 'x.json'], dir());
    expect(u.code).toBe(2);
    expect(u.err).toContain('单位“xiaofangzhidui”不按 xian-2022/district 评价；按它评价的单位有：xincheng（新城区）');
  });
});

describe('validate', () => {
  it('a shipped ruleset', async () => {
    const r = await cli(['validate', 'xian-2022/district'], dir());
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ 西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）（xian-2022/district 2.0.0）：84个计分项，满分140，加分上限5');
    const j = await cli(['validate', 'xian-2022/municipal', '--json'], dir());
    expect(JSON.parse(j.out)).toMatchObject({ ok: true, ruleset: { id: 'xian-2022/municipal', version: '2.0.0' }, items: 95, max: 140, bonusCap: 5 });
  });
  it('a broken ruleset file: exit 1, each problem with file and pointer, no stack', async () => {
    const cwd = dir();
    const rs = JSON.parse(readFileSync(new URL('../../../examples/basic/ruleset.json', import.meta.url), 'utf8'));
    rs.tree[0].children[0].children[0].scoring.params.per = 'half';
    rs.tree[0].children[0].children[1].scoring.method = 'nope';
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify(rs));
    const r = await cli(['validate', 'bad.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.json#/tree/0/children/0/children/0/scoring/params/per: expected number, found a string "half"');
    expect(r.err).toContain('bad.json#/tree/0/children/0/children/1/scoring/method: unknown scoring method "nope"');
    expect(r.err).not.toMatch(/\n\s+at /);
    const j = await cli(['validate', 'bad.json', '--json'], cwd);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems: [{ place: 'bad.json#/tree/0/children/0/children/0/scoring/params/per' }, { place: 'bad.json#/tree/0/children/0/children/1/scoring/method' }] });
  });
  it('a missing file and invalid JSON: exit 1 with the place', async () => {
    const cwd = dir();
    expect((await cli(['validate', 'none.json'], cwd)).err).toContain('none.json: 找不到该文件');
    writeFileSync(join(cwd, 'broken.json'), '{ "id": ');
    const r = await cli(['validate', 'broken.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('broken.json: ');
  });
});

describe('template and score', () => {
  it('a JSON template with its schema, filled and scored', async () => {
    const cwd = dir();
    const t = await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
    expect(t.code, t.err).toBe(0);
    expect(existsSync(join(cwd, 'yanta.schema.json'))).toBe(true);
    const tpl = JSON.parse(readFileSync(join(cwd, 'yanta.json'), 'utf8'));
    expect(tpl.$schema).toBe('./yanta.schema.json');
    tpl.items['3.1.1.1'].planFindings = 3; // 3 × 0.5 = 1.5 → 0.5 of 2
    tpl.items['3.1.2.4.2'].oldPipeRenovationRate = 85; // > 80% → 1 of 1
    writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(tpl));
    const s = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--out', 'scores'], cwd);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toContain('yanta');
    const card = JSON.parse(readFileSync(join(cwd, 'scores', 'yanta.scorecard.json'), 'utf8'));
    expect(card.unit).toEqual({ id: 'yanta', name: '雁塔区', kind: 'district' });
    expect(card.earned).toBe(1.5);
  });
  it('an Excel template and a JSON file scored together', async () => {
    const cwd = dir();
    expect((await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'beilin', '--out', 'beilin.xlsx'], cwd)).code).toBe(0);
    expect(readFileSync(join(cwd, 'beilin.xlsx')).subarray(0, 2).toString()).toBe('PK');
    await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
    const s = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'beilin.xlsx', 'yanta.json', '--json'], cwd);
    expect(s.code, s.out + s.err).toBe(0);
    const body = JSON.parse(s.out);
    expect(body.units.map((u: { unit: { id: string } }) => u.unit.id)).toEqual(['beilin', 'yanta']);
    expect(body.cards).toHaveLength(2);
    expect(body.records.accepted).toBe(0);
  });
  it('bad evidence: exit 1, every problem with file and place; findings for a unit with no evidence', async () => {
    const cwd = dir();
    await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
    const tpl = JSON.parse(readFileSync(join(cwd, 'yanta.json'), 'utf8'));
    tpl.items['3.1.1.1'].planFindings = -1;
    tpl.items['3.1.2.4.2'].oldPipeRenovationRate = '约90';
    writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(tpl));
    writeFileSync(join(cwd, 'notes.csv'), 'a,b\n');
    writeFileSync(join(cwd, 'yanta.ods'), 'PK');
    const s = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', 'notes.csv', 'yanta.ods', 'missing.xlsx'], cwd);
    expect(s.code).toBe(1);
    expect(s.err).toContain('yanta.json#/items/3.1.1.1/planFindings');
    expect(s.err).toContain('yanta.json#/items/3.1.2.4.2/oldPipeRenovationRate');
    expect(s.err).toContain('notes.csv: 不支持的佐证文件类型“.csv”：请提交 Excel 工作簿（.xlsx）或 JSON 文件（.json）');
    // An .ods by its extension: Chinese, and what to do (it was English).
    expect(s.err).toContain('yanta.ods: 不支持的佐证文件类型“.ods”：请提交 Excel 工作簿（.xlsx）或 JSON 文件（.json）；请用 WPS、Excel 或 LibreOffice 打开后另存为 Excel 工作簿（.xlsx）');
    expect(s.err).toContain('missing.xlsx: 找不到该文件');
    const good = JSON.parse(readFileSync(join(cwd, 'yanta.json'), 'utf8'));
    good.items['3.1.1.1'].planFindings = 1;
    good.items['3.1.2.4.2'].oldPipeRenovationRate = 90;
    writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(good));
    writeFileSync(join(cwd, 'findings.json'), JSON.stringify({ beilin: [] }));
    const f = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--findings', 'findings.json'], cwd);
    expect(f.code).toBe(1);
    expect(f.err).toContain('findings.json#/beilin: 碑林区（beilin）的佐证材料未在本次给出');
  });
  it('findings by unit are applied', async () => {
    const cwd = dir();
    await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
    const tpl = JSON.parse(readFileSync(join(cwd, 'yanta.json'), 'utf8'));
    tpl.items['3.1.1.1'].planFindings = 0; // 2 of 2, then a data-check deduction of 0.5 (the item is checked by 数据核查 only)
    writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(tpl));
    writeFileSync(join(cwd, 'findings.json'), JSON.stringify({ yanta: [{ item: '3.1.1.1', source: 'data-check', type: 'deduction', points: 0.5, reason: '消防专项规划未经专家论证' }] }));
    const s = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--findings', 'findings.json', '--json'], cwd);
    expect(s.code, s.err).toBe(0);
    expect(JSON.parse(s.out).units[0].earned).toBe(1.5);
    // Several findings files (each check's, the consistency checks') are merged per unit.
    writeFileSync(join(cwd, 'more.json'), JSON.stringify({ yanta: [{ item: '3.1.1.1', source: 'data-check', type: 'deduction', points: 0.4, reason: '防洪专项规划未按期修编' }] }));
    const two = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--findings', 'findings.json', 'more.json', '--json'], cwd);
    expect(two.code, two.err).toBe(0);
    expect(JSON.parse(two.out).units[0].earned).toBe(1.1);
    // A finding the item cannot take is named in its own file, at its own place.
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify({ yanta: [{ item: '3.2.2.17', source: 'data-check', type: 'deduction', points: 0.4, reason: 'x' }] }));
    const bad = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--findings', 'findings.json', 'bad.json'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.json#/yanta/0/source: item 3.2.2.17 is checked by 现场检查 (onsite) only; this deduction finding comes from 数据核查 (data-check)');
  });
});

describe('findings files of a whole round', () => {
  it('a check’s file covers both rubrics: the other rubric’s units are left out with a warning naming them', async () => {
    const cwd = fileURLToPath(new URL('../../../examples/xian-2022-city/', import.meta.url));
    const files = readdirSync(join(cwd, 'evidence', 'municipal')).filter((f) => /\.(json|xlsx)$/.test(f)).map((f) => `evidence/municipal/${f}`);
    const r = await cli(['score', '--ruleset', 'xian-2022/municipal', '--evidence', ...files, '--findings', 'findings/data-check.json', 'findings/onsite.json', '--json'], cwd);
    expect(r.code, r.err).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.units).toHaveLength(28);
    const w = body.warnings.find((x: { place: string }) => x.place === 'findings/data-check.json');
    expect(w.message).toMatch(/^20个单位按其他评价细则计分，其核查发现此处未采用：.*高陵区（gaoling）/);
  }, 60_000);
});

describe('feedback and report', () => {
  it('feedback lists and the city report from scored cards; bad scorecards are named', { timeout: 60_000 }, async () => {
    const cwd = dir();
    for (const unit of ['yanta', 'beilin']) {
      await cli(['template', '--ruleset', 'xian-2022/district', '--unit', unit, '--out', `${unit}.json`], cwd);
      const tpl = JSON.parse(readFileSync(join(cwd, `${unit}.json`), 'utf8'));
      tpl.items['3.1.1.1'].planFindings = unit === 'yanta' ? 1 : 3;
      writeFileSync(join(cwd, `${unit}.json`), JSON.stringify(tpl));
    }
    const s = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', 'beilin.json', '--out', 'scores'], cwd);
    expect(s.code, s.err).toBe(0);
    const f = await cli(['feedback', '--scores', 'scores', '--out', 'feedback'], cwd);
    expect(f.code, f.err).toBe(0);
    expect(readFileSync(join(cwd, 'feedback', 'yanta.md'), 'utf8')).toContain('意见反馈清单');
    expect(readFileSync(join(cwd, 'feedback', 'beilin.xlsx')).subarray(0, 2).toString()).toBe('PK');
    writeFileSync(join(cwd, 'self.json'), JSON.stringify({ yanta: 30, beilin: 5 }));
    cpSync(join(cwd, 'scores'), join(cwd, 'scores-round1'), { recursive: true });
    const r = await cli(['report', '--scores', 'scores', '--before', 'scores-round1', '--self-scores', 'self.json', '--out', 'report/city.html'], cwd);
    expect(r.code, r.err).toBe(0);
    // The city's own card beside the units' (safecity city): the report shows it and its
    // consistency checks; it is neither ranked with the units nor given a feedback list.
    const c = await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'scores', '--evidence', 'yanta.json', 'beilin.json', '--out', 'scores/city'], cwd);
    expect(c.code, c.err).toBe(0);
    const rc = await cli(['report', '--scores', 'scores', '--out', 'report2/city.html', '--json'], cwd);
    expect(rc.code, rc.err).toBe(0);
    expect(JSON.parse(rc.out)).toMatchObject({ units: 2, city: 'xian' });
    const md2 = readFileSync(join(cwd, 'report2', 'city.md'), 'utf8');
    expect(md2).toContain('城市自评结果（国家评价细则）');
    expect(md2).not.toMatch(/\| 西安市 \|/);
    const f2 = await cli(['feedback', '--scores', 'scores', '--out', 'feedback2', '--json'], cwd);
    expect(JSON.parse(f2.out).units).toBe(2);
    expect(readFileSync(join(cwd, 'report', 'city.html'), 'utf8')).toContain('<svg');
    expect(existsSync(join(cwd, 'report', 'city.md'))).toBe(true);
    expect(existsSync(join(cwd, 'report', 'city.rectification.md'))).toBe(true);
    // A card put in by hand is not read while the folder's manifest does not list it; without the manifest it is, and named.
    writeFileSync(join(cwd, 'scores', 'broken.scorecard.json'), '{"unit": 1}');
    const ignored = await cli(['report', '--scores', 'scores', '--out', 'x.html'], cwd);
    expect(ignored.code, ignored.err).toBe(0);
    expect(ignored.err).toContain('提醒：scores: 1份评分卡未列在 safecity-manifest.json 中，未读取');
    rmSync(join(cwd, 'scores', 'safecity-manifest.json'));
    const bad = await cli(['report', '--scores', 'scores', '--out', 'x.html'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('scores/broken.scorecard.json: 不是评分卡');
    expect((await cli(['report', '--scores', 'scores', '--out', 'x.pdf'], cwd)).code).toBe(2);
    expect((await cli(['feedback', '--scores', 'nowhere', '--out', 'fb'], cwd)).err).toContain('nowhere: 找不到该文件夹');
  });
});
