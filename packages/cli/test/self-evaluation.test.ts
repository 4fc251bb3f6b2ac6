// Self-evaluations as `safecity report --self-scores` reads them, and `safecity self-template`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { readSelfScoreFiles } from '../src/self-evaluation.js';
import { InputProblems } from '../src/io.js';

function io(cwd: string) {
  let out = '';
  let err = '';
  return { io: { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd }, get: () => ({ out, err }) };
}
const dir = () => mkdtempSync(join(tmpdir(), 'safecity-self-'));

async function problems(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputProblems);
    return (e as InputProblems).problems.map((x) => `${x.place}: ${x.message}`);
  }
  throw new Error('expected problems');
}

describe('readSelfScoreFiles', () => {
  it('says a missing file in Chinese, not ENOENT', async () => {
    const d = dir();
    const msgs = await problems(readSelfScoreFiles(['self-scores.json'], io(d).io));
    expect(msgs).toEqual(['self-scores.json: 找不到自评文件：self-scores.json']);
    expect(msgs.join()).not.toContain('ENOENT');
  });

  it('reads the legacy form, the item-by-item JSON and a filled workbook together', async () => {
    const d = dir();
    writeFileSync(join(d, 'legacy.json'), JSON.stringify({ beilin: 80.5 }));
    writeFileSync(join(d, 'lintong.json'), JSON.stringify({ unit: 'lintong', ruleset: 'xian-2022/district', items: { '1.1.1': { score: 2, note: '已发文' } } }));
    const t = io(d);
    expect(await run(['self-template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta-self.xlsx'], t.io)).toBe(0);
    expect(t.get().out).toContain('雁塔区（yanta）');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(d, 'yanta-self.xlsx')) as unknown as ArrayBuffer);
    wb.getWorksheet('自评表')!.getCell('E4').value = 1.5;
    const id = String(wb.getWorksheet('自评表')!.getCell('A4').value);
    writeFileSync(join(d, 'yanta-self.xlsx'), new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    const r = await readSelfScoreFiles(['legacy.json', 'lintong.json', 'yanta-self.xlsx'], io(d).io);
    expect(r.selfScores).toEqual({ beilin: 80.5 });
    expect(r.selfEvaluations!.map((e) => [e.unit, e.items])).toEqual([
      ['lintong', { '1.1.1': { score: 2, note: '已发文' } }],
      ['yanta', { [id]: { score: 1.5 } }],
    ]);
  });

  it('lists every problem of every file with its place', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.json'), JSON.stringify({ beilin: 'high', yanta: 70 }));
    writeFileSync(join(d, 'b.json'), JSON.stringify({ unit: 'yanta', ruleset: 'xian-2022/district', items: { '1.1.1': { score: -1 } } }));
    writeFileSync(join(d, 'c.json'), '{ not json');
    const msgs = await problems(readSelfScoreFiles(['a.json', 'b.json', 'c.json', 'gone.xlsx'], io(d).io));
    expect(msgs[0]).toBe('a.json#/beilin: 自评得分应为数字，实际为 "high"');
    expect(msgs[1]).toBe('b.json#/items/1.1.1/score: 自评分不能为负数，实际为 -1');
    expect(msgs[2]).toMatch(/^c\.json: 不是有效的 JSON/);
    expect(msgs[3]).toBe('gone.xlsx: 找不到自评文件：gone.xlsx');
    // the same unit twice
    writeFileSync(join(d, 'b.json'), JSON.stringify({ unit: 'yanta', ruleset: 'xian-2022/district', items: {} }));
    writeFileSync(join(d, 'a.json'), JSON.stringify({ yanta: 70 }));
    // a total and an item-by-item self-evaluation of one unit go together; either twice does not
    expect((await readSelfScoreFiles(['a.json', 'b.json'], io(d).io)).selfEvaluations).toHaveLength(1);
    expect(await problems(readSelfScoreFiles(['a.json', 'b.json', 'b.json'], io(d).io))).toEqual(['b.json#/unit: 单位 yanta 的自评已在 b.json 中给出；每个单位只报送一份自评']);
  });
});

describe('safecity report --self-scores', () => {
  it('exits 1 with 找不到自评文件 for a missing file', async () => {
    const d = dir();
    // a scores folder with one card, so the command gets as far as the self scores
    const t = io(d);
    const ev = join(d, 'yanta.json');
    expect(await run(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', ev], t.io)).toBe(0);
    expect(await run(['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--out', 'scores'], t.io)).toBe(0);
    const r = io(d);
    const code = await run(['report', '--scores', 'scores', '--self-scores', 'self.json', 'missing.xlsx', '--out', 'report.html'], r.io);
    expect(code).toBe(1);
    expect(r.get().err).toContain('self.json: 找不到自评文件：self.json');
    expect(r.get().err).toContain('missing.xlsx: 找不到自评文件：missing.xlsx');
    expect(r.get().err).not.toContain('ENOENT');
  });
});
