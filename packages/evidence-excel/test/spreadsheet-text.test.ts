/**
 * The template's text cells and its bytes: text from the ruleset, the unit and the evidence that
 * starts with a formula character (`=`, `+`, `-`, `@`, tab, CR) is never a formula in any sheet
 * (written with a leading `'`, the engine's spreadsheetText), reads back exactly as given, and
 * the same ruleset, unit and evidence give the same bytes whenever they are written.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { registerValue, type DocumentEntry, type Ruleset, type UnitEvidence } from '@safecity/engine';
import { unitById } from '@safecity/ruleset-xian-2022';
import { parseWorkbook } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, engine, load } from './helpers.js';
import registerRuleset from '../../engine/test/fixtures/register.ruleset.json' with { type: 'json' };

afterEach(() => {
  vi.useRealTimers();
});

/** Every text cell starting with a formula character, and every formula cell, of a workbook. */
async function formulaCells(bytes: Uint8Array): Promise<string[]> {
  const wb = await load(bytes);
  const found: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value;
        if (cell.type === ExcelJS.ValueType.Formula) found.push(`${ws.name}!${cell.address}: formula`);
        const text = typeof v === 'string' ? v : v !== null && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : undefined;
        if (text !== undefined && /^[=+\-@\t\r]/.test(text)) found.push(`${ws.name}!${cell.address}: ${JSON.stringify(text.slice(0, 30))}`);
      }),
    );
  return found;
}

const LEADS = ['=', '+', '-', '@', "'", '=HYPERLINK("http://evil.example","点此")', "=cmd|' /C calc'!A0", '@SUM(A1)', '+1+1', '-2'] as const;
const leadText = fc.tuple(fc.constantFrom(...LEADS), fc.constantFrom('文件', '雁政发〔2022〕3号', 'x', '')).map(([a, b]) => a + b);

/** A deep copy of ruleset JSON with `prefix` in front of every title (zh) and standard. */
function prefixed(json: unknown, prefix: string): Ruleset {
  // titles and reasons are { zh }: prefix their zh
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'title' || k === 'reason' || k === 'content') && x !== null && typeof x === 'object' && typeof (x as { zh?: unknown }).zh === 'string') out[k] = { ...x, zh: prefix + (x as { zh: string }).zh };
        else if (k === 'standard' && typeof x === 'string') out[k] = prefix + x;
        else out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(json) as Ruleset;
}

describe('no text cell of the template is a formula', () => {
  test('with formula-looking titles, standards and unit name (the whole district rubric), no cell in any sheet starts with = + - @ tab CR', async () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      const rs = engine.compile(prefixed(JSON.parse(JSON.stringify(districtRs.source)), `${lead}1+1 `));
      const bytes = await excelTemplate(rs, { id: 'yanta', name: `${lead}雁塔区`, kind: 'district' });
      expect(await formulaCells(bytes), JSON.stringify(lead)).toEqual([]);
    }
  }, 180_000);

  test('the untouched Xi’an template has none either', async () => {
    expect(await formulaCells(await excelTemplate(districtRs, unitById('yanta')!))).toEqual([]);
  }, 60_000);
});

describe('evidence starting with a formula character, pre-filled, reads back as given', () => {
  const REQUIRED = registerRuleset.tree[0]!.children[0]!.scoring.params.required as string[];
  const rs = engine.compile(registerRuleset as unknown as Ruleset);
  const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
  const entry = (docs: readonly string[]) =>
    fc.record(
      { document: fc.constantFrom(...docs), title: leadText, number: leadText, link: leadText, provider: leadText, contact: leadText },
      { requiredKeys: ['document', 'title'] },
    ) as fc.Arbitrary<DocumentEntry>;
  const evidence: fc.Arbitrary<UnitEvidence> = fc
    .record({ docs: fc.array(entry([...REQUIRED, '补充文件']), { minLength: 1, maxLength: 4 }), plain: fc.subarray(REQUIRED), claim: leadText.filter((t) => t !== '') })
    .map(({ docs, plain, claim }) => {
      const listed = new Set(docs.map((e) => e.document));
      return {
        unit,
        values: { policyDocs: registerValue({ type: 'documents' }, docs, plain.filter((d) => !listed.has(d))) },
        register: { policyDocs: docs },
        claims: { drill: claim },
      } as UnitEvidence;
    });
  const sorted = (v: unknown) => (Array.isArray(v) ? v.map((x) => JSON.stringify(x)).sort() : v);

  test('values, register and claims (property)', async () => {
    await fc.assert(
      fc.asyncProperty(evidence, async (e) => {
        const bytes = await excelTemplate(rs, unit, { evidence: e });
        expect(await formulaCells(bytes)).toEqual([]);
        const r = await parseWorkbook(bytes, { file: 'yanta.xlsx', ruleset: rs });
        expect(sorted(r.part.values['policyDocs'])).toEqual(sorted(e.values['policyDocs']));
        expect(sorted(r.part.register?.['policyDocs'])).toEqual(sorted(e.register!['policyDocs']));
        expect(r.part.claims).toEqual(e.claims);
      }),
      { numRuns: 20 },
    );
  }, 180_000);
});

describe('same input, same bytes', () => {
  test('the template written hours apart is byte for byte the same (fails on the old template: zip and property times)', async () => {
    const yanta = unitById('yanta')!;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2024, 5, 1, 10, 15, 1));
    const a = await excelTemplate(districtRs, yanta);
    vi.setSystemTime(new Date(2025, 0, 9, 21, 40, 8));
    const b = await excelTemplate(districtRs, yanta);
    vi.useRealTimers();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  }, 60_000);
});
