/**
 * Hostile ledgers and self-evaluation workbooks (issue 14): they are read by evidence-excel's
 * bounded reader, so rows, cells, text and problems listed are capped as for evidence
 * workbooks; each attack, generated, ends in an EvidenceError naming the file (and sheet or
 * cell) with no stack trace. Written as raw zip and XML where exceljs cannot produce the attack.
 */
import fc from 'fast-check';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { EvidenceError, groupDigits } from '@safecity/engine';
import type { WorkbookLimits } from '@safecity/evidence-excel';
import { feedbackWorkbook, readLedger, readSelfEvaluation, selfEvaluationWorkbook } from '../src/index.js';
import { districtLarger, districtRs, feedbackCard, unit } from './helpers.js';

const ledger = await feedbackWorkbook(feedbackCard(), { ruleset: districtLarger, date: '2023-03-31' });
const selfEval = await selfEvaluationWorkbook(districtRs, unit('yanta'), { date: '2023-03-20' });

/** The zip part of a sheet, by its name. */
function sheetPath(parts: Record<string, Uint8Array>, name: string): string {
  const wb = strFromU8(parts['xl/workbook.xml']!);
  const rel = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="([^"]+)"`).exec(wb)![1]!;
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels']!);
  const target = new RegExp(`<Relationship [^>]*Id="${rel}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${rel}"`).exec(rels)![1]!;
  return 'xl/' + target.replace(/^\/?xl\//, '');
}

/** A workbook with rows appended to a sheet (or its shared strings edited), zipped again. */
function rewrite(bytes: Uint8Array, sheet: string, rows: string, shared?: (xml: string) => string): Uint8Array {
  const parts = unzipSync(bytes);
  const path = sheetPath(parts, sheet);
  const out: Record<string, Uint8Array> = { ...parts, [path]: strToU8(strFromU8(parts[path]!).replace('</sheetData>', `${rows}</sheetData>`)) };
  if (shared !== undefined) out['xl/sharedStrings.xml'] = strToU8(shared(parts['xl/sharedStrings.xml'] === undefined ? '<sst></sst>' : strFromU8(parts['xl/sharedStrings.xml'])));
  return zipSync(out, { level: 1 });
}

const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

async function refusal(p: Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EvidenceError);
    const issues = [...(e as EvidenceError).issues];
    for (const i of issues) {
      expect(i.message).not.toMatch(/\n\s+at |RangeError|TypeError|Maximum call stack/);
      expect(i.message.length).toBeLessThan(600);
    }
    return issues;
  }
  throw new Error('expected an EvidenceError');
}

const readL = (bytes: Uint8Array, limits?: WorkbookLimits) => readLedger(bytes, 'yanta.xlsx', limits === undefined ? {} : { limits });
const readS = (bytes: Uint8Array, limits?: WorkbookLimits) => readSelfEvaluation(bytes, 'yanta.xlsx', limits === undefined ? {} : { limits });

