// The command as a clerk meets it: the same file given twice is refused, a blank template is
// warned about, usage errors come as JSON with --json, and every message is in Chinese.
import { copyFileSync, cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { run } from '../src/index.js';
import { repeatedFiles } from '../src/io.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}
const dir = () => mkdtempSync(join(tmpdir(), 'safecity-refusals-'));
const example = fileURLToPath(new URL('../../../examples/xian-2022-city/', import.meta.url));

/** A folder with two districts' evidence from the demo (baqiao.json, beilin.xlsx) and a findings file. */
function round(): string {
  const cwd = dir();
  mkdirSync(join(cwd, 'evidence'));
  for (const f of ['baqiao.json', 'beilin.xlsx']) copyFileSync(join(example, 'evidence/district', f), join(cwd, 'evidence', f));
  writeFileSync(join(cwd, 'findings.json'), JSON.stringify({ baqiao: [] }));
  return cwd;
}

describe('the same file given twice is refused (exit 1), naming both arguments, before anything is read', () => {
  it('score --evidence: by the same name, by ./name, through a symlink, a hard link, or a glob that repeats', async () => {
    const cwd = round();
    symlinkSync(join(cwd, 'evidence/baqiao.json'), join(cwd, 'baqiao-link.json'));
    linkSync(join(cwd, 'evidence/beilin.xlsx'), join(cwd, 'beilin-copy.xlsx'));
    const cases: Array<{ argv: string[]; says: string[] }> = [
      { argv: ['evidence/baqiao.json', 'evidence/baqiao.json'], says: ['evidence/baqiao.json: --evidence 中同一文件给了两次（第1个和第2个都是“evidence/baqiao.json”）'] },
      { argv: ['./evidence/baqiao.json', 'evidence/baqiao.json'], says: ['evidence/baqiao.json: --evidence 中第2个“evidence/baqiao.json”与第1个“./evidence/baqiao.json”是同一个文件'] },
      { argv: ['evidence/baqiao.json', 'baqiao-link.json'], says: ['baqiao-link.json: --evidence 中第2个“baqiao-link.json”与第1个“evidence/baqiao.json”是同一个文件'] },
      { argv: ['evidence/beilin.xlsx', 'beilin-copy.xlsx'], says: ['第2个“beilin-copy.xlsx”与第1个“evidence/beilin.xlsx”是同一个文件'] },
      // What the shell makes of `evidence/* evidence/baqiao.json`.
      { argv: ['evidence/beilin.xlsx', 'evidence/baqiao.json', 'evidence/baqiao.json'], says: ['（第2个和第3个都是“evidence/baqiao.json”）'] },
    ];
    for (const c of cases) {
      const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', ...c.argv, '--out', 'scores'], cwd);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain('同一文件重复给出：共1处问题');
      for (const s of c.says) expect(r.err).toContain(s);
      expect(r.err).toContain('同一文件只能给一次');
      expect(r.out).toBe('');
      expect(readdirSync(cwd)).not.toContain('scores');
    }
  });

  it('score --findings, and --json: one object with every repeat', async () => {
    const cwd = round();
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', 'evidence/baqiao.json', '--findings', 'findings.json', './findings.json', '--json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const body = JSON.parse(r.out);
    expect(body).toMatchObject({ ok: false, title: '同一文件重复给出' });
    expect(body.problems).toEqual([
      { place: 'evidence/baqiao.json', message: expect.stringContaining('--evidence 中同一文件给了两次') },
      { place: './findings.json', message: expect.stringContaining('--findings 中第2个“./findings.json”与第1个“findings.json”是同一个文件') },
    ]);
  });

  it('in every command that takes lists of files: sample, city, migrate, validate/diff --base', async () => {
    const cwd = round();
    const twice = ['evidence/baqiao.json', './evidence/baqiao.json'];
    const runs = [
      ['sample', '--units', 'baqiao', '--groups', '1', '--seed', '1', '--evidence', ...twice],
      ['city', '--ruleset', 'xian-2022/city', '--scores', 'evidence', '--evidence', ...twice, '--out', 'city'],
      ['migrate', '--from', 'xian-2022/district', '--to', 'xian-2023-example/district', '--evidence', ...twice, '--out', 'next'],
      ['validate', 'xian-2022/district', '--base', 'findings.json', 'findings.json'],
      ['diff', 'xian-2022/district', 'xian-2022/district', '--base', 'findings.json', 'findings.json'],
    ];
    for (const argv of runs) {
      const r = await cli(argv, cwd);
      expect(r.code, `${argv[0]}: ${r.err}`).toBe(1);
      expect(r.err).toContain('同一文件重复给出');
      expect(r.err).toMatch(/是同一个文件|同一文件给了两次/);
    }
    expect(readdirSync(cwd).sort()).toEqual(['evidence', 'findings.json']);
  });

  it('report --before the same folder as --scores is refused: a comparison of a round with itself', async () => {
    const cwd = dir();
    mkdirSync(join(cwd, 'scores'));
    const r = await cli(['report', '--scores', 'scores', '--before', './scores/', '--out', 'report.html'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('./scores/: --before“./scores/”与 --scores“scores”是同一个文件夹');
  });

  it('distinct files are never refused; every repeat is (a property over lists of names)', () => {
    const cwd = dir();
    const names = ['a.json', 'b.json', 'c.xlsx', 'd.json'];
    for (const n of names) writeFileSync(join(cwd, n), '{}');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }), fc.array(fc.boolean(), { maxLength: 8 }), (picks, dotted) => {
        const files = picks.map((p, i) => (dotted[i] === true ? `./${names[p]}` : (names[p] as string)));
        const problems = repeatedFiles('--evidence', files, cwd);
        expect(problems.length).toBe(files.length - new Set(picks).size);
        for (const p of problems) expect(p.message).toMatch(/^--evidence 中/);
      }),
    );
  });
});

