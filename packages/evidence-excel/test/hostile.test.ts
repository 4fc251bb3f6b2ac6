/**
 * Hostile workbooks (issue 14): generated families of attacks on the reader, written as raw zip
 * and XML where exceljs cannot produce them. Each must end in an EvidenceError naming the file
 * (and the sheet where the limit is a sheet's) and the limit, with no stack trace, having built
 * little: rows, cells, text and markup are counted while the XML streams.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { unzipSync, zipSync, strToU8, strFromU8 } from 'fflate';
import { EvidenceError, groupDigits } from '@safecity/engine';
import { unitById, units } from '@safecity/ruleset-xian-2022';
import { parseWorkbook, type WorkbookLimits } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, extraRs, extraUnit, load, metaRows, rowOf, type MetaRow } from './helpers.js';

const yanta = unitById('yanta')!;
const F = 'yanta.xlsx';
let template: Uint8Array;
let rows: MetaRow[];
let parts: Record<string, Uint8Array>;
/** The index of a cell style with a number format, appended to the template's styles by the test that uses it. */
let styleWithFormat = 0;

beforeAll(async () => {
  template = await excelTemplate(districtRs, yanta);
  rows = metaRows(await load(template));
  parts = unzipSync(template);
  styleWithFormat = (strFromU8(parts['xl/styles.xml']!).split('<cellXfs')[1]!.split('</cellXfs>')[0]!.match(/<xf /g) ?? []).length;
});

/** The zip part of a sheet, by its name (through workbook.xml and its relationships). */
function sheetPath(name: string): string {
  const wb = strFromU8(parts['xl/workbook.xml']!);
  const rel = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="([^"]+)"`).exec(wb)![1]!;
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels']!);
  const target = new RegExp(`<Relationship [^>]*Id="${rel}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${rel}"`).exec(rels)![1]!;
  return 'xl/' + target.replace(/^\/?xl\//, '');
}

/** The template with some parts' XML rewritten, zipped again. */
function rewrite(edit: Record<string, (xml: string) => string>): Uint8Array {
  const out: Record<string, Uint8Array> = { ...parts };
  for (const [path, fn] of Object.entries(edit)) out[path] = strToU8(fn(path in parts ? strFromU8(parts[path]!) : ''));
  return zipSync(out, { level: 1 });
}

/** Rows (XML) appended to a sheet's data, after its last row. */
const appendRows = (xml: string, extra: string) => xml.replace('</sheetData>', `${extra}</sheetData>`);

const ITEMS = () => sheetPath('评分项');

async function refusal(bytes: Uint8Array, limits?: WorkbookLimits): Promise<{ path: string; message: string }[]> {
  try {
    await parseWorkbook(bytes, { file: F, ruleset: districtRs, units, ...(limits === undefined ? {} : { limits }) });
  } catch (err) {
    expect(err).toBeInstanceOf(EvidenceError);
    const issues = [...(err as EvidenceError).issues];
    for (const i of issues) {
      // A message for a person: no stack trace, no JavaScript error names, bounded length.
      expect(i.message).not.toMatch(/\n\s+at |RangeError|TypeError|Maximum call stack/);
      expect(i.message.length).toBeLessThan(600);
    }
    return issues;
  }
  throw new Error('expected the workbook to be refused');
}

/** Largest resident set this process reached, in MB (a delta bounds what the work in between added). */
const peakMb = () => process.resourceUsage().maxRSS / 1024;

const inlineRow = (r: number, text: string) => `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${text}</t></is></c></row>`;

