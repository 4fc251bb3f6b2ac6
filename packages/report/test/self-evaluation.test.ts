import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { EvidenceError, spreadsheetText } from '@safecity/engine';
import { cityReport, cityReportData, compareSelfEvaluation, parseSelfEvaluation, readSelfEvaluation, selfEvaluationWorkbook, unitSelfReport, SELF_SHEET, type SelfEvaluation } from '../src/index.js';
import { district, districtRs, generatedCard, unit } from './helpers.js';

const yanta = unit('yanta');
const items = districtRs.itemsFor(yanta);

/** Fill the template's 自评分 / 自评说明 cells (row by item id) and return the bytes. */
async function fill(bytes: Uint8Array, cells: Record<string, { score?: unknown; note?: string }>, edit?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(SELF_SHEET)!;
  ws.eachRow((row, r) => {
    if (r <= 3) return;
    const c = cells[String(row.getCell(1).value)];
    if (c === undefined) return;
    if (c.score !== undefined) row.getCell(5).value = c.score as ExcelJS.CellValue;
    // Stored as a spreadsheet stores typed text: Excel and WPS keep a typed leading `'` out of the
    // cell (it only marks text), so a stored `'` is the writer's quote, which the reader removes.
    if (c.note !== undefined) row.getCell(6).value = spreadsheetText(c.note);
  });
  edit?.(wb);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

async function problems(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceError);
    return (e as EvidenceError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected an error');
}

describe('the self-evaluation template', () => {
  it('lists the items that apply to the unit, as the engine scores them, with 分值 and 评分标准', async () => {
    const bytes = await selfEvaluationWorkbook(districtRs, yanta, { date: '2023-03-20' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(SELF_SHEET)!;
    expect(ws.getRow(3).values).toEqual([undefined, '评分项', '评分项名称', '分值', '评分标准', '自评分', '自评说明']);
    const ids: string[] = [];
    ws.eachRow((row, r) => {
      if (r > 3) ids.push(String(row.getCell(1).value));
    });
    expect(new Set(ids)).toEqual(new Set(items.map((i) => i.id)));
    const first = items.find((i) => !i.bonus)!;
    const row = ws.getRow(4);
    expect([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value, row.getCell(4).value]).toEqual([first.id, first.title.zh, first.max, first.standard]);
    expect(String(ws.getCell('A2').value)).toContain('西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）');
    expect(String(ws.getCell('A2').value)).toContain('2023年3月20日');
    expect(wb.getWorksheet('_meta')!.state).toBe('veryHidden');
  });

  it('reads back what was filled in: write, fill, read (property)', async () => {
    const template = await selfEvaluationWorkbook(districtRs, yanta);
    const base = items.filter((i) => !i.bonus).slice(0, 12);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: base.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ maxLength: 8 })), { maxLength: 6 }),
        async (entries) => {
          const cells: Record<string, { score: number; note: string }> = {};
          for (const [i, f, note] of entries) cells[base[i]!.id] = { score: Math.round(base[i]!.max * f * 100) / 100, note: note.trim() };
          const read = await readSelfEvaluation(await fill(template, cells), 'yanta-self.xlsx', { unit: 'yanta', ruleset: districtRs });
          expect(read.unit).toBe('yanta');
          expect(read.ruleset).toBe(districtRs.id);
          expect(read.version).toBe(districtRs.version);
          const expected = Object.fromEntries(Object.entries(cells).map(([id, c]) => [id, c.note === '' ? { score: c.score } : { score: c.score, note: c.note }]));
          expect(read.items).toEqual(expected);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('names every bad cell in Chinese, with file, sheet and cell', async () => {
    const template = await selfEvaluationWorkbook(districtRs, yanta);
    const [a, b, c] = items.filter((i) => !i.bonus);
    const bad = await fill(template, { [a!.id]: { score: '很好' }, [b!.id]: { score: b!.max + 1 }, [c!.id]: { score: -1 } }, (wb) => {
      wb.getWorksheet(SELF_SHEET)!.addRow(['9.9.9', '多出的一行', 1, '', 1, '']);
    });
    const msgs = await problems(readSelfEvaluation(bad, 'yanta-self.xlsx'));
    expect(msgs).toEqual([
      'yanta-self.xlsx!自评表!E4: 自评分应为数字，填写的是“很好”',
      `yanta-self.xlsx!自评表!E5: 自评分 ${b!.max + 1} 超过该项分值 ${b!.max}`,
      'yanta-self.xlsx!自评表!E6: 自评分不能为负数，填写的是 -1',
      `yanta-self.xlsx!自评表!A${4 + items.length}: 评分项“9.9.9”不在本单位适用的评分项中`,
    ]);
  });

  it('refuses another unit’s file, a workbook that is not a template, and bytes that are not a workbook', async () => {
    const beilin = await selfEvaluationWorkbook(districtRs, unit('beilin'));
    expect(await problems(readSelfEvaluation(beilin, 'beilin.xlsx', { unit: 'yanta' }))).toEqual(['beilin.xlsx!_meta: 这是“碑林区”的自评表，不是本单位的；请使用本单位的自评表']);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1');
    const plain = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    expect((await problems(readSelfEvaluation(plain, 'x.xlsx')))[0]).toMatch(/^x\.xlsx: 不是自评表模板/);
    expect((await problems(readSelfEvaluation(new TextEncoder().encode('{"a":1}'), 'x.xlsx')))[0]).toMatch(/^x\.xlsx: 不是 \.xlsx 工作簿/);
  });
});

describe('the JSON form', () => {
  it('reads { unit, ruleset, items } and names bad values by JSON pointer', () => {
    const ok = parseSelfEvaluation({ unit: 'yanta', ruleset: 'xian-2022/district', items: { '1.1.1': { score: 2, note: '已发文' }, '1.1.2': { score: 1.5 } } }, 'yanta.json', { ruleset: districtRs });
    expect(ok).toEqual({ unit: 'yanta', ruleset: 'xian-2022/district', items: { '1.1.1': { score: 2, note: '已发文' }, '1.1.2': { score: 1.5 } } });
    let err: unknown;
    try {
      parseSelfEvaluation({ unit: 'yanta', ruleset: 'xian-2022/district', items: { '1.1.1': { score: '2' }, '1.1.2': { score: 9 }, 'x/y': { score: 1 }, '1.2.1': { score: -1 } } }, 'yanta.json', { ruleset: districtRs });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EvidenceError);
    expect((err as EvidenceError).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'yanta.json#/items/1.1.1/score: 自评分应为数字，实际为 "2"',
      'yanta.json#/items/1.1.2/score: 自评分 9 超过该项分值 3',
      'yanta.json#/items/x~1y: 评分项“x/y”不在本单位适用的评分项中',
      'yanta.json#/items/1.2.1/score: 自评分不能为负数，实际为 -1',
    ]);
    expect(() => parseSelfEvaluation({ yanta: 80 }, 'old.json')).toThrow(EvidenceError);
    expect(() => parseSelfEvaluation({ unit: 'beilin', ruleset: 'xian-2022/district', items: {} }, 'b.json', { unit: 'yanta' })).toThrow(EvidenceError);
  });
});

describe('the unit’s 单位自评报告 and the city report’s comparison', () => {
  const card = generatedCard('yanta', 0.7, 3);
  const leaves: { id: string; max: number; earned: number; reasons: string[] }[] = [];
  const walk = (ns: typeof card.nodes): void => {
    for (const n of ns) {
      if (n.children?.length) walk(n.children);
      else leaves.push({ id: n.id, max: n.max, earned: n.earned, reasons: (n.deductions ?? []).map((d) => d.reason) });
    }
  };
  walk(card.nodes);
  const deducted = leaves.find((l) => l.earned < l.max && l.reasons.length > 0)!;
  const full = leaves.find((l) => l.earned === l.max && l.max > 0)!;
  const self: SelfEvaluation = {
    unit: 'yanta',
    ruleset: card.ruleset.id,
    items: { [deducted.id]: { score: deducted.max, note: '我们认为已完成' }, [full.id]: { score: full.max } },
  };

  it('compares item by item and explains a difference by the deduction reasons', () => {
    const cmp = compareSelfEvaluation(card, self);
    expect(cmp.over).toBe(1);
    expect(cmp.under).toBe(0);
    const row = cmp.rows.find((r) => r.id === deducted.id)!;
    expect(row.difference).toBeCloseTo(deducted.max - deducted.earned, 6);
    const md = unitSelfReport(card, self, { ruleset: district, date: '2023-03-25' });
    expect(md).toMatch(/^# 雁塔区单位自评报告$/m);
    expect(md).toContain('评价细则：西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区） · 2023年3月25日');
    expect(md).toContain('## 二、自评高于评估的评分项');
    const line = md.split('\n').find((l) => l.startsWith(`| ${deducted.id} |`))!;
    expect(line).toContain(deducted.reasons[0]!.slice(0, 8));
    expect(md).not.toContain('xian-2022');
  });

  it('adds the item comparison to the city report', () => {
    const data = cityReportData([card], { rulesets: [district], selfEvaluations: [self, { unit: 'elsewhere', ruleset: 'x', items: {} }] });
    expect(data.selfItems!.overRated).toBe(1);
    expect(data.selfItems!.withoutCard).toEqual(['elsewhere']);
    const { markdown } = cityReport([card], { rulesets: [district], selfEvaluations: [self], date: '2023-04-28' });
    expect(markdown).toMatch(/## 附件\d　自评与评估逐项对比/);
    expect(markdown).toContain('1 个单位报送了逐项自评');
    expect(markdown).toMatch(new RegExp(`\\| 雁塔区 \\| [^|]+ \\| [^|]+ \\| \\+[0-9.]+ \\| 1 \\| 0 \\| ${deducted.id.replace(/\./g, '\\.')} `));
  });
});