describe('a blank template is scored as nothing provided, with a warning per unit (exit 0)', () => {
  it('an unfilled .xlsx and .json: 临潼区：未填写任何填报值，按未提供计分, on stderr and in --json', async () => {
    const cwd = dir();
    expect((await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'lintong', '--out', 'lintong.xlsx'], cwd)).code).toBe(0);
    expect((await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd)).code).toBe(0);
    copyFileSync(join(example, 'evidence/district/beilin.xlsx'), join(cwd, 'beilin.xlsx'));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'lintong.xlsx', 'yanta.json', 'beilin.xlsx'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('提醒：lintong.xlsx: 临潼区：未填写任何填报值，按未提供计分\n');
    expect(r.err).toContain('提醒：yanta.json: 雁塔区：未填写任何填报值，按未提供计分\n');
    expect(r.err).not.toContain('碑林区：未填写');
    const j = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'lintong.xlsx', 'yanta.json', 'beilin.xlsx', '--json'], cwd);
    expect(j.code).toBe(0);
    const body = JSON.parse(j.out);
    expect(body.warnings).toEqual(
      expect.arrayContaining([
        { place: 'lintong.xlsx', message: '临潼区：未填写任何填报值，按未提供计分' },
        { place: 'yanta.json', message: '雁塔区：未填写任何填报值，按未提供计分' },
      ]),
    );
    expect(body.warnings.filter((w: { message: string }) => w.message.includes('未填写任何填报值'))).toHaveLength(2);
  }, 60_000);

  it('shown with the errors of another file, so that both are fixed in one round', async () => {
    const cwd = dir();
    await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'lintong', '--out', 'lintong.json'], cwd);
    await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
    const yanta = JSON.parse((await import('node:fs')).readFileSync(join(cwd, 'yanta.json'), 'utf8'));
    yanta.items['3.1.1.1'].planFindings = -1;
    writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(yanta));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'lintong.json', 'yanta.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^佐证材料有问题（共2个文件）：共1处问题，另有1条提醒\n/);
    expect(r.err).toContain('  yanta.json#/items/3.1.1.1/planFindings: ');
    expect(r.err).toContain('  提醒：lintong.json: 临潼区：未填写任何填报值，按未提供计分\n');
  });
});

