// Hostile evidence workbooks through the command (issue 14): over a limit of the bounded reader,
// `safecity score` ends with exit 1, the file and sheet named, the limit said, no stack trace and
// nothing written.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}
const example = fileURLToPath(new URL('../../../examples/xian-2022-city/', import.meta.url));
const beilin = new Uint8Array(readFileSync(join(example, 'evidence/district/beilin.xlsx')));

/** beilin.xlsx with its 评分项 sheet's XML edited. */
function hostile(edit: (xml: string) => string): Uint8Array {
  const parts = unzipSync(beilin);
  const wb = strFromU8(parts['xl/workbook.xml']!);
  const rel = /<sheet [^>]*name="评分项"[^>]*r:id="([^"]+)"/.exec(wb)![1]!;
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels']!);
  const target = (new RegExp(`<Relationship [^>]*Id="${rel}"[^>]*Target="([^"]+)"`).exec(rels) ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${rel}"`).exec(rels))![1]!;
  const path = 'xl/' + target.replace(/^\/?xl\//, '');
  return zipSync({ ...parts, [path]: strToU8(edit(strFromU8(parts[path]!))) }, { level: 1 });
}

const row = (r: number, text: string) => `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${text}</t></is></c></row>`;

describe('safecity score on a hostile workbook', () => {
  it('generated: too many rows, too long a text, too long an attribute: exit 1, beilin.xlsx named with the sheet or part and the limit, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('rows', 'text', 'attribute'), fc.integer({ min: 1, max: 500 }), async (kind, k) => {
        const bytes = hostile((xml) =>
          kind === 'rows'
            ? xml.replace('</sheetData>', `${Array.from({ length: 100_000 + k }, (_, i) => row(5000 + i, 'x')).join('')}</sheetData>`)
            : kind === 'text'
              ? xml.replace('</sheetData>', `${row(5000, 'a'.repeat(32_767 + k))}</sheetData>`)
              : xml.replace('</sheetData>', `<row r="5000" x="${'q'.repeat(300_000 + k)}"/></sheetData>`),
        );
        const cwd = mkdtempSync(join(tmpdir(), 'safecity-hostile-xlsx-'));
        mkdirSync(join(cwd, 'evidence'));
        writeFileSync(join(cwd, 'evidence/beilin.xlsx'), bytes);
        copyFileSync(join(example, 'evidence/district/baqiao.json'), join(cwd, 'evidence/baqiao.json'));
        const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/beilin.xlsx', 'evidence/baqiao.json', '--out', 'scores'], cwd);
        expect(r.code, r.err).toBe(1);
        expect(r.err).toContain('beilin.xlsx');
        expect(r.err).toContain(kind === 'rows' ? '评分项' : kind === 'text' ? '32767' : '超长的文本、名称或属性');
        expect(r.err).toContain(kind === 'rows' ? '有内容的行超过 100000 行' : '超出读取上限');
        expect(r.err).not.toMatch(/\n\s+at |internal error|RangeError|TypeError/);
        expect(r.err.split('\n').length).toBeLessThan(30);
        expect(readdirSync(cwd)).not.toContain('scores');
      }),
      { numRuns: 6 },
    );
  }, 300_000);
});
