// `safecity sample` (现场抽查: seeded draw, groups, standby sites, findings templates) and
// `safecity diff` (what changed between two rulesets), run in-process.
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
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
const dir = () => mkdtempSync(join(tmpdir(), 'safecity-sample-'));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const evidenceDir = join(root, 'examples/xian-2022-city/evidence/district');
const jsonEvidence = readdirSync(evidenceDir).filter((f) => f.endsWith('.json')).sort();
const jsonUnits = jsonEvidence.map((f) => f.replace(/\.json$/, ''));
const evidenceOf = (ids: readonly string[]) => ids.map((id) => join(evidenceDir, `${id}.json`));

interface Drawn { id: string; name: string; standbySites?: string[]; site?: string | null }
interface Draw { seed: number; count: number; groups: { group: number; name: string; units: Drawn[] }[]; problems: { place: string; message: string }[] }
const sampleJson = async (argv: string[], cwd = dir()): Promise<Draw> => {
  const r = await cli(['sample', ...argv, '--json'], cwd);
  expect(r.code, r.err + r.out).toBe(0);
  return JSON.parse(r.out) as Draw;
};
const flat = (d: Draw) => d.groups.flatMap((g) => g.units.map((u) => `${g.group}:${u.id}`));

describe('sample', () => {
  it('is reproducible from the seed, whatever the order of --units; another seed draws differently', async () => {
    const a = await sampleJson(['--units', 'all-district', '--seed', '42', '--count', '9']);
    const b = await sampleJson(['--units', 'all-district', '--seed', '42', '--count', '9']);
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).toHaveLength(9);
    const ids = ['yanta', 'beilin', 'lianhu', 'xincheng', 'baqiao', 'weiyang', 'yanliang', 'lintong', 'changan', 'gaoling', 'huyi', 'zhouzhi'];
    const forward = await sampleJson(['--units', ...ids, '--seed', '7', '--count', '6']);
    const backward = await sampleJson(['--units', ...[...ids].reverse(), '--seed', '7', '--count', '6']);
    const commas = await sampleJson(['--units', [...ids].sort().join(','), '--seed', '7', '--count', '6']);
    expect(flat(backward)).toEqual(flat(forward));
    expect(flat(commas)).toEqual(flat(forward));
    const other = await sampleJson(['--units', ...ids, '--seed', '8', '--count', '6']);
    expect(flat(other)).not.toEqual(flat(forward));
    // Without --count every unit is drawn: only the groups differ between seeds.
    const all1 = await sampleJson(['--units', 'all', '--seed', '1']);
    const all2 = await sampleJson(['--units', 'all', '--seed', '2']);
    expect(flat(all1)).toHaveLength(48);
    expect(flat(all1)).not.toEqual(flat(all2));
  });

  it('groups are balanced (sizes differ by at most one), named 现场检查第一组…, sorted by unit id', async () => {
    for (const [count, groups] of [[10, 3], [48, 3], [7, 7], [20, 4], [11, 5]] as const) {
      const d = await sampleJson(['--units', 'all', '--seed', String(count * 31), '--count', String(count), '--groups', String(groups)]);
      const sizes = d.groups.map((g) => g.units.length);
      expect(sizes).toHaveLength(groups);
      expect(sizes.reduce((s, n) => s + n, 0)).toBe(count);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const g of d.groups) expect(g.units.map((u) => u.id)).toEqual(g.units.map((u) => u.id).sort());
      expect(new Set(d.groups.flatMap((g) => g.units.map((u) => u.id))).size).toBe(count);
    }
    const d = await sampleJson(['--units', 'all-municipal', '--seed', '3']);
    expect(d.groups.map((g) => g.name)).toEqual(['现场检查第一组', '现场检查第二组', '现场检查第三组']);
    expect(d.groups.flatMap((g) => g.units).every((u) => u.id !== 'yanta')).toBe(true);
    const t = await cli(['sample', '--units', 'yanta', 'beilin', 'lianhu', 'xincheng', '--seed', '5'], dir());
    expect(t.code).toBe(0);
    expect(t.out).toContain('随机种子 5 · 从4个单位中抽取4个 · 分3组');
    expect(t.out).toMatch(/现场检查第一组\s+\S+\s+\S+区/);
  });

  it('reads each drawn unit\'s standby sites (备检单位) from the example evidence and draws one site to visit', async () => {
    const d = await sampleJson(['--units', ...jsonUnits, '--seed', '2023', '--count', '6', '--ruleset', 'xian-2022/district', '--evidence', ...evidenceOf(jsonUnits)]);
    const drawn = d.groups.flatMap((g) => g.units);
    expect(drawn).toHaveLength(6);
    for (const u of drawn) {
      const file = JSON.parse(readFileSync(join(evidenceDir, `${u.id}.json`), 'utf8'));
      expect(u.standbySites).toEqual(file.general.standbySites);
      expect(u.standbySites!.length).toBeGreaterThanOrEqual(2);
      expect(u.standbySites).toContain(u.site);
    }
    // Same seed, same sites; the default rulesets (no --ruleset) read the same files.
    const again = await sampleJson(['--units', ...[...jsonUnits].reverse(), '--seed', '2023', '--count', '6', '--evidence', ...evidenceOf(jsonUnits).reverse()]);
    expect(again.groups).toEqual(d.groups);
    // Excel evidence, and municipal with district units: each file read with the rubric it fits.
    const municipal = join(root, 'examples/xian-2022-city/evidence/municipal');
    const mixed = await sampleJson(['--units', 'yanta', 'xiaofangzhidui', 'fagaiwei', '--seed', '4', '--evidence', join(evidenceDir, 'yanta.xlsx'), join(municipal, 'xiaofangzhidui.xlsx'), join(municipal, 'fagaiwei.json')]);
    for (const u of mixed.groups.flatMap((g) => g.units)) expect(u.standbySites).toContain(u.site);
    const t = await cli(['sample', '--units', 'baqiao', 'lianhu', '--groups', '2', '--seed', '1', '--evidence', ...evidenceOf(['baqiao', 'lianhu'])], dir());
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/检查组\s+编号\s+单位\s+备检单位\s+抽查点位/);
    expect(t.out).toContain('灞桥区工业园区管委会、灞桥区危险化学品重点企业、灞桥区重点社区');
  });

  it('missing standby sites and a drawn unit without evidence: exit 1 with the file, unless --allow-missing', async () => {
    const cwd = dir();
    const lianhu = JSON.parse(readFileSync(join(evidenceDir, 'lianhu.json'), 'utf8'));
    lianhu.general.standbySites = ['莲湖区重点社区'];
    writeFileSync(join(cwd, 'lianhu.json'), JSON.stringify(lianhu));
    const baqiao = JSON.parse(readFileSync(join(evidenceDir, 'baqiao.json'), 'utf8'));
    delete baqiao.general.standbySites;
    writeFileSync(join(cwd, 'baqiao.json'), JSON.stringify(baqiao));
    const argv = ['sample', '--units', 'lianhu', 'baqiao', 'xincheng', 'yanta', '--seed', '9', '--evidence', 'lianhu.json', 'baqiao.json', join(evidenceDir, 'xincheng.json')];
    const r = await cli(argv, cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('lianhu.json#/general/standbySites: 莲湖区（lianhu）在 standbySites 中只填写了1个备检单位；方案要求2至3个');
    expect(r.err).toContain('baqiao.json#/general/standbySites: 灞桥区（baqiao）在 standbySites 中未填写备检单位');
    expect(r.err).toContain('单位 yanta: 雁塔区被抽中现场检查，但给出的3个佐证材料文件中没有它的');
    expect(r.err).not.toContain('xincheng');
    expect(r.err).toContain('共3处问题');
    const j = await cli([...argv, '--json'], cwd);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems: expect.arrayContaining([{ place: 'lianhu.json#/general/standbySites', message: expect.any(String) }]) });
    const allowed = await cli([...argv, '--allow-missing', '--json'], cwd);
    expect(allowed.code, allowed.err).toBe(0);
    const body = JSON.parse(allowed.out) as Draw;
    expect(body.problems).toHaveLength(3);
    const units = body.groups.flatMap((g) => g.units);
    expect(units.find((u) => u.id === 'lianhu')).toMatchObject({ standbySites: ['莲湖区重点社区'], site: null });
    expect(units.find((u) => u.id === 'xincheng')?.site).toEqual(expect.any(String));
    // A broken evidence file is an input problem too, with its place.
    const missing = await cli(['sample', '--units', 'yanta', '--groups', '1', '--seed', '1', '--evidence', 'nope.json'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.json: 找不到该文件');
  });

  it('writes one findings template per group and sample.json; `score --findings` accepts a template', { timeout: 60_000 }, async () => {
    const cwd = dir();
    const pick = ['baqiao', 'chanba', 'gangwu', 'gaoling', 'huyi', 'lianhu'];
    const r = await cli(['sample', '--units', ...pick, '--seed', '11', '--evidence', ...evidenceOf(pick), '--out', 'onsite'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('已将3份核查发现模板和 sample.json 写入 onsite');
    const whole = JSON.parse(readFileSync(join(cwd, 'onsite', 'sample.json'), 'utf8')) as Draw;
    expect(whole.seed).toBe(11);
    const seen: string[] = [];
    for (const g of whole.groups) {
      const template = JSON.parse(readFileSync(join(cwd, 'onsite', `group-${g.group}.findings.json`), 'utf8'));
      expect(template).toEqual(Object.fromEntries(g.units.map((u) => [u.id, []])));
      expect(g.units.every((u) => u.site && u.standbySites?.includes(u.site))).toBe(true);
      seen.push(...Object.keys(template));
    }
    expect(seen.sort()).toEqual(pick);
    expect(existsSync(join(cwd, 'onsite', 'group-4.findings.json'))).toBe(false);
    const group1 = whole.groups[0]!.units.map((u) => u.id);
    const s = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', ...evidenceOf(group1), '--findings', 'onsite/group-1.findings.json', '--json'], cwd);
    expect(s.code, s.err + s.out).toBe(0);
    expect(JSON.parse(s.out).units.map((u: { unit: { id: string } }) => u.unit.id)).toEqual([...group1].sort());
    // A filled template is applied.
    const filled = { [group1[0]!]: [{ item: '3.2.2.17', source: 'onsite', type: 'deduction', points: 0.5, reason: '现场抽查发现问题' }] };
    writeFileSync(join(cwd, 'onsite', 'group-1.findings.json'), JSON.stringify(filled));
    expect((await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', ...evidenceOf(group1), '--findings', 'onsite/group-1.findings.json'], cwd)).code).toBe(0);
  });

  it('wrong usage: unknown units with close matches, bad numbers, too many groups: exit 2', async () => {
    const u = await cli(['sample', '--units', 'yantaa', '--seed', '1'], dir());
    expect(u.code).toBe(2);
    expect(u.err).toContain('未知单位“yantaa”：是否想用 yanta（雁塔区）？');
    const j = await cli(['sample', '--units', 'yanta', 'zzzzzzzz', '--seed', '1', '--json'], dir());
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out).error).toMatchObject({ kind: 'usage', message: expect.stringContaining('未知单位“zzzzzzzz”；请给出单位编号（all、all-municipal、all-district、fagaiwei') });
    expect((await cli(['sample', '--units', 'yanta', '--seed', 'abc'], dir())).code).toBe(2);
    expect((await cli(['sample', '--units', 'yanta', 'beilin', '--seed', '1', '--count', '3'], dir())).err).toContain('--count 3 多于给出的2个单位');
    expect((await cli(['sample', '--units', 'yanta', 'beilin', '--seed', '1'], dir())).err).toContain('--groups 3 多于抽取的2个单位');
    expect((await cli(['sample', '--units', 'all', '--seed', '1', '--groups', '0'], dir())).code).toBe(2);
    expect((await cli(['sample', '--units', 'all'], dir())).err).toContain('缺少必填选项 --seed <n>');
    // A unit may be named as the plan names it.
    const byName = await sampleJson(['--units', '雁塔区', '碑林区', '--groups', '2', '--seed', '1']);
    expect(flat(byName).map((x) => x.slice(2)).sort()).toEqual(['beilin', 'yanta']);
  });
});

describe('diff', () => {
  const district = () => JSON.parse(readFileSync(join(root, 'rulesets/xian-2022/district.json'), 'utf8'));
  const edited = () => {
    const rs = district();
    rs.version = '2.1.0';
    // 1.1.1: max 2 → 3, with its indicator 1.1 (5 → 6) and area 1 (20 → 21) adjusted.
    rs.tree[0].max = 21;
    rs.tree[0].children[0].max = 6;
    rs.tree[0].children[0].children[0].max = 3;
    // 2.3.2 removed, 2.3.3 added in its place, scored on a new field.
    const g = rs.tree[1].children[2];
    g.children = [g.children[0], { id: '2.3.3', title: { zh: '任务分工动态调整', en: 'Task division kept up to date' }, max: 2, content: '根据工作进展动态调整任务分工。', standard: '未动态调整的，扣2分。', scoring: { method: 'presence', params: { field: 'taskDivisionUpdated' } } }];
    rs.fields.push({ name: 'taskDivisionUpdated', type: 'boolean', title: { zh: '任务分工动态调整文件' } });
    return rs;
  };

  it('reports an item\'s max changed, an item removed and one added, a field added — and exits 0', async () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'next.json'), JSON.stringify(edited()));
    const v = await cli(['validate', 'next.json'], cwd);
    expect(v.code, v.err).toBe(0);
    const r = await cli(['diff', 'xian-2022/district', 'next.json'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('## xian-2022/district 2.0.0 → xian-2022/district 2.1.0');
    expect(r.out).toContain('版本判定 (semver verdict): **major**');
    expect(r.out).toContain('- ruleset max changed (140 → 141)\n- item 2.3.2 removed\n');
    expect(r.out).toContain('| 新增 added | 评分项 item | `2.3.3` | 任务分工动态调整 | 2 分 · in 2.3 | minor |');
    expect(r.out).toContain('| 新增 added | 字段 field | `taskDivisionUpdated` | 任务分工动态调整文件 | boolean | minor |');
    expect(r.out).toMatch(/\| 删除 removed \| 评分项 item \| `2\.3\.2` \| .* \| 2 分 · in 2\.3 \| major \|/);
    expect(r.out).toContain('| 修改 changed | 细则 ruleset |  |  | max 140 → 141 | major |');
    expect(r.out).toContain('| 修改 changed | 评分项 item | `1.1.1` | 成立创建工作领导小组 | max 2 → 3 | minor |');
    expect(r.out).toContain('| 修改 changed | 指标 group | `1.1` | 组织领导 | max 5 → 6 | minor |');
    expect(r.out).toContain('| 修改 changed | 指标 group | `1` |');
    expect(r.out).not.toContain('2.3`'); // 2.3 kept its max
    expect(r.out).toContain('✗ xian-2022/district 2.1.0 over xian-2022/district 2.0.0: a minor bump, but the changes need major (ruleset max changed (140 → 141); item 2.3.2 removed)');
    // --check turns an insufficient bump into a failure naming the file.
    const checked = await cli(['diff', 'xian-2022/district', 'next.json', '--check'], cwd);
    expect(checked.code).toBe(1);
    expect(checked.err).toContain('next.json: xian-2022/district 2.1.0 over xian-2022/district 2.0.0: a minor bump, but the changes need major');
    const j = await cli(['diff', 'xian-2022/district', 'next.json', '--json'], cwd);
    expect(j.code).toBe(0);
    const d = JSON.parse(j.out);
    expect(d).toMatchObject({
      ok: true,
      identical: false,
      from: { id: 'xian-2022/district', version: '2.0.0' },
      to: { name: 'next.json', version: '2.1.0' },
      ruleset: [{ property: 'max', from: 140, to: 141, bump: 'major' }],
      items: { added: [{ id: '2.3.3', bump: 'minor' }], removed: [{ id: '2.3.2', bump: 'major' }], renamed: [], moved: [], changed: [{ id: '1.1.1', changes: [{ property: 'max', from: 2, to: 3, bump: 'minor' }] }] },
      fields: { added: [{ id: 'taskDivisionUpdated' }], removed: [], changed: [] },
      vetoes: { added: [], removed: [], changed: [] },
      verdict: { bump: 'major' },
      version: { ok: false, required: 'major', actual: 'minor' },
    });
    expect(d.groups.changed.map((g: { id: string }) => g.id)).toEqual(['1', '1.1']);
    expect(d.verdict.reasons).toEqual([
      { bump: 'major', reason: 'ruleset max changed (140 → 141)' },
      { bump: 'major', reason: 'item 2.3.2 removed' },
      { bump: 'minor', reason: 'item 2.3.3 added' },
      { bump: 'minor', reason: 'item 1.1.1: max changed' },
      { bump: 'minor', reason: 'group 1: max changed' },
      { bump: 'minor', reason: 'group 1.1: max changed' },
      { bump: 'minor', reason: 'field taskDivisionUpdated added' },
    ]);
  });

  it('names every changed property: scoring params, text, field type, vetoes, grades, bonus cap', async () => {
    const cwd = dir();
    const rs = district();
    rs.tree[1].children[2].children[1].scoring.params.per = 1;
    rs.tree[0].children[0].children[0].standard = '未成立领导小组的，扣2分。';
    rs.tree[0].children[0].children[0].checkMethods = ['data-check', 'onsite'];
    rs.fields.find((f: { name: string }) => f.name === 'standbySites').title.zh = '备检单位';
    rs.grades.find((g: { id: string }) => g.id === 'good').min = 85;
    rs.vetoes.pop();
    rs.bonus.cap = 6;
    writeFileSync(join(cwd, 'b.json'), JSON.stringify(rs));
    const r = await cli(['diff', 'xian-2022/district', 'b.json'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('`2.3.2`');
    expect(r.out).toContain('| 修改 changed | 评分项 item | `2.3.2` | 逾期任务 | params.per 0.5 → 1 | minor |');
    expect(r.out).toContain('standard 「未成立创建工作领导小组的，扣2分。」 → 「未成立领导小组的，扣2分。」');
    expect(r.out).toContain('checkMethods data-check → data-check, onsite');
    expect(r.out).toContain('| 修改 changed | 字段 field | `standbySites` | 备检单位 | title 「备检单位（2–3个，名称及地址）」 → 「备检单位」 | patch |');
    expect(r.out).toContain('| 修改 changed | 等级 grade | `good` | 良好 | min 80 → 85 | minor |');
    expect(r.out).toContain('| 修改 changed | 细则 ruleset |  |  | bonusCap 5 → 6 | major |');
    expect(r.out).toContain('| 删除 removed | 否决项 veto | `concealed-accident` | 瞒报、谎报生产安全事故 | effect zero | minor |');
    expect(r.out).toContain('✗ xian-2022/district 2.0.0 over xian-2022/district 2.0.0: the version is unchanged, but the changes need major (ruleset bonusCap changed (5 → 6))');
  });

  it('wording only is a patch; the verdict follows the policy', async () => {
    const cwd = dir();
    const rs = district();
    rs.version = '2.0.1';
    rs.tree[0].children[0].children[0].standard = '未成立领导小组的，扣2分。';
    writeFileSync(join(cwd, 'wording.json'), JSON.stringify(rs));
    const j = JSON.parse((await cli(['diff', 'xian-2022/district', 'wording.json', '--json', '--check'], cwd)).out);
    expect(j).toMatchObject({ ok: true, verdict: { bump: 'patch', reasons: [{ bump: 'patch', reason: 'item 1.1.1: standard changed' }] }, version: { ok: true, required: 'patch', actual: 'patch' } });
  });

  it('finds an installed ruleset package by id, and the base a patch extends: the 2023 example needs and has a major bump', async () => {
    // Run as a user runs it (the built command in a child process): in this test process, Node's
    // own require would see vitest's source export condition and load TypeScript.
    const cwd = dir();
    const bin = join(root, 'packages/cli/bin/safecity.js');
    const cli = (argv: string[], at: string) =>
      new Promise<{ code: number; out: string; err: string }>((done) =>
        execFile(process.execPath, [bin, ...argv], { cwd: at, env: { ...process.env, NODE_OPTIONS: '' } }, (e, out, err) => done({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err })),
      );
    const v = await cli(['validate', 'xian-2023-example/district'], cwd);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain('（xian-2023-example/district 3.0.0）：85个计分项，满分140，加分上限5');
    expect(v.out).toContain('扩展自 xian-2022/district 2.0.0：其后改名1项，删去1项');
    const j = await cli(['diff', 'xian-2022/district', 'xian-2023-example/district', '--check', '--json'], cwd);
    expect(j.code, j.err).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({
      ok: true,
      verdict: { bump: 'major' },
      version: { ok: true, required: 'major', actual: 'major' },
      items: { removed: [{ id: '3.1.2.8' }], renamed: [{ from: '3.2.3.20', id: '3.2.3.58.1' }] },
    });
    expect((await cli(['validate', 'xian-2099/district'], cwd)).err).toContain('未知的评价细则“xian-2099/district”');
  });

  it('a ruleset file extending a local file: not available until given with --base', async () => {
    const cwd = dir();
    const base = JSON.parse(readFileSync(join(root, 'examples/basic/ruleset.json'), 'utf8'));
    writeFileSync(join(cwd, 'base.json'), JSON.stringify(base));
    const next = { id: base.id, version: '1.1.0', edition: base.edition + 1, title: { zh: '下一版' }, extends: { id: base.id, version: base.version }, patch: [{ op: 'update', id: base.tree[0].id, set: { title: { zh: '改名' } } }] };
    writeFileSync(join(cwd, 'next.json'), JSON.stringify(next));
    const missing = await cli(['validate', 'next.json'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`next.json#/extends: base ${base.id}@${base.version} is not available`);
    const ok = await cli(['validate', 'next.json', '--base', 'base.json'], cwd);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`扩展自 ${base.id} ${base.version}：其后改名0项，删去0项`);
    const d = await cli(['diff', 'base.json', 'next.json', '--base', 'base.json', '--check', '--json'], cwd);
    expect(JSON.parse(d.out)).toMatchObject({ ok: true, verdict: { bump: 'patch' }, version: { ok: true, required: 'patch', actual: 'minor' } });
  });

  it('identical rulesets: no differences', async () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'same.json'), JSON.stringify(district()));
    const r = await cli(['diff', 'xian-2022/district', 'same.json'], cwd);
    expect(r.code).toBe(0);
    expect(r.out).toContain('无差异 (No differences).');
    const j = JSON.parse((await cli(['diff', 'xian-2022/district', 'xian-2022/district', '--json'], cwd)).out);
    expect(j).toMatchObject({ ok: true, identical: true, items: { added: [], removed: [], changed: [] }, verdict: { bump: 'none', reasons: [] } });
  });

  it('a broken or missing ruleset: exit 1 with its place; an unknown id is wrong usage', async () => {
    const cwd = dir();
    const rs = district();
    rs.tree[0].children[0].children[0].scoring.method = 'nope';
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify(rs));
    const r = await cli(['diff', 'bad.json', 'missing.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.json#/tree/0/children/0/children/0/scoring/method: unknown scoring method "nope"');
    expect(r.err).toContain('missing.json: 找不到该文件');
    const j = await cli(['diff', 'xian-2022/district', 'bad.json', '--json'], cwd);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.objectContaining({ place: 'bad.json#/tree/0/children/0/children/0/scoring/method' })]) });
    expect((await cli(['diff', 'xian-2021/district', 'xian-2022/district'], cwd)).code).toBe(2);
  });
});
