import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceLayout, takesRegister, type CompiledRuleset, type EvidenceField, type FieldValue, type Unit } from '@safecity/engine';
import { jsonTemplate, parseJsonEvidence, readJsonEvidence } from '../src/index.js';
import { allTypes, rulesetFor, units } from './helpers.js';

type Json = Record<string, any>;

/** Random valid values of one field's type and range. */
function valueOf(f: EvidenceField): fc.Arbitrary<FieldValue> {
  switch (f.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: f.minimum ?? 0, max: f.maximum ?? 1_000_000 });
    case 'number':
      return fc
        .double({ min: f.minimum ?? -1e9, max: f.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true })
        .map((n) => (Object.is(n, -0) ? 0 : n));
    case 'rate':
      return fc.integer({ min: Math.ceil((f.minimum ?? 0) * 1000), max: Math.floor((f.maximum ?? 100) * 1000) }).map((n) => n / 1000);
    case 'date':
      return fc
        .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'enum':
      return fc.constantFrom(...(f.values ?? []));
    case 'documents':
      return fc.uniqueArray(
        fc.oneof(fc.string({ minLength: 1 }), fc.string({ minLength: 1, unit: 'binary' }), fc.constantFrom('安全生产责任制.pdf', '会议纪要（2022）.docx', 'a"b\\c/d')).filter((s) => s.trim() !== ''),
        { maxLength: 4 },
      );
  }
}

/** Where each of a layout's fields lives in the file. */
function places(rs: CompiledRuleset, u: Unit): Array<{ path: string[]; field: EvidenceField; item?: string }> {
  const layout = evidenceLayout(rs, u);
  return [
    ...layout.items.flatMap((it) => it.fields.map((f) => ({ path: ['items', it.id], field: f, item: it.id }))),
    ...layout.general.map((f) => ({ path: ['general'], field: f })),
  ];
}

/** For one unit: each field kept null, removed, or given a random value. */
function filling(rs: CompiledRuleset, u: Unit) {
  return fc.tuple(
    ...places(rs, u).map((p) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant<{ kind: 'null' }>({ kind: 'null' }) },
        { weight: 1, arbitrary: fc.constant<{ kind: 'absent' }>({ kind: 'absent' }) },
        { weight: 3, arbitrary: valueOf(p.field).map((value) => ({ kind: 'value' as const, value })) },
      ),
    ),
  );
}

function check(rs: CompiledRuleset, u: Unit, fill: ReadonlyArray<{ kind: 'null' } | { kind: 'absent' } | { kind: 'value'; value: FieldValue }>, format: { indent: number | string; bom: boolean; bytes: boolean }, registry?: readonly Unit[]) {
  const t = jsonTemplate(rs, u) as Json;
  const expected: Record<string, FieldValue> = {};
  const entries = new Map<string, 'accepted' | 'empty'>();
  const ps = places(rs, u);
  ps.forEach((p, i) => {
    const f = fill[i]!;
    const container = p.path.length === 2 ? t['items'][p.path[1]!] : t['general'];
    const ptr = `${u.id}.json#/${p.path.join('/')}/${p.field.name}`;
    if (f.kind === 'absent') delete container[p.field.name];
    else if (f.kind === 'null') entries.set(ptr, 'empty');
    else {
      container[p.field.name] = f.value;
      expected[p.field.name] = f.value;
      entries.set(ptr, 'accepted');
    }
  });
  let text = JSON.stringify(t, null, format.indent);
  if (format.bom) text = '\uFEFF' + text;
  const input = format.bytes ? new TextEncoder().encode(text) : text;
  const file = `${u.id}.json`;
  const r = parseJsonEvidence(input, registry !== undefined ? { file, ruleset: rs, units: registry } : { file, ruleset: rs });

  // No value lost, none invented.
  expect({ ...r.part.values }).toEqual(expected);
  expect(r.part.unit).toEqual(u);
  // Every field entry of the file has exactly one record, with the right status.
  expect(r.records).toHaveLength(entries.size);
  expect(new Map(r.records.map((x) => [x.place, x.status]))).toEqual(entries);
  for (const rec of r.records) expect(rec.unit).toBe(u.id);
  // Sources point at the value's pointer.
  expect(Object.keys(r.part.sources).sort()).toEqual(Object.keys(expected).sort());
  for (const p of ps) {
    if (expected[p.field.name] !== undefined) expect(r.part.sources[p.field.name]).toEqual([`${file}#/${p.path.join('/')}/${p.field.name}`]);
  }
  // The only warnings: register fields given without a register (one for the file), or nothing filled at all.
  const plainDocs = ps.filter((p) => takesRegister(p.field) && (expected[p.field.name] === true || (Array.isArray(expected[p.field.name]) && (expected[p.field.name] as string[]).length > 0)));
  const want = [];
  if (plainDocs.length > 0) want.push({ path: file, message: expect.stringContaining('佐证材料清单为空') });
  if (Object.keys(expected).length === 0) want.push({ path: file, message: expect.stringContaining('未填写任何填报值') });
  expect(r.warnings).toEqual(want);
  return r;
}