describe('rows and cells are counted while the sheet streams', () => {
  test('generated: more rows with content than maxRows, in 评分项 or 佐证材料清单, refused naming the file, the sheet and the limit', async () => {
    await fc.assert(
      // Above the template's own rows in every sheet (_meta has under 200), so the sheet named is the one grown.
      fc.asyncProperty(fc.integer({ min: 400, max: 3000 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom('评分项', '佐证材料清单'), async (limit, over, sheet) => {
        const path = sheetPath(sheet);
        const extra = Array.from({ length: limit + over }, (_, i) => inlineRow(5000 + i, 'x')).join('');
        const issues = await refusal(rewrite({ [path]: (x) => appendRows(x, extra) }), { maxRows: limit });
        expect(issues).toHaveLength(1);
        expect(issues[0]!.path).toBe(`${F}!${sheet}`);
        expect(issues[0]!.message).toContain(`有内容的行超过 ${limit} 行`);
      }),
      { numRuns: 12 },
    );
  });

  test('generated: more cells than maxCells (cells, formatted cells, merged ranges) refused with the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.constantFrom('cells', 'styled', 'merges'), async (k, kind) => {
        const limit = 4000 * k;
        const n = limit + 100;
        let extra = '';
        let tail = '';
        if (kind === 'cells') extra = Array.from({ length: Math.ceil(n / 10) }, (_, i) => `<row r="${5000 + i}">${Array.from({ length: 10 }, (_, c) => `<c t="b"><v>1</v></c>`).join('')}</row>`).join('');
        else if (kind === 'styled') extra = Array.from({ length: Math.ceil(n / 10) }, (_, i) => `<row r="${5000 + i}">${Array.from({ length: 10 }, () => `<c s="${styleWithFormat}"/>`).join('')}</row>`).join('');
        else tail = Array.from({ length: n }, (_, i) => `<mergeCell ref="M${5000 + i}:N${5000 + i}"/>`).join('');
        const bytes = rewrite({
          // A cell style with a number format (a formatted empty cell is kept for its format).
          'xl/styles.xml': (x) => x.replace('</cellXfs>', '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'),
          [ITEMS()]: (x) => {
            let y = appendRows(x, extra);
            if (tail !== '') y = y.includes('</mergeCells>') ? y.replace('</mergeCells>', `${tail}</mergeCells>`) : y.replace('</sheetData>', `</sheetData><mergeCells>${tail}</mergeCells>`);
            return y;
          },
        });
        const issues = await refusal(bytes, { maxCells: limit, maxRows: 1_000_000 });
        expect(issues).toHaveLength(1);
        expect(issues[0]!.path).toBe(`${F}!评分项`);
        expect(issues[0]!.message).toContain(`超过 ${limit} 个`);
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  test('a million rows appended to 评分项 (the 1.8 GB case): refused at the default limit, the peak memory bounded', async () => {
    const parts1: string[] = [];
    for (let r = 5000; r < 1_005_000; r++) parts1.push(inlineRow(r, 'x'));
    const bytes = rewrite({ [ITEMS()]: (x) => appendRows(x, parts1.join('')) });
    parts1.length = 0;
    const before = peakMb();
    const issues = await refusal(bytes);
    expect(issues).toEqual([{ path: `${F}!评分项`, message: expect.stringContaining('有内容的行超过 100000 行') }]);
    // The old reader built every row (1.8 GB); this one stops at the limit, having read the part once.
    expect(peakMb() - before).toBeLessThan(700);
  }, 300_000);

  test('a sparse row at 1,048,576 costs one row; one past Excel’s grid, a column past XFD, or a 4-letter column is refused at the sheet', async () => {
    // Within the grid: a row outside the template, reported at its cell; nothing else is built.
    const ok = rewrite({ [ITEMS()]: (x) => appendRows(x, `<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>`) });
    const issues = await refusal(ok);
    expect(issues).toEqual([{ path: `${F}!评分项!A1048576`, message: expect.stringContaining('第 1048576 行是模板外新增的行') }]);
    for (const [row, cell] of [
      ['1048577', 'A1048577'],
      ['5000', 'XFE5000'],
      ['5000', 'AAAA5000'],
      ['5000', 'A'.repeat(5000) + '5000'],
      ['5000', 'A0'],
      ['99999999999', 'A5000'],
    ] as const) {
      const bad = rewrite({ [ITEMS()]: (x) => appendRows(x, `<row r="${row}"><c r="${cell}" t="inlineStr"><is><t>x</t></is></c></row>`) });
      const got = await refusal(bad);
      expect(got).toHaveLength(1);
      expect(got[0]!.path).toBe(F);
      expect(got[0]!.message).toMatch(/工作簿已损坏/);
      expect(got[0]!.message).toMatch(/行号|单元格地址/);
      expect(got[0]!.message.length).toBeLessThan(300);
    }
  });
});

describe('decoded text is bounded: one string, the shared table, the text cells refer to', () => {
  test('generated: a shared string, an inline string or a formula longer than maxStringLength is refused with the limit', async () => {
    await fc.assert(
      // Above the template's own longest string (255 characters).
      fc.asyncProperty(fc.integer({ min: 300, max: 5000 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom('shared', 'inline', 'formula', 'runs'), async (limit, over, where) => {
        const long = 'a'.repeat(limit + over);
        const r = rowOf(rows, 'leadershipMeetings').row;
        const edit: Record<string, (xml: string) => string> = {};
        if (where === 'shared') edit['xl/sharedStrings.xml'] = (x) => x.replace('</sst>', `<si><t>${long}</t></si></sst>`);
        else if (where === 'runs') edit['xl/sharedStrings.xml'] = (x) => x.replace('</sst>', `<si>${Array.from({ length: 10 }, () => `<r><t>${'b'.repeat(Math.ceil((limit + over) / 10))}</t></r>`).join('')}</si></sst>`);
        else
          edit[ITEMS()] = (x) =>
            x.replace(
              new RegExp(`<c r="G${r}"([^>]*?)(/>|>.*?</c>)`),
              where === 'inline' ? `<c r="G${r}" t="inlineStr"><is><t>${long}</t></is></c>` : `<c r="G${r}"><f>${'1+'.repeat(Math.ceil((limit + over) / 2))}1</f><v>3</v></c>`,
            );
        const issues = await refusal(rewrite(edit), { maxStringLength: limit });
        expect(issues).toHaveLength(1);
        expect(issues[0]!.message).toContain(`超过 ${limit} 字`);
        expect(issues[0]!.path).toBe(where === 'shared' || where === 'runs' ? F : `${F}!评分项`);
      }),
      { numRuns: 16 },
    );
  });

  test('a 20 MB shared string referenced by 4,000 cells (the 4 GB case): refused before any cell is read', async () => {
    const before = peakMb();
    const huge = 'a'.repeat(20 * 1024 * 1024);
    const refs = Array.from({ length: 4000 }, (_, i) => `<row r="${5000 + i}"><c r="A${5000 + i}" t="s"><v>0</v></c></row>`).join('');
    const bytes = rewrite({
      'xl/sharedStrings.xml': (x) => x.replace(/<si>/, `<si><t>${huge}</t></si><si>`),
      [ITEMS()]: (x) => appendRows(x, refs),
    });
    const issues = await refusal(bytes);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(F);
    expect(issues[0]!.message).toContain('xl/sharedStrings.xml 中有超长的文本');
    expect(peakMb() - before).toBeLessThan(700);
  }, 120_000);

  test('generated: strings within the length limit, referenced by many cells, over maxTextLength: refused at the sheet', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1000, max: 8000 }), fc.integer({ min: 20, max: 200 }), async (len, copies) => {
        const limit = 300_000;
        fc.pre(len * copies > limit);
        const refs = Array.from({ length: copies }, (_, i) => `<row r="${5000 + i}"><c r="A${5000 + i}" t="s"><v>0</v></c></row>`).join('');
        const bytes = rewrite({
          'xl/sharedStrings.xml': (x) => x.replace(/<si>/, `<si><t>${'字'.repeat(len)}</t></si><si>`),
          [ITEMS()]: (x) => appendRows(x, refs),
        });
        const issues = await refusal(bytes, { maxTextLength: limit });
        expect(issues).toHaveLength(1);
        expect(issues[0]!.path).toMatch(new RegExp(`^${F}(!评分项|!_meta|!佐证材料清单)?$`));
        expect(issues[0]!.message).toContain(`文本总量超过 ${limit} 字`);
      }),
      { numRuns: 8 },
    );
  });

  test('generated: more shared strings than maxSharedStrings, more sheets than maxSheets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 10, max: 2000 }), async (limit) => {
        const many = Array.from({ length: limit + 1 }, (_, i) => `<si><t>s${i}</t></si>`).join('');
        const issues = await refusal(rewrite({ 'xl/sharedStrings.xml': (x) => x.replace('</sst>', `${many}</sst>`) }), { maxSharedStrings: limit + 0 });
        expect(issues).toEqual([{ path: F, message: expect.stringContaining(`超过 ${limit} 个字符串`) }]);
      }),
      { numRuns: 6 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 7, max: 300 }), async (limit) => {
        const sheets = Array.from({ length: limit }, (_, i) => `<sheet name="s${i}" sheetId="${100 + i}" r:id="rIdX${i}"/>`).join('');
        const issues = await refusal(rewrite({ 'xl/workbook.xml': (x) => x.replace('</sheets>', `${sheets}</sheets>`) }), { maxSheets: limit });
        expect(issues).toEqual([{ path: F, message: expect.stringContaining(`工作表超过 ${limit} 个`) }]);
      }),
      { numRuns: 6 },
    );
  });
});