describe('a ledger and a self-evaluation workbook are read with the evidence reader’s limits', () => {
  it('generated: more rows with content than maxRows in the ledger’s list or the self-evaluation sheet: refused at the sheet, with the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 300, max: 2000 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom('ledger', 'self'), async (limit, over, which) => {
        const sheet = which === 'ledger' ? '意见反馈清单' : '自评表';
        const rows = Array.from({ length: limit + over }, (_, i) => `<row r="${5000 + i}">${cell(`A${5000 + i}`, 'x')}</row>`).join('');
        const bytes = rewrite(which === 'ledger' ? ledger : selfEval, sheet, rows);
        const issues = await refusal(which === 'ledger' ? readL(bytes, { maxRows: limit }) : readS(bytes, { maxRows: limit }));
        expect(issues).toEqual([{ path: `yanta.xlsx!${sheet}`, message: expect.stringContaining(`有内容的行超过 ${limit} 行`) }]);
      }),
      { numRuns: 8 },
    );
  });

  it('generated: a text longer than maxStringLength, inline or shared: refused with the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2000, max: 6000 }), fc.integer({ min: 1, max: 2000 }), fc.boolean(), fc.constantFrom('ledger', 'self'), async (limit, over, shared, which) => {
        const sheet = which === 'ledger' ? '意见反馈清单' : '自评表';
        const long = 'a'.repeat(limit + over);
        const bytes = shared
          ? rewrite(which === 'ledger' ? ledger : selfEval, sheet, '', (x) => x.replace('</sst>', `<si><t>${long}</t></si></sst>`))
          : rewrite(which === 'ledger' ? ledger : selfEval, sheet, `<row r="5000">${cell('A5000', long)}</row>`);
        const issues = await refusal(which === 'ledger' ? readL(bytes, { maxStringLength: limit }) : readS(bytes, { maxStringLength: limit }));
        expect(issues).toHaveLength(1);
        expect(issues[0]!.message).toContain(`超过 ${limit} 字`);
      }),
      { numRuns: 8 },
    );
  });

  it('a 20 MB shared string referenced by 4,000 cells: refused before any cell is read', async () => {
    const refs = Array.from({ length: 4000 }, (_, i) => `<row r="${5000 + i}"><c r="A${5000 + i}" t="s"><v>0</v></c></row>`).join('');
    const huge = 'a'.repeat(20 * 1024 * 1024);
    for (const [bytes, sheet, read] of [
      [ledger, '意见反馈清单', readL],
      [selfEval, '自评表', readS],
    ] as const) {
      const issues = await refusal(read(rewrite(bytes, sheet, refs, (x) => x.replace(/<si>/, `<si><t>${huge}</t></si><si>`))));
      expect(issues).toEqual([{ path: 'yanta.xlsx', message: expect.stringContaining('xl/sharedStrings.xml 中有超长的文本') }]);
    }
  });

  it('generated: n rows naming issues that were never issued: min(n, maxProblems) listed at their cells, then how many more', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 500 }), async (limit, n) => {
        const rows = Array.from({ length: n }, (_, i) => `<row r="${5000 + i}">${cell(`A${5000 + i}`, String(900 + i))}</row>`).join('');
        const issues = await refusal(readL(rewrite(ledger, '意见反馈清单', rows), { maxProblems: limit }));
        const listed = Math.min(n, limit);
        expect(issues.slice(0, listed).map((i) => i.path)).toEqual(Array.from({ length: listed }, (_, i) => `yanta.xlsx!意见反馈清单!A${5000 + i}`));
        if (n > limit) expect(issues[limit]).toEqual({ path: 'yanta.xlsx', message: expect.stringContaining(`还有 ${groupDigits(n - limit)} 处问题未逐一列出`) });
        expect(issues).toHaveLength(n > limit ? limit + 1 : n);
      }),
      { numRuns: 10 },
    );
  });

  it('a lone row at 1,048,576 costs one row; a row past Excel’s grid is refused', async () => {
    const issues = await refusal(readL(rewrite(ledger, '意见反馈清单', `<row r="1048576">${cell('A1048576', '999')}</row>`)));
    expect(issues).toEqual([{ path: 'yanta.xlsx!意见反馈清单!A1048576', message: expect.stringContaining('第1048576行的序号 999 不是本清单下发的问题') }]);
    const past = await refusal(readL(rewrite(ledger, '意见反馈清单', `<row r="1048577">${cell('A1048577', '999')}</row>`)));
    expect(past).toEqual([{ path: 'yanta.xlsx', message: expect.stringMatching(/工作簿已损坏.*超出 Excel 的范围/) }]);
  });

  it('long adversarial text in 销号日期, 责任人 and 自评分 (blanks around, a run of blanks inside): answered, the text quoted at most 40 characters', async () => {
    // The ledger's first issued row, found by its hidden key (column Q).
    const parts = unzipSync(ledger);
    const path = sheetPath(parts, '意见反馈清单');
    const xml = strFromU8(parts[path]!);
    const shared = [...strFromU8(parts['xl/sharedStrings.xml'] ?? strToU8('')).matchAll(/<si>(.*?)<\/si>/g)].map((m) => m[1]!);
    const keyCell = [...xml.matchAll(/<c r="Q(\d+)"[^>]*t="s"[^>]*><v>(\d+)<\/v><\/c>/g)].find((m) => /\|/.test(shared[Number(m[2])] ?? ''));
    const r = keyCell === undefined ? 5 : Number(keyCell[1]);
    const blanks = ' '.repeat(30_000);
    const edited = xml.replace(new RegExp(`<c r="P${r}"[^>]*?(/>|>.*?</c>)`), cell(`P${r}`, `2023-1-1${blanks}x`)).replace(new RegExp(`<c r="K${r}"[^>]*?(/>|>.*?</c>)`), cell(`K${r}`, `a${blanks}b`));
    const bytes = zipSync({ ...parts, [path]: strToU8(edited) }, { level: 1 });
    const issues = await refusal(readL(bytes));
    const closed = issues.find((i) => i.path === `yanta.xlsx!意见反馈清单!P${r}`);
    expect(closed?.message).toMatch(/“销号日期”应为日期.*…（共 30009 字）/);

    const selfRows = `<row r="5000">${cell('A5000', '1.1.1')}${cell('E5000', `1${blanks}x`)}</row>`;
    const got = await refusal(readS(rewrite(selfEval, '自评表', selfRows)));
    expect(got.some((i) => i.path === 'yanta.xlsx!自评表!A5000' || i.path === 'yanta.xlsx!自评表!E5000')).toBe(true);
    for (const i of got) expect(i.message.length).toBeLessThan(200);
  });
});
