// `safecity migrate`: last year's evidence (JSON and xlsx) carried over to a new edition that
// extends it, with a report of what did not carry over; then scored under the new edition.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}
const root = fileURLToPath(new URL('../../../', import.meta.url));
const evidence = (f: string) => join(root, 'examples/xian-2022-city/evidence/district', f);

/** 2.3.2 (逾期任务, overdueTasks, 2 points) retired; its 2 points go to a new item 2.3.3 on a new field; 1.1.1 renamed 1.1.0. */
const next = {
  id: 'xian-2022/district',
  version: '3.0.0',
  edition: 2023,
  title: { zh: '区县评价细则（2023）' },
  extends: { id: 'xian-2022/district', version: '2.0.0' },
  patch: [
    { op: 'remove', id: '2.3.2', reason: { zh: '逾期任务并入任务分工考核', en: 'overdue tasks merged into the task division' } },
    { op: 'remove-field', name: 'overdueTasks' },
    { op: 'add-field', field: { name: 'lifelineMonitoring', type: 'boolean', title: { zh: '城市生命线安全监测平台' } } },
    { op: 'add', parent: '2.3', node: { id: '2.3.3', title: { zh: '城市生命线安全工程' }, max: 2, scoring: { method: 'presence', params: { field: 'lifelineMonitoring' } } } },
    { op: 'rename', id: '1.1.1', to: '1.1.0' },
  ],
};

