// The ledger over time: write it, fill it as a unit and the office would, read it back; errors at
// their file!Sheet!Cell; status against the re-scored round.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '@safecity/engine';
import { feedbackRows, feedbackWorkbook, quoteCell, readLedger, rectificationMarkdown, rectificationStatus, type LedgerProgress } from '../src/index.js';
import { districtLarger, feedbackCard } from './helpers.js';

const card = feedbackCard();
const OPTIONS = { ruleset: districtLarger, date: '2023-03-31' };
const written = await feedbackWorkbook(card, OPTIONS);

interface Fill {
  owner?: string;
  measures?: string;
  progress?: string;
  proof?: string;
  review?: string;
  closed?: Date | string;
}

/** Fill the ledger's unit and office columns by key, as Excel would store them; optionally reverse the data rows (a clerk's re-sort). */
async function fill(bytes: Uint8Array, by: Record<string, Fill>, opts: { reverse?: boolean; edit?: (wb: ExcelJS.Workbook) => void } = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  for (const name of ['意见反馈清单', '问题反馈清单']) {
    const ws = wb.getWorksheet(name)!;
    const data: number[] = [];
    ws.eachRow((r, n) => {
      if (n > 4 && typeof r.getCell(17).value === 'string') data.push(n);
    });
    if (opts.reverse === true && data.length > 1) {
      const values = data.map((n) => ws.getRow(n).values);
      data.forEach((n, i) => (ws.getRow(n).values = values[data.length - 1 - i] as ExcelJS.CellValue[]));
    }
    for (const n of data) {
      const row = ws.getRow(n);
      const f = by[String(row.getCell(17).value)];
      if (f === undefined) continue;
      if (f.owner !== undefined) row.getCell(11).value = quoteCell(f.owner);
      if (f.measures !== undefined) row.getCell(12).value = quoteCell(f.measures);
      if (f.progress !== undefined) row.getCell(13).value = f.progress;
      if (f.proof !== undefined) row.getCell(14).value = quoteCell(f.proof);
      if (f.review !== undefined) row.getCell(15).value = quoteCell(f.review);
      if (f.closed !== undefined) row.getCell(16).value = f.closed;
    }
  }
  opts.edit?.(wb);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

const keys = feedbackRows(card, OPTIONS).map((r) => r.key);

describe('readLedger', () => {
  it('reads back an unfilled ledger: the unit, the ruleset, every row blank', async () => {
    const l = await readLedger(written, 'out/yanta.xlsx');
    expect(l.file).toBe('yanta.xlsx');
    expect(l.unit).toEqual({ id: 'yanta', name: '雁塔区', kind: card.unit.kind });
    expect(l.ruleset).toMatchObject({ id: 'xian-2022/district', version: districtLarger.version, title: districtLarger.title.zh });
    expect(l.evidenceHash).toBe(card.evidenceHash);
    expect(l.rows.map((r) => r.key)).toEqual(keys);
    expect(l.rows.every((r) => r.owner === '' && r.progress === undefined && r.closed === undefined)).toBe(true);
    expect(l.rows.find((r) => r.itemId === '3.1.1.1')).toMatchObject({ rectification: 'deadline', due: '2023-04-30', points: 1.5, place: 'yanta.xlsx!意见反馈清单!A7' });
    expect(l.warnings).toEqual([]);
  });

  it('round-trips what the unit and the office fill in, even when the rows are re-sorted', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('=SUM(A1)', '+1', '-补做', '@x', "'引号", '第一行\n第二行', '消防站'.repeat(60)),
      fc.array(fc.constantFrom('整', '改', '措', '施', '，', 'a', '1', '\n'), { maxLength: 80 }).map((a) => a.join('')),
    ).map((s) => s.trim()).filter((s) => s === s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '') && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s));
    const day = fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000));
    const fillArb = fc.record(
      { owner: text, measures: text, progress: fc.constantFrom<LedgerProgress | ''>('', '未开始', '整改中', '已完成'), proof: text, review: text, closed: fc.option(day, { nil: undefined }) },
      { requiredKeys: ['owner', 'measures', 'progress', 'proof', 'review'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.tuple(...keys.map(() => fillArb)), fc.boolean(), async (fills, reverse) => {
        const by = Object.fromEntries(keys.map((k, i) => [k, fills[i]!]));
        const l = await readLedger(await fill(written, by, { reverse }), 'yanta.xlsx');
        expect(l.rows.map((r) => r.key)).toEqual(keys);
        for (const r of l.rows) {
          const f = by[r.key]!;
          expect([r.owner, r.measures, r.proof, r.review]).toEqual([f.owner, f.measures, f.proof, f.review]);
          expect(r.progress).toBe(f.progress === '' ? undefined : f.progress);
          expect(r.closed).toBe(f.closed?.toISOString().slice(0, 10));
        }
      }),
      { numRuns: 12 },
    );
  });

  it('accepts dates as clerks type them', async () => {
    const by = { [keys[0]!]: { closed: '2023年5月10日' }, [keys[2]!]: { closed: '2023/5/9' }, [keys[3]!]: { closed: '2023-05-08' } };
    const l = await readLedger(await fill(written, by), 'yanta.xlsx');
    expect([l.rows[0]!.closed, l.rows[2]!.closed, l.rows[3]!.closed]).toEqual(['2023-05-10', '2023-05-09', '2023-05-08']);
  });

  it('lists every problem at its file!Sheet!Cell, in Chinese, with the warnings', async () => {
    const bad = await fill(
      written,
      { [keys[0]!]: { progress: '差不多了' }, [keys[2]!]: { closed: '下周' } },
      {
        edit: (wb) => {
          const ws = wb.getWorksheet('问题反馈清单')!;
          ws.getRow(5).getCell(17).value = '9.9.9|x|onsite'; // a key not issued
          ws.getRow(6).getCell(12).value = { formula: 'A1&B1', result: 'x' } as ExcelJS.CellValue;
        },
      },
    );
    const e = await readLedger(bad, 'lintong.xlsx').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EvidenceError);
    const issues = (e as EvidenceError).issues;
    expect(issues).toEqual([
      { path: 'lintong.xlsx!意见反馈清单!M5', message: '“进度”应为未开始、整改中、已完成之一，发现“差不多了”' },
      { path: 'lintong.xlsx!意见反馈清单!P7', message: '“销号日期”应为日期（如 2023-05-20 或 2023年5月20日），发现“下周”' },
      { path: 'lintong.xlsx!问题反馈清单!Q5', message: expect.stringContaining('隐藏键“9.9.9|x|onsite”不是本台账下发的问题') },
      { path: 'lintong.xlsx!问题反馈清单!L6', message: '“整改措施”应填写文字，发现公式；请直接填写内容' },
    ]);
    // The row whose key was spoiled is not in the sheet any more: a warning, given with the errors.
    expect((e as EvidenceError).warnings.map((w) => w.path)).toEqual(['lintong.xlsx!问题反馈清单']);
    expect((e as EvidenceError).title).toBe('整改台账 lintong.xlsx 有 4 处问题');
  });

  it('refuses a workbook that is not a ledger, and a ledger of another unit', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('评分项');
    const e1 = await readLedger(new Uint8Array((await other.xlsx.writeBuffer()) as ArrayBuffer), 'x.xlsx').catch((x: unknown) => x);
    expect((e1 as EvidenceError).issues[0]).toMatchObject({ path: 'x.xlsx!_meta!A1', message: expect.stringContaining('不是 safecity 生成的问题整改台账') });
    const e2 = await readLedger(written, 'yanta.xlsx', { unit: 'lintong' }).catch((x: unknown) => x);
    expect((e2 as EvidenceError).issues).toEqual([{ path: 'yanta.xlsx!_meta!B2', message: '这是雁塔区的整改台账，不是所要的单位（lintong）的' }]);
    const e3 = await readLedger(new Uint8Array([1, 2, 3]), 'broken.xlsx').catch((x: unknown) => x);
    expect((e3 as EvidenceError).issues[0]!.path).toBe('broken.xlsx');
  });
});

