// `safecity ledger`: filled ledgers read back against the re-scored round; the report's counts
// and lines, exit codes, and bad files named at their file!Sheet!Cell.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Finding, ScoreCard } from '@safecity/engine';
import { district, units } from '@safecity/ruleset-xian-2022';
import { feedbackRows, feedbackWorkbook, readLedger } from '@safecity/report';
import { run } from '../src/index.js';
import { districtRs, generateValues, unit } from '../../report/test/helpers.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

const DATE = '2023-03-31';
const values = (seed: number) => generateValues(districtRs, 1, seed);
const f = (item: string, source: 'data-check' | 'onsite', points: number, reason: string): Finding => ({ item, source, type: 'deduction', points, reason });

// Round 1: full evidence, four findings of the checks. 1.1.1, 2.4.2 and 3.2.2.17 are 立行立改
// (due 4月7日), 3.1.1.2 限期整改 30 days (due 4月30日).
const ROUND1 = [
  f('1.1.1', 'data-check', 0.5, '领导小组成员调整后未重新发文'),
  f('2.4.2', 'data-check', 0.3, '台账资料未按月归档'),
  f('3.1.1.2', 'onsite', 0.5, '现场抽查2个建设项目未开展安全评估'),
  f('3.2.2.17', 'onsite', 0.4, '高层建筑消防通道堵塞2处'),
];
const score = (id: string, findings: Finding[], seed = 7): ScoreCard => districtRs.score({ unit: unit(id), values: values(seed) }, { findings });
const yanta1 = score('yanta', ROUND1);
const lintong1 = score('lintong', ROUND1.slice(0, 2), 8);
// Round 2 (复核): 1.1.1 and 2.4.2 fixed; 3.1.1.2 still found; 3.2.2.17 not re-checked; one new problem.
const yanta2 = score('yanta', [ROUND1[2]!, f('1.2.1', 'data-check', 0.5, '安全生产委员会未按季度召开会议')]);
const lintong2 = score('lintong', [], 8);

const options = { ruleset: district, units, date: DATE };
const keyOf = (card: ScoreCard, item: string) => feedbackRows(card, options).find((r) => r.itemId === item && !r.superseded)!.key;

/** Fill the unit's and the office's columns (K–P) of the rows with these keys, as clerks would. */
async function filled(card: ScoreCard, by: Record<string, [owner: string, progress: string, closed?: Date | string]>, edit?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await feedbackWorkbook(card, options)) as never);
  const keys = Object.fromEntries(Object.entries(by).map(([item, v]) => [keyOf(card, item), v]));
  for (const ws of wb.worksheets)
    ws.eachRow((row) => {
      const v = keys[String(row.getCell(17).value)];
      if (v === undefined) return;
      row.getCell(11).value = v[0];
      row.getCell(12).value = '已整改';
      row.getCell(13).value = v[1];
      if (v[2] !== undefined) {
        row.getCell(15).value = '复核通过';
        row.getCell(16).value = v[2];
      }
    });
  edit?.(wb);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

async function round(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'safecity-ledger-'));
  mkdirSync(join(cwd, 'filled'));
  mkdirSync(join(cwd, 'scores2'));
  writeFileSync(join(cwd, 'scores2', 'yanta.scorecard.json'), JSON.stringify(yanta2));
  writeFileSync(
    join(cwd, 'filled', 'yanta.xlsx'),
    await filled(yanta1, {
      '1.1.1': ['张三', '已完成', new Date(Date.UTC(2023, 4, 10))],
      '2.4.2': ['李四', '已完成', '2023年5月12日'],
      '3.1.1.2': ['王五', '已完成'], // reported done, still deducted on re-check
      '3.2.2.17': ['赵六', '整改中'], // due 4月7日: overdue on 5月20日
    }),
  );
  return cwd;
}