describe('--json for usage errors: one JSON object on stdout, exit 2', () => {
  const cases: Array<{ argv: string[]; message: string }> = [
    { argv: ['scroe', '--json'], message: '未知命令 scroe（是否想用 score？）' },
    { argv: ['score', '--ruleset', 'xian-2022/district', '--json'], message: '缺少必填选项 --evidence <files...>' },
    { argv: ['template', '--json', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'y.json', '--colour'], message: '未知选项 --colour' },
    { argv: ['score', '--ruleset', 'xian-2022/district', '--evidence', 'a.json', '--lang', 'fr', '--json'], message: '--lang <lang> 的取值“fr”无效，可选：zh、en' },
    { argv: ['validate', '--json'], message: '缺少参数 ruleset' },
    { argv: ['validate', 'xian-2022/district', 'extra', '--json'], message: '参数过多：应为1个，实际给了2个' },
    { argv: ['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'y.csv', '--json'], message: '--out 应以 .xlsx 或 .json 结尾，收到“y.csv”' },
    { argv: ['validate', 'xian-2021/district', '--json'], message: '未知的评价细则“xian-2021/district”' },
    { argv: ['sample', '--units', 'yanta', '--seed', 'abc', '--json'], message: '--seed 应为整数，收到“abc”' },
  ];
  for (const c of cases) {
    it(`safecity ${c.argv.join(' ')}`, async () => {
      const r = await cli(c.argv, dir());
      expect(r.code).toBe(2);
      expect(r.err).toBe('');
      const body = JSON.parse(r.out);
      expect(body).toEqual({ ok: false, error: { kind: 'usage', message: expect.stringContaining(c.message) } });
    });
  }
  it('without --json: the same message in Chinese on stderr, nothing on stdout', async () => {
    const r = await cli(['score', '--ruleset', 'xian-2022/district'], dir());
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('用法错误：缺少必填选项 --evidence <files...>\n用法见 safecity --help（或 safecity <命令> --help）。\n');
  });
  it('--help and --version still exit 0', async () => {
    expect((await cli(['--version'], dir())).code).toBe(0);
    expect((await cli(['score', '--help'], dir())).code).toBe(0);
  });
});

describe('messages to clerks in Chinese: a missing findings file is not a raw ENOENT', () => {
  it('score --findings missing.json', async () => {
    const cwd = round();
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--findings', 'missing.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toBe('无法读取核查发现：共1处问题\n  missing.json: 找不到该文件\n');
  });
  it('an .ods or .csv file: in Chinese, saying how to make an .xlsx of it', async () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'lintong.ods'), 'PK');
    writeFileSync(join(cwd, 'notes.txt'), 'x');
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'lintong.ods', 'notes.txt'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      [
        '佐证材料有问题（共2个文件）：共2处问题',
        '  lintong.ods: 不支持的佐证文件类型“.ods”：请提交 Excel 工作簿（.xlsx）或 JSON 文件（.json）；请用 WPS、Excel 或 LibreOffice 打开后另存为 Excel 工作簿（.xlsx）',
        '  notes.txt: 不支持的佐证文件类型“.txt”：请提交 Excel 工作簿（.xlsx）或 JSON 文件（.json）',
        '',
      ].join('\n'),
    );
  });
  it('the summary of score is in Chinese, with the rubric\'s title and unit names', async () => {
    const cwd = dir();
    cpSync(join(example, 'evidence/district/baqiao.json'), join(cwd, 'baqiao.json'));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'baqiao.json', '--out', 'scores'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）（xian-2022\/district 2\.0\.0）· 1个单位 · 采用填报值\d+项，未填\d+项\n/);
    expect(r.out).toMatch(/编号\s+单位\s+满分\s+得分\s+加分\s+总分\s+折算分\s+等次\nbaqiao\s+灞桥区\s+140/);
    expect(r.out).toContain('已将1份评分卡写入 scores\n');
  });
});