describe('migrate', () => {
  it('writes each unit\'s evidence for the new edition, the findings by new ids, and the report; the result scores', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-migrate-'));
    writeFileSync(join(cwd, 'next.json'), JSON.stringify(next));
    writeFileSync(join(cwd, 'findings.json'), JSON.stringify({
      baqiao: [
        { item: '1.1.1', source: 'data-check', type: 'deduction', points: 1, reason: '领导小组未调整' },
        { item: '2.3.2', source: 'data-check', type: 'deduction', points: 0.5, reason: '逾期任务1项' },
      ],
    }));
    const r = await cli(['migrate', '--from', 'xian-2022/district', '--to', 'next.json', '--evidence', evidence('baqiao.json'), evidence('beilin.xlsx'), '--findings', 'findings.json', '--out', 'out', '--json'], cwd);
    expect(r.code, r.err + r.out).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, from: { id: 'xian-2022/district', version: '2.0.0' }, to: { version: '3.0.0' }, units: 2, findingsCarried: 1, findingsNotCarried: 1 });
    const baqiao = j.reports.find((x: { unit: { id: string } }) => x.unit.id === 'baqiao');
    // overdueTasks went with 2.3.2; the new field is asked for.
    expect(baqiao.notCarried).toEqual([
      expect.objectContaining({ field: 'overdueTasks', reason: 'item-retired', items: ['2.3.2'], message: { zh: expect.stringContaining('评分项2.3.2在2023版中已删除（逾期任务并入任务分工考核）'), en: expect.any(String) } }),
    ]);
    expect(baqiao.missing.map((m: { field: string }) => m.field)).toContain('lifelineMonitoring');
    // Every value of last year is accounted for: carried or reported.
    const old = JSON.parse(readFileSync(evidence('baqiao.json'), 'utf8'));
    const reported = Object.values(old.items as Record<string, Record<string, unknown>>).flatMap((f) => Object.entries(f)).filter(([, v]) => v !== null).map(([k]) => k);
    const general = Object.entries((old.general ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null).map(([k]) => k);
    expect(new Set([...baqiao.carried.map((c: { from: string }) => c.from), ...baqiao.notCarried.map((n: { field: string }) => n.field)])).toEqual(new Set([...reported, ...general]));
    // The xlsx unit carries too, with its cells as sources.
    const beilin = j.reports.find((x: { unit: { id: string } }) => x.unit.id === 'beilin');
    expect(beilin.carried.length).toBeGreaterThan(50);

    for (const f of ['baqiao.json', 'beilin.xlsx', 'baqiao.evidence.schema.json', 'findings.json', 'migration.md', 'migration.json']) expect(existsSync(join(cwd, 'out', f)), f).toBe(true);
    // The unit that works in Excel gets next edition's workbook, pre-filled; no JSON for it.
    expect(existsSync(join(cwd, 'out/beilin.json'))).toBe(false);
    const doc = JSON.parse(readFileSync(join(cwd, 'out/baqiao.json'), 'utf8'));
    expect(doc.ruleset).toMatchObject({ id: 'xian-2022/district', version: '3.0.0' });
    expect(doc.items['1.1.0']).toEqual({ leadingGroupDoc: old.items['1.1.1'].leadingGroupDoc });
    expect(doc.items['2.3.3']).toEqual({ lifelineMonitoring: null });
    expect(doc.items['2.3.2']).toBeUndefined();
    expect(JSON.parse(readFileSync(join(cwd, 'out/findings.json'), 'utf8'))).toEqual({ baqiao: [{ item: '1.1.0', source: 'data-check', type: 'deduction', points: 1, reason: '领导小组未调整' }], beilin: [] });
    const md = readFileSync(join(cwd, 'out/migration.md'), 'utf8');
    expect(md).toContain('xian-2022/district 2.0.0 → xian-2022/district 3.0.0 · 2 个单位 units');
    expect(md).toContain('| `overdueTasks` |');
    expect(md).toContain('- #1 (2.3.2, data-check): 评分项2.3.2在2023版中已删除，核查意见不再适用');

    // The migrated files are evidence of the new edition: they score.
    const s = await cli(['score', '--ruleset', 'next.json', '--evidence', 'out/baqiao.json', 'out/beilin.xlsx', '--findings', 'out/findings.json', '--json'], cwd);
    expect(s.code, s.err + s.out).toBe(0);
    const scored = JSON.parse(s.out);
    expect(scored.ruleset).toMatchObject({ id: 'xian-2022/district', version: '3.0.0' });
    const card = scored.cards.find((c: { unit: { id: string } }) => c.unit.id === 'baqiao');
    const node = (id: string) => {
      const walk = (ns: Array<{ id: string; children?: unknown[] }>): { id: string; earned: number } | undefined => {
        for (const n of ns) {
          if (n.id === id) return n as { id: string; earned: number };
          const c = n.children ? walk(n.children as never) : undefined;
          if (c) return c;
        }
        return undefined;
      };
      return walk(card.nodes);
    };
    expect(node('2.3.3')?.earned).toBe(0); // nothing reported for the new item yet
    // The leading group's document: true, or (since the register) its complete register entries.
    const had = old.items['1.1.1'].leadingGroupDoc;
    expect(node('1.1.0')?.earned).toBe(had === true || (Array.isArray(had) && had.some((e: { number?: string }) => e.number !== undefined)) ? 1 : 0); // 2 − 1 on-site, carried to the renamed item
  });

  it('a unit that works in Excel gets its next workbook pre-filled with the same values, register and claims (fails on the old command: JSON only)', async () => {
    const { createEngine } = await import('@safecity/engine');
    const { district, units } = await import('@safecity/ruleset-xian-2022');
    const { parseWorkbook } = await import('@safecity/evidence-excel');
    const { excelTemplate } = await import('@safecity/evidence-excel/template');
    const rs = createEngine().compile(district);
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-migrate-'));
    // Last year's workbook with a register row and a 不适用 claim, as a clerk fills them.
    const before = await parseWorkbook(new Uint8Array(readFileSync(evidence('beilin.xlsx'))), { file: 'beilin.xlsx', ruleset: rs, units });
    const register = { policyDocs: [{ document: '安全发展规划', title: '碑林区安全发展规划（2021—2025年）', number: '碑政发〔2021〕8号', date: '2021-06-01' }] };
    const lastYear = { unit: before.part.unit, values: before.part.values, register, claims: { '1.4.1': '经费由市级统筹' } };
    const filled = await excelTemplate(rs, before.part.unit, { evidence: lastYear });
    writeFileSync(join(cwd, 'beilin.xlsx'), filled);
    const mid = await parseWorkbook(filled, { file: 'beilin.xlsx', ruleset: rs, units });
    const r = await cli(['migrate', '--from', 'xian-2022/district', '--to', 'xian-2022/district', '--evidence', 'beilin.xlsx', '--out', 'out', '--json'], cwd);
    expect(r.code, r.err + r.out).toBe(0);
    expect(JSON.parse(r.out).written).toContain('out/beilin.xlsx');
    const after = await parseWorkbook(new Uint8Array(readFileSync(join(cwd, 'out/beilin.xlsx'))), { file: 'beilin.xlsx', ruleset: rs, units });
    expect(after.part.values).toEqual(mid.part.values);
    // The registered document counts (named and numbered); the ticked ones are kept.
    expect([...(after.part.values['policyDocs'] as string[])].sort()).toEqual([...new Set([...(before.part.values['policyDocs'] as string[]), '安全发展规划'])].sort());
    expect(after.part.register).toEqual(register);
    expect(after.part.claims).toEqual({ '1.4.1': '经费由市级统筹' });
  });

  it('evidence of another edition than --from is refused with its file; a bad --to is reported with its place', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-migrate-'));
    const bad = { ...next, patch: [{ op: 'remove', id: '9.9.9' }] };
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify(bad));
    const r = await cli(['migrate', '--from', 'xian-2022/district', '--to', 'bad.json', '--evidence', evidence('baqiao.json'), '--out', 'out'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.json#/patch/0/id: no item or group "9.9.9" in xian-2022/district@2.0.0');
    writeFileSync(join(cwd, 'next.json'), JSON.stringify(next));
    const wrong = await cli(['migrate', '--from', 'xian-2022/municipal', '--to', 'next.json', '--evidence', evidence('baqiao.json'), '--out', 'out'], cwd);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('baqiao.json');
  });
});