describe('safecity ledger', () => {
  it('reads back a filled ledger against the re-scored card: counts, the report, exit 0', async () => {
    const cwd = await round();
    const r = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'report/rectification.md'], cwd);
    expect(r.code, r.err).toBe(0);
    // scores2 is written by hand (no safecity-manifest.json): read whole, with that one warning.
    expect(r.err).toBe('提醒：scores2: 没有 safecity-manifest.json（评分卡为手工放入或由旧版本写出）：已读取其中全部1份评分卡，无法核对是否齐全、是否被改动；用 safecity score --out 重新写出可核对\n');
    expect(r.out).toBe(
      '雁塔区: 4 项 · 已销号 2 · 逾期 1 · 仍扣分 1 · 待销号 0 · 整改中 0 · 未开始 0 · 长期坚持 0 · 新增 1\n' +
        '已写出 1 个单位的问题整改情况报告：report/rectification.md\n',
    );
    const md = readFileSync(join(cwd, 'report', 'rectification.md'), 'utf8');
    const lines = md.split('\n');
    expect(lines[0]).toBe('# 问题整改情况报告 · 雁塔区');
    expect(lines).toContain('- 复核日期：2023年5月20日');
    expect(lines).toContain(`- 评价细则：${district.title.zh}`);
    expect(md).toContain('共 4 项问题：已销号 2 项，逾期 1 项，报已完成或已销号但仍扣分 1 项，已完成待销号 0 项，整改中 0 项，未开始 0 项，长期坚持 0 项；复核新增问题 1 项。');
    // Overdue first, then still deducted, then closed, then the new problems.
    const at = (h: string) => lines.indexOf(h);
    expect(at('## 逾期未整改（1 项）')).toBeGreaterThan(0);
    expect(at('## 逾期未整改（1 项）')).toBeLessThan(at('## 报已完成或已销号但复核仍扣分（1 项）'));
    expect(at('## 报已完成或已销号但复核仍扣分（1 项）')).toBeLessThan(at('## 已销号（2 项）'));
    expect(at('## 已销号（2 项）')).toBeLessThan(at('## 复核新增问题（1 项）'));
    const row = (item: string) => lines.find((l) => l.includes(`| ${item} `))!;
    expect(row('3.2.2.17')).toMatch(/^\| 问题反馈清单 \| \d+ \| 3\.2\.2\.17 .*\| 高层建筑消防通道堵塞2处 \| 0\.4 \| 立行立改 \| 2023年4月7日 \| 赵六 \| 整改中 \|  \|  \| 逾期43天 \|$/);
    expect(row('3.1.1.2')).toMatch(/\| 0\.5 \| 限期整改 \| 2023年4月30日 \| 王五 \| 已完成 \|  \|  \| 单位报已完成，复核仍扣分；复核扣0\.5分 \|$/);
    expect(row('1.1.1')).toMatch(/\| 立行立改 \| 2023年4月7日 \| 张三 \| 已完成 \| 复核通过 \| 2023年5月10日 \|  \|$/);
    expect(row('2.4.2')).toMatch(/\| 李四 \| 已完成 \| 复核通过 \| 2023年5月12日 \|  \|$/);
    expect(row('1.2.1')).toMatch(/^\| 意见反馈清单 \| 1\.2\.1 .*\| 安全生产委员会未按季度召开会议 \| 0\.5 \|$/);
    expect(md).toContain('## 附录：数据来源与版本');
    expect(md).toContain(`| 雁塔区 | yanta.xlsx | 2023年3月31日 | xian-2022/district ${district.version} | ${yanta1.evidenceHash} | ${yanta2.evidenceHash} |`);

    const j = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md', '--json'], cwd);
    expect(j.code, j.err).toBe(0);
    const body = JSON.parse(j.out);
    expect(body).toMatchObject({ ok: true, date: '2023-05-20', written: ['r.md'], warnings: [] });
    expect(body.units[0].counts).toMatchObject({ rows: 4, 已销号: 2, 逾期: 1, 仍扣分: 1, added: 1, flagged: 1 });
    expect(body.units[0].items.map((i: { row: { itemId: string }; state: string }) => `${i.row.itemId} ${i.state}`).sort()).toEqual(['1.1.1 已销号', '2.4.2 已销号', '3.1.1.2 仍扣分', '3.2.2.17 逾期']);
    // Before any row fell due nothing is overdue: 3.2.2.17 is 整改中.
    const early = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores2', '--date', '2023-04-05', '--out', 'early.md', '--json'], cwd);
    expect(JSON.parse(early.out).units[0].counts).toMatchObject({ 逾期: 0, 整改中: 1 });
  }, 60_000);

  it('feedback --date dates the issued ledger, and each row’s 整改时限 counts from it', async () => {
    const cwd = await round();
    const r = await cli(['feedback', '--scores', 'scores2', '--out', 'fb', '--date', '2023-06-01'], cwd);
    expect(r.code, r.err).toBe(0);
    const l = await readLedger(readFileSync(join(cwd, 'fb', 'yanta.xlsx')), 'yanta.xlsx');
    expect(l.date).toBe('2023-06-01');
    expect(l.rows.find((x) => x.itemId === '3.1.1.2')).toMatchObject({ rectification: 'deadline', due: '2023-07-01' });
    expect((await cli(['feedback', '--scores', 'scores2', '--out', 'fb', '--date', '6月1日'], cwd)).code).toBe(2);
  });

  it('several units: a summary table, one section each', async () => {
    const cwd = await round();
    writeFileSync(join(cwd, 'scores2', 'lintong.scorecard.json'), JSON.stringify(lintong2));
    writeFileSync(join(cwd, 'filled', 'lintong.xlsx'), await filled(lintong1, { '1.1.1': ['孙七', '已完成', '2023-05-08'] }));
    const r = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', 'filled/lintong.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'all.md'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('临潼区: 2 项 · 已销号 1 · 逾期 1 · 仍扣分 0');
    const md = readFileSync(join(cwd, 'all.md'), 'utf8').split('\n');
    expect(md[0]).toBe('# 问题整改情况报告');
    expect(md).toContain('| 雁塔区 | 4 | 2 | 1 | 1 | 0 | 0 | 0 | 0 | 1 |');
    expect(md).toContain('| 临潼区 | 2 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('## 临潼区');
  }, 60_000);

  it('bad ledgers: exit 1, every problem at its file!Sheet!Cell, the warnings too, no stack', async () => {
    const cwd = await round();
    writeFileSync(
      join(cwd, 'filled', 'bad.xlsx'),
      await filled(yanta1, { '1.1.1': ['张三', '差不多了'], '2.4.2': ['李四', '已完成', '下周'] }, (wb) => {
        const ws = wb.getWorksheet('问题反馈清单')!;
        ws.eachRow((row, n) => {
          if (n > 4 && String(row.getCell(17).value) === keyOf(yanta1, '3.2.2.17')) row.getCell(17).value = '9.9.9|x|onsite';
        });
      }),
    );
    writeFileSync(join(cwd, 'notes.txt'), '整改情况');
    const r = await cli(['ledger', '--ledgers', 'filled/bad.xlsx', 'notes.txt', 'missing.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('整改台账有问题（共3个文件）：共5处问题，另有1条提醒\n');
    // the warning of the same file after the errors, so that both are fixed in one round
    expect(r.err).toMatch(/\n {2}提醒：bad\.xlsx!问题反馈清单: 下发的第\d+项（3\.2\.2\.17 .*）不在台账中（行被删除？），按未填写处理\n/);
    expect(r.err).toMatch(/ {2}bad\.xlsx!意见反馈清单!M\d+: “进度”应为未开始、整改中、已完成之一，发现“差不多了”\n/);
    expect(r.err).toMatch(/ {2}bad\.xlsx!意见反馈清单!P\d+: “销号日期”应为日期（如 2023-05-20 或 2023年5月20日），发现“下周”\n/);
    expect(r.err).toMatch(/ {2}bad\.xlsx!问题反馈清单!Q\d+: 第\d+行的隐藏键“9\.9\.9\|x\|onsite”不是本台账下发的问题/);
    expect(r.err).toContain('  notes.txt: 整改台账应为下发的 .xlsx 文件，发现“.txt”\n');
    expect(r.err).toContain('  missing.xlsx: 文件不存在\n');
    expect(r.err).not.toMatch(/\n\s+at /);
    const j = await cli(['ledger', '--ledgers', 'filled/bad.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md', '--json'], cwd);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.objectContaining({ place: expect.stringMatching(/^bad\.xlsx!意见反馈清单!M\d+$/) })]) });
  }, 60_000);

  it('refuses a ledger without a re-scored card, the same file twice, two ledgers of one unit, a bad date', async () => {
    const cwd = await round();
    writeFileSync(join(cwd, 'filled', 'lintong.xlsx'), await filled(lintong1, {}));
    const none = await cli(['ledger', '--ledgers', 'filled/lintong.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md'], cwd);
    expect(none.code).toBe(1);
    expect(none.err).toContain('  lintong.xlsx!_meta: 这是临潼区的整改台账，但 scores2 中没有临潼区的复核评分卡（lintong.scorecard.json）');
    const twice = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', 'filled/../filled/yanta.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md'], cwd);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('  filled/../filled/yanta.xlsx: 同一台账文件给了两次（已作为 filled/yanta.xlsx 读取）');
    writeFileSync(join(cwd, 'filled', 'yanta-copy.xlsx'), readFileSync(join(cwd, 'filled', 'yanta.xlsx')));
    const copy = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', 'filled/yanta-copy.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md'], cwd);
    expect(copy.code).toBe(1);
    expect(copy.err).toContain('  filled/yanta-copy.xlsx: 与 filled/yanta.xlsx 是同一单位（雁塔区）的整改台账：每个单位只给一份');
    const other = structuredClone(yanta2);
    other.ruleset = { ...other.ruleset, id: 'xian-2022/municipal' };
    mkdirSync(join(cwd, 'scores3'));
    writeFileSync(join(cwd, 'scores3', 'yanta.scorecard.json'), JSON.stringify(other));
    const rs = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores3', '--date', '2023-05-20', '--out', 'r.md'], cwd);
    expect(rs.code).toBe(1);
    expect(rs.err).toContain('scores3/yanta.scorecard.json: 雁塔区的复核评分卡按 xian-2022/municipal 评分，而整改台账 yanta.xlsx 按 xian-2022/district 下发');
    const date = await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores2', '--date', '5月20日', '--out', 'r.md'], cwd);
    expect(date.code).toBe(2);
    expect(date.err).toContain('--date 应为日期，写作 YYYY-MM-DD（复核日期，如 2023-05-20）');
    expect((await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores2', '--date', '2023-02-30', '--out', 'r.md'], cwd)).code).toBe(2);
    expect((await cli(['ledger', '--ledgers', 'filled/yanta.xlsx', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.pdf'], cwd)).code).toBe(2);
    expect((await cli(['ledger', '--scores', 'scores2', '--date', '2023-05-20', '--out', 'r.md'], cwd)).code).toBe(2);
  }, 60_000);
});