describe('markup the XML parser would build into one string is refused before parsing', () => {
  test('generated: a long attribute value, a long element or attribute name, a long comment or CDATA, in any part read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 300_000, max: 700_000 }),
        fc.constantFrom('attribute', 'element', 'attrName', 'comment', 'cdata', 'text'),
        fc.constantFrom('items', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml', '_meta'),
        async (n, kind, where) => {
          const blob = 'q'.repeat(n);
          const inject =
            kind === 'attribute'
              ? `<x a="${blob}"/>`
              : kind === 'element'
                ? `<${blob}/>`
                : kind === 'attrName'
                  ? `<x ${blob}="1"/>`
                  : kind === 'comment'
                    ? `<!--${blob}<${blob}-->`
                    : kind === 'cdata'
                      ? `<x><![CDATA[${blob}<${blob}]]></x>`
                      : `<x>${blob}</x>`;
          const path = where === 'items' ? ITEMS() : where === '_meta' ? sheetPath('_meta') : where;
          // Just inside the root element, after its opening tag.
          const bytes = rewrite({ [path]: (x) => x.replace(/(<\?xml[^>]*\?>\s*<[^!?][^>]*>)/, `$1${inject}`) });
          const issues = await refusal(bytes);
          expect(issues).toHaveLength(1);
          expect(issues[0]!.message).toContain('中有超长的文本、名称或属性');
          expect(issues[0]!.message).toContain(path);
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);

  test('deep nesting (200,000 levels) inside a sheet and the shared strings: no stack overflow, an answer', async () => {
    const deep = '<x>'.repeat(200_000) + '</x>'.repeat(200_000);
    for (const path of [ITEMS(), 'xl/sharedStrings.xml']) {
      const bytes = rewrite({ [path]: (x) => x.replace(/(<\?xml[^>]*\?>\s*<[^!?][^>]*>)/, `$1${deep}`) });
      try {
        const r = await parseWorkbook(bytes, { file: F, ruleset: districtRs, units });
        expect(r.part.unit.id).toBe('yanta');
      } catch (err) {
        expect(err).toBeInstanceOf(EvidenceError);
        expect(String((err as EvidenceError).issues[0]!.message)).not.toMatch(/Maximum call stack/);
      }
    }
  });
});

describe('problems listed: at most maxProblems, then how many more', () => {
  test('generated: n bad rows give min(n, limit) problems with their cells and one line counting the rest', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 3000 }), async (limit, n) => {
        const extra = Array.from({ length: n }, (_, i) => inlineRow(5000 + i, 'x')).join('');
        const bytes = rewrite({ [ITEMS()]: (x) => appendRows(x, extra) });
        if (n === 0) {
          await parseWorkbook(bytes, { file: F, ruleset: districtRs, units, limits: { maxProblems: limit } });
          return;
        }
        const issues = await refusal(bytes, { maxProblems: limit });
        const listed = Math.min(n, limit);
        expect(issues.slice(0, listed).map((i) => i.path)).toEqual(Array.from({ length: listed }, (_, i) => `${F}!评分项!A${5000 + i}`));
        if (n > limit) {
          expect(issues).toHaveLength(limit + 1);
          expect(issues[limit]).toEqual({ path: F, message: expect.stringContaining(`还有 ${groupDigits(n - limit)} 处问题未逐一列出（每个工作簿只列出前 ${limit} 处）`) });
        } else expect(issues).toHaveLength(n);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  test('90,000 bad rows: 100 listed, then “还有 89900 处”', async () => {
    const extra = Array.from({ length: 90_000 }, (_, i) => inlineRow(5000 + i, 'x')).join('');
    const issues = await refusal(rewrite({ [ITEMS()]: (x) => appendRows(x, extra) }));
    expect(issues).toHaveLength(101);
    expect(issues[100]!.message).toContain('还有 89,900 处问题未逐一列出');
  }, 120_000);
});

describe('cell text that made patterns backtrack is read in linear time', () => {
  const adversarial = (n: number) => [
    '1' + ' '.repeat(n) + 'x',
    ' '.repeat(n) + 'x',
    '1' + '\u3000'.repeat(n) + '%x',
    '2023' + ' '.repeat(n) + '-',
    '1,' + '000,'.repeat(n / 4) + 'x',
    '；'.repeat(n) + ' '.repeat(n) + 'x',
    'a' + ' '.repeat(n) + 'b；' + ' '.repeat(n) + 'c',
  ];
  test('long adversarial strings in every kind of 填报值 cell and in the register: answered (vitest’s timeout bounds it)', async () => {
    const n = 15_000; // the longest string here is 2n + 3 characters, under the 32,767 of one cell
    const fields = ['leadershipMeetings', 'hazmatMonitoringRate', 'leadingGroupDoc'];
    for (const text of adversarial(n)) {
      const r = rowOf(rows, fields[text.length % fields.length]!).row;
      const bytes = rewrite({
        [ITEMS()]: (x) => x.replace(new RegExp(`<c r="G${r}"([^>]*?)(/>|>.*?</c>)`), `<c r="G${r}" t="inlineStr"><is><t>${text}</t></is></c>`),
      });
      const issues = await refusal(bytes);
      expect(issues[0]!.path).toBe(`${F}!评分项!G${r}`);
      expect(issues[0]!.message).toMatch(/…（共 \d+ 字）/);
    }
  }, 120_000);

  test('a shared formula of 30,000 characters like a-a-a-… moved to a value cell: read, its formula clipped in the warning', async () => {
    const r = rowOf(rows, 'leadershipMeetings').row;
    const f = 'a-'.repeat(15_000) + 'A1';
    // The master: right of the template's columns on the first data row (before G's row, as Excel orders them).
    const r0 = Math.min(...rows.filter((m) => m.sheet === '评分项').map((m) => m.row));
    const bytes = rewrite({
      [ITEMS()]: (x) =>
        x
          .replace(new RegExp(`(<row r="${r0}"[^>]*>.*?)</row>`), `$1<c r="Z${r0}"><f t="shared" ref="Z${r0}:Z${r0 + 1}" si="7">${f}</f><v>3</v></c></row>`)
          .replace(new RegExp(`<c r="G${r}"([^>]*?)(/>|>.*?</c>)`), `<c r="G${r}"><f t="shared" si="7"/><v>3</v></c>`),
    });
    const got = await parseWorkbook(bytes, { file: F, ruleset: districtRs, units });
    expect(got.part.values['leadershipMeetings']).toBe(3);
    const w = got.warnings.find((x) => x.path === `${F}!评分项!G${r}`);
    expect(w?.message).toMatch(/是公式（=a-a-a-.*…（共 \d+ 字）），已按文件中保存的计算结果 "3" 读取/);
    expect(w!.message.length).toBeLessThan(300);
  });
});

describe('numbers and dates at the edges', () => {
  test('1e999999 as a number cell and as text: each a problem at its cell, no crash', async () => {
    const r1 = rowOf(rows, 'leadershipMeetings').row;
    const r2 = rowOf(rows, 'hazmatMonitoringRate').row;
    const bytes = rewrite({
      [ITEMS()]: (x) =>
        x
          .replace(new RegExp(`<c r="G${r1}"([^>]*?)(/>|>.*?</c>)`), `<c r="G${r1}"><v>1e999999</v></c>`)
          .replace(new RegExp(`<c r="G${r2}"([^>]*?)(/>|>.*?</c>)`), `<c r="G${r2}" t="inlineStr"><is><t>1e999999</t></is></c>`),
    });
    const issues = await refusal(bytes);
    expect(issues).toEqual([
      { path: `${F}!评分项!G${r1}`, message: expect.stringContaining('数值超出范围') },
      { path: `${F}!评分项!G${r2}`, message: expect.stringContaining('实为"1e999999"') },
    ]);
  });

  test('generated: a serial too large for a date under a date format, in a date field: a problem at its cell saying it is not a valid date', async () => {
    const extra = await excelTemplate(extraRs, extraUnit);
    const xp = unzipSync(extra);
    const r = rowOf(metaRows(await load(extra)), 'planIssued').row;
    const wb = strFromU8(xp['xl/workbook.xml']!);
    const rel = /<sheet [^>]*name="评分项"[^>]*r:id="([^"]+)"/.exec(wb)![1]!;
    const rels = strFromU8(xp['xl/_rels/workbook.xml.rels']!);
    const target = (new RegExp(`<Relationship [^>]*Id="${rel}"[^>]*Target="([^"]+)"`).exec(rels) ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${rel}"`).exec(rels))![1]!;
    const path = 'xl/' + target.replace(/^\/?xl\//, '');
    const styles = strFromU8(xp['xl/styles.xml']!);
    const dateStyle = (styles.split('<cellXfs')[1]!.split('</cellXfs>')[0]!.match(/<xf /g) ?? []).length;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('1e20', '1e300', '1e999999', '-1e20', '3e15'), async (v) => {
        const bytes = zipSync(
          {
            ...xp,
            'xl/styles.xml': strToU8(styles.replace('</cellXfs>', '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>')),
            [path]: strToU8(strFromU8(xp[path]!).replace(new RegExp(`<c r="G${r}"([^>]*?)(/>|>.*?</c>)`), `<c r="G${r}" s="${dateStyle}"><v>${v}</v></c>`)),
          },
          { level: 1 },
        );
        let got: Array<{ path: string; message: string }> = [];
        try {
          await parseWorkbook(bytes, { file: F, ruleset: extraRs });
        } catch (err) {
          expect(err).toBeInstanceOf(EvidenceError);
          got = [...(err as EvidenceError).issues];
        }
        expect(got).toEqual([{ path: `${F}!评分项!G${r}`, message: expect.stringMatching(/应为日期.*实为(无效日期|数值超出范围)|错误值 数值超出范围/) }]);
      }),
      { numRuns: 5 },
    );
  });
});
