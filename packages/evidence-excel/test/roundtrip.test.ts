import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { CompiledRuleset, EvidenceField, FieldValue, Node, Unit } from '@safecity/engine';
import { units } from '@safecity/ruleset-xian-2022';
import { parseWorkbook } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, extraRs, extraUnit, fill, load, metaRows, type MetaRow } from './helpers.js';
import { municipalRs } from './helpers.js';

/** Required documents per per-missing field of a ruleset, straight from its JSON. */
function requiredLists(rs: CompiledRuleset): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (nodes: readonly Node[] | undefined) => {
    for (const n of nodes ?? []) {
      walk(n.children as Node[] | undefined);
      const p = n.scoring?.params as { field?: string; required?: string[] } | undefined;
      if (n.scoring?.method === 'per-missing' && p?.field && p.required) out.set(p.field, p.required);
    }
  };
  walk(rs.source.tree as Node[]);
  walk(rs.source.bonus?.items as Node[] | undefined);
  return out;
}

/** How a person might write a value into a cell. */
type Written = { value: unknown; numFmt?: string };

const DOC_NAMES = ['应急预案', '安全生产责任制', '《隐患排查办法》', 'Plan A', '考核办法（2023）', '值班制度'];

/** A valid value of a field, and the ways to write it. */
function valueArb(f: EvidenceField, required: string[] | undefined): fc.Arbitrary<{ value: FieldValue; write: Written[] }> {
  const yes = fc.constantFrom<unknown>('是', '是', '是', '√', 'Y', true);
  const no = fc.constantFrom<unknown>('否', '否', '否', '×', 'N', false);
  switch (f.type) {
    case 'boolean':
      return fc.boolean().chain((b) => (b ? yes : no).map((w) => ({ value: b, write: [{ value: w }] })));
    case 'integer':
      return fc
        .tuple(fc.integer({ min: f.minimum ?? 0, max: f.maximum ?? 5000 }), fc.constantFrom('number', 'text'))
        .map(([n, how]) => ({ value: n, write: [{ value: how === 'number' ? n : String(n) }] }));
    case 'number':
      return fc
        .integer({ min: Math.ceil((f.minimum ?? -1e6) * 100), max: Math.floor((f.maximum ?? 1e6) * 100) })
        .map((c) => c / 100)
        .map((n) => ({ value: n, write: [{ value: n }] }));
    case 'rate':
      return fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('number', 'percent-text', 'percent-cell')).map(([m, how]) => {
        const v = m / 1000;
        const w: Written = how === 'number' ? { value: v } : how === 'percent-text' ? { value: `${v}%` } : { value: v / 100, numFmt: '0.000%' };
        return { value: v, write: [w] };
      });
    case 'date':
      return fc
        .tuple(fc.integer({ min: Date.UTC(1990, 0, 1) / 864e5, max: Date.UTC(2099, 11, 31) / 864e5 }), fc.boolean())
        .map(([day, asDate]) => {
          const d = new Date(day * 864e5);
          const iso = d.toISOString().slice(0, 10);
          return { value: iso, write: [asDate ? { value: d, numFmt: 'yyyy-mm-dd' } : { value: iso }] };
        });
    case 'enum':
      return fc.constantFrom(...(f.values ?? [])).map((v) => ({ value: v, write: [{ value: v }] }));
    case 'documents':
      if (required !== undefined) {
        return fc.subarray(required).map((have) => ({ value: have, write: required.map((d) => ({ value: have.includes(d) ? '是' : '否' })) }));
      }
      return fc.uniqueArray(fc.constantFrom(...DOC_NAMES), { maxLength: 4 }).map((names) => ({ value: names, write: [{ value: names.length === 0 ? '无' : names.join('；') }] }));
  }
}

function caseArb(rs: CompiledRuleset, unitArb: fc.Arbitrary<Unit>) {
  const req = requiredLists(rs);
  const perField = Object.fromEntries(rs.fields.map((f) => [f.name, fc.option(valueArb(f, req.get(f.name)), { freq: 2, nil: undefined })]));
  return fc.record({ rubric: fc.constant(rs.id), unit: unitArb, fields: fc.record(perField) });
}

const RUBRICS: Record<string, CompiledRuleset> = { [districtRs.id]: districtRs, [municipalRs.id]: municipalRs, [extraRs.id]: extraRs };

const templates = new Map<string, Promise<{ bytes: Uint8Array; rows: MetaRow[] }>>();
function templateFor(rs: CompiledRuleset, unit: Unit) {
  const key = `${rs.id}|${unit.id}`;
  let t = templates.get(key);
  if (t === undefined) {
    t = excelTemplate(rs, unit).then(async (bytes) => ({ bytes, rows: metaRows(await load(bytes)) }));
    templates.set(key, t);
  }
  return t;
}

describe('round trip: template → filled as a person would → parse', () => {
  test('the values read back are exactly the values written (both 2022 rubrics, the extra field types)', async () => {
    const municipalUnits = units.filter((u) => u.kind === 'municipal');
    const districtUnits = units.filter((u) => u.kind !== 'municipal');
    const arb = fc.oneof(
      caseArb(districtRs, fc.constantFrom(...districtUnits)),
      caseArb(municipalRs, fc.constantFrom(...municipalUnits)),
      caseArb(extraRs, fc.constant(extraUnit)),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ rubric, unit, fields }) => {
        const rs = RUBRICS[rubric]!;
        const { bytes, rows } = await templateFor(rs, unit);
        const inFile = new Set(rows.map((r) => r.field));
        const expected: Record<string, FieldValue> = {};
        const filled = await fill(bytes, (wb) => {
          for (const [name, gen] of Object.entries(fields)) {
            if (gen === undefined || !inFile.has(name)) continue;
            expected[name] = gen.value;
            const mine = rows.filter((r) => r.field === name);
            mine.forEach((r, i) => {
              const w = gen.write[i];
              if (w === undefined) return;
              const cell = wb.getWorksheet(r.sheet)!.getCell(`G${r.row}`);
              cell.value = w.value as never;
              // After a load exceljs shares one style object between alike cells: copy before changing.
              if (w.numFmt) cell.style = { ...cell.style, numFmt: w.numFmt };
            });
          }
        });
        const res = await parseWorkbook(filled, { file: `${unit.id}.xlsx`, ruleset: rs, units: rs === extraRs ? [extraUnit] : units });
        expect(res.part.unit).toEqual({ id: unit.id, name: unit.name, kind: unit.kind });
        expect(res.part.values).toEqual(expected);
        // One record per row of 评分项 and 基本情况; the untouched 佐证材料清单 rows are all empty.
        expect(res.records.filter((r) => !r.place.includes('!佐证材料清单!'))).toHaveLength(rows.length);
        expect(res.records.filter((r) => r.place.includes('!佐证材料清单!')).every((r) => r.status === 'empty')).toBe(true);
        expect(res.records.some((r) => r.status === 'rejected')).toBe(false);
        for (const name of Object.keys(expected)) expect(res.part.sources[name]?.[0]).toMatch(new RegExp(`^${unit.id}\\.xlsx!(评分项|基本情况)!G\\d+$`));
        // The engine takes the values as they are.
        rs.score({ unit: res.part.unit, values: res.part.values });
      }),
      { numRuns: 50 },
    );
  }, 120_000);
});