describe('rectificationStatus', () => {
  it('says what is 销号, overdue, still deducted and new', async () => {
    const rows = feedbackRows(card, OPTIONS);
    const k = (id: string, list = 'data-check') => rows.find((r) => r.itemId === id && r.list === list && !r.superseded)!.key;
    const filled = await fill(written, {
      [k('1.1.1')]: { owner: '张三', progress: '已完成', review: '已核实', closed: new Date(Date.UTC(2023, 4, 10)) },
      [k('3.1.1.1')]: { owner: '李四', progress: '已完成' }, // still deducted below
      [k('3.2.2.17', 'onsite')]: { progress: '整改中' }, // 立行立改 due 4月7日: overdue on 5月20日
      [k('3.1.1.2', 'onsite')]: { progress: '已完成' },
    });
    const ledger = await readLedger(filled, 'yanta.xlsx');
    // The re-scored round: the same card (so 3.1.1.1 and the rest still lose points) but 1.1.1 fixed.
    const rescored = structuredClone(card);
    const strip = (nodes: typeof card.nodes): void => {
      for (const n of nodes) {
        if (n.id === '1.1.1' || n.id === '3.1.1.2') n.deductions = [];
        if (n.children) strip(n.children);
      }
    };
    strip(rescored.nodes);
    const s = rectificationStatus(ledger, rescored, { date: '2023-05-20', feedback: { ruleset: districtLarger } });
    const of = (id: string, list = 'data-check') => s.items.find((i) => i.row.itemId === id && i.row.list === list)!;
    expect(of('1.1.1')).toMatchObject({ state: '已销号', stillDeducted: false });
    expect(of('3.1.1.1')).toMatchObject({ state: '仍扣分', stillDeducted: true, pointsNow: 1.5, flag: '单位报已完成，复核仍扣分' });
    expect(of('3.2.2.17', 'onsite')).toMatchObject({ state: '逾期', daysOverdue: 43 });
    expect(of('3.1.1.2', 'onsite')).toMatchObject({ state: '待销号' });
    expect(s.counts).toMatchObject({ 已销号: 1, 仍扣分: 1, rows: 5, flagged: 1, added: 0 });
    const md = rectificationMarkdown(s);
    expect(md).toMatch(/^# 问题整改情况报告 · 雁塔区$/m);
    expect(md).toContain('- 复核日期：2023年5月20日');
    expect(md).toContain(`- 评价细则：${districtLarger.title.zh}`);
    expect(md.indexOf('## 逾期未整改')).toBeLessThan(md.indexOf('## 报已完成或已销号但复核仍扣分'));
    expect(md.indexOf('## 报已完成或已销号但复核仍扣分')).toBeLessThan(md.indexOf('## 已销号'));
    expect(md).toContain('逾期43天');
    expect(md).toContain('2023年5月10日');
    expect(md.slice(0, md.indexOf('## 附录'))).not.toContain('xian-2022/district'); // no ids in the body…
    expect(md.slice(md.indexOf('## 附录：数据来源与版本'))).toContain(card.evidenceHash); // …hashes only in the appendix
    expect(md.slice(0, md.indexOf('## 附录'))).not.toContain(card.evidenceHash);
  });

  it('names deductions the ledger does not have as new, and refuses another unit\'s card', async () => {
    const ledger = await readLedger(written, 'yanta.xlsx');
    const rescored = structuredClone(card);
    rescored.nodes[0]!.children![0]!.children![0]!.deductions!.push({ points: 0.5, reason: '新发现的问题', source: 'onsite', code: 'new-thing' } as never);
    const s = rectificationStatus(ledger, rescored, { date: '2023-04-01' });
    expect(s.added.map((a) => [a.itemId, a.reason])).toEqual([['1.1.1', '新发现的问题']]);
    const other = { ...structuredClone(card), unit: { id: 'lintong', name: '临潼区', kind: 'district' } };
    expect(() => rectificationStatus(ledger, other, { date: '2023-04-01' })).toThrow(/临潼区/);
    expect(() => rectificationStatus(ledger, card, { date: '5月20日' })).toThrow(/YYYY-MM-DD/);
    // Days a month does not have were read as the next month's (Date.parse rolls them over).
    for (const date of ['2023-02-29', '2023-02-30', '2023-04-31', '2023-06-31', '2023-13-01', '2023-00-10']) {
      expect(() => rectificationStatus(ledger, card, { date }), date).toThrow(`the status date must be YYYY-MM-DD, found "${date}"`);
    }
  });
});