const formats = fc.record({ indent: fc.constantFrom(0, 2, '\t'), bom: fc.boolean(), bytes: fc.boolean() });

describe('round trip: template → random values → JSON text → parse', () => {
  it('keeps exactly the values written, for random units of both rubrics', () => {
    const arb = fc
      .constantFrom(...units)
      .chain((u) => fc.tuple(fc.constant(u), filling(rulesetFor(u), u), formats));
    fc.assert(
      fc.property(arb, ([u, fill, format]) => {
        check(rulesetFor(u), u, fill, format, units);
      }),
      { numRuns: 250 },
    );
  });

  it('keeps every field type (dates, enums, ranges, documents) of a test rubric', () => {
    const unitArb = fc.constantFrom<Unit>({ id: 'x', name: 'X区', kind: 'district' }, { id: 'y', name: 'Y县', kind: 'county' });
    const arb = unitArb.chain((u) => fc.tuple(fc.constant(u), filling(allTypes, u), formats));
    fc.assert(
      fc.property(arb, ([u, fill, format]) => {
        check(allTypes, u, fill, format);
      }),
      { numRuns: 300 },
    );
  });

  it('readJsonEvidence gives the bundle of several units, sorted, with every record', () => {
    const pick = fc.uniqueArray(fc.constantFrom(...units), { minLength: 1, maxLength: 4, selector: (u) => u.id }).filter((us) => new Set(us.map((u) => u.kind === 'municipal')).size === 1);
    fc.assert(
      fc.property(
        pick.chain((us) => fc.tuple(fc.constant(us), fc.tuple(...us.map((u) => filling(rulesetFor(u), u))))),
        ([us, fills]) => {
          const rs = rulesetFor(us[0]!);
          const files = us.map((u, k) => {
            const t = jsonTemplate(rs, u) as Json;
            const values: Record<string, FieldValue> = {};
            places(rs, u).forEach((p, i) => {
              const f = fills[k]![i]!;
              if (f.kind === 'value') {
                (p.path.length === 2 ? t['items'][p.path[1]!] : t['general'])[p.field.name] = f.value;
                values[p.field.name] = f.value;
              }
            });
            return { file: `${u.id}.json`, input: JSON.stringify(t), values };
          });
          const bundle = readJsonEvidence(files, { ruleset: rs, units });
          expect(bundle.ruleset).toEqual({ id: rs.id, version: rs.version, hash: rs.hash });
          expect(bundle.units.map((e) => e.unit.id)).toEqual(us.map((u) => u.id).sort());
          for (const f of files) expect({ ...bundle.units.find((e) => `${e.unit.id}.json` === f.file)!.values }).toEqual(f.values);
          const fieldsOf = (u: Unit) => places(rs, u).length;
          expect(bundle.records).toHaveLength(us.reduce((s, u) => s + fieldsOf(u), 0));
        },
      ),
      { numRuns: 40 },
    );
  });
});
