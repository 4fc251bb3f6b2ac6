// The example 2023 edition: both patches compile on the 2022 rubrics, keep their totals, say
// exactly what they add, move, retire and rename, and keep the municipal conventions.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { createEngine, EvidenceError, toMilli, type CompiledRuleset, type Node, type Ruleset } from '@safecity/engine';
import * as xian2022 from '@safecity/ruleset-xian-2022';
import { district, municipal, rulesets, bases, units, unitById, rulesetFor } from '../src/index.js';

const read = (f: string) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8'));
const engine = createEngine();
const compiled = {
  district: engine.compile(district, { bases }),
  municipal: engine.compile(municipal, { bases }),
};
const last = { district: engine.compile(xian2022.district), municipal: engine.compile(xian2022.municipal) };

function* nodesOf(nodes: readonly Node[]): Generator<Node> {
  for (const n of nodes) {
    yield n;
    if (n.children) yield* nodesOf(n.children as Node[]);
  }
}
const allNodes = (r: Ruleset) => [...nodesOf(r.tree as Node[]), ...nodesOf((r.bonus?.items ?? []) as Node[])];
const allItems = (r: Ruleset) => allNodes(r).filter((n) => !n.children);
const find = (r: Ruleset, id: string) => allNodes(r).find((n) => n.id === id)!;
const itemIds = (c: CompiledRuleset) => c.items.map((i) => i.id);
const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x)).sort();

/** What each ruleset changes, as the README and docs/rulesets/xian-2023-example.md list it. */
const EXPECTED = {
  district: {
    added: ['3.2.3.58.2', '3.3.3.59'],
    renamed: { '3.2.3.20': '3.2.3.58.1' },
    retired: ['3.1.2.8'],
    addedFields: ['campaignSelfCheckRate', 'lifelineBridgesMonitored', 'lifelineDrainageMonitored', 'lifelineGasMonitored', 'lifelineHeatingMonitored', 'lifelineWaterMonitored'],
    retiredFields: ['utilityTunnelPlan'],
    // Item id this year → [max last year, max this year], for every item whose max changed.
    points: {
      '3.1.2.7.2': [1, 2],
      '3.2.3.23': [2, 1],
      '3.2.3.58.1': [2, 1],
      '3.3.3.34': [2, 1],
      '3.5.2.48': [2, 1],
      '3.5.2.49': [2, 3],
    },
  },
  municipal: {
    added: ['3.2.3.58.2', '3.3.1.60', '3.3.3.59'],
    renamed: { '3.2.3.20': '3.2.3.58.1' },
    retired: ['3.1.2.8'],
    addedFields: [
      'campaignPartnerRate',
      'campaignSelfCheckRate',
      'fifteenMeasuresDocs',
      'lifelineBridgesMonitored',
      'lifelineDrainageMonitored',
      'lifelineEngineeringPartnerRate',
      'lifelineGasMonitored',
      'lifelineHeatingMonitored',
      'lifelineWaterMonitored',
    ],
    // 3.1.2.8's partner rule read utilityTunnelPartnerRate (2022 2.0.0): retired with it.
    retiredFields: ['utilityTunnelPartnerRate', 'utilityTunnelPlan'],
    points: {
      '3.1.2.7.2': [1, 2],
      '3.2.3.23': [2, 1],
      '3.2.3.58.1': [2, 1],
      '3.3.1.30': [3, 2],
      '3.3.3.34': [2, 1],
      '3.5.2.48': [2, 1],
      '3.5.2.49': [2, 3],
    },
  },
} as const;
const KINDS = ['district', 'municipal'] as const;

describe('the package', () => {
  it('exports both patches by id, the 2022 bases, the 2022 registry, and the rubric for a unit', () => {
    expect(Object.keys(rulesets)).toEqual(['xian-2023-example/municipal', 'xian-2023-example/district']);
    expect(rulesets['xian-2023-example/district']).toBe(district);
    expect(bases.map((b) => `${b.id}@${b.version}`)).toEqual(['xian-2022/district@2.0.0', 'xian-2022/municipal@2.0.0']);
    expect(units).toBe(xian2022.units);
    expect(unitById('yanta')?.name).toBe('雁塔区');
    expect(rulesetFor({ kind: 'municipal' })).toBe(municipal);
    expect(rulesetFor({ kind: 'development-zone' })).toBe(district);
  });
  it('the JSON files are patches pointing at the schema shipped beside them, and validate against it', () => {
    const schema = read('../ruleset.schema.json');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const f of ['../district.json', '../municipal.json']) {
      const json = read(f);
      expect(json.$schema).toBe('./ruleset.schema.json');
      expect(json).toHaveProperty('extends');
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    }
  });
  it('ship the engine schema as ./ruleset.schema.json, the same bytes as the engine\'s (npm run build rewrites it)', () => {
    // `$schema` resolves beside the file, in this repository and in node_modules alike.
    const engine = readFileSync(new URL('../../../packages/engine/schema/ruleset.schema.json', import.meta.url), 'utf8');
    const shipped = readFileSync(new URL('../ruleset.schema.json', import.meta.url), 'utf8');
    expect(shipped === engine, 'ruleset.schema.json differs from @safecity/engine/schema/ruleset.schema.json: run npm run build and commit it').toBe(true);
    const pkg = read('../package.json');
    expect(pkg.files).toContain('ruleset.schema.json');
    expect(pkg.exports['./ruleset.schema.json']).toBe('./ruleset.schema.json');
  });
});

describe.each(KINDS)('%s', (k) => {
  const c = compiled[k];
  const before = last[k];
  const e = EXPECTED[k];

  it('compiles with the 2022 rubrics as bases, as an example 2023 edition', () => {
    expect(c.id).toBe(`xian-2023-example/${k}`);
    expect(c.version).toBe('3.0.0');
    expect(c.edition).toBe(2023);
    expect(c.extends).toEqual({ id: `xian-2022/${k}`, version: '2.0.0' });
    expect(c.source.rectificationDeadline).toBe('2024-04-15');
    expect(c.title.zh).toContain('示例');
    expect(c.title.en).toContain('example');
    expect(c.source.description?.en).toMatch(/EXAMPLE/);
    expect(c.source.description?.zh).toContain('非官方');
  });

  it('keeps the ruleset max, the bonus cap and everything else at the top level', () => {
    expect(c.max).toBe(before.max);
    expect(c.max).toBe(140);
    expect(c.bonusCap).toBe(before.bonusCap);
    expect(c.unitKinds).toEqual(before.unitKinds);
    for (const key of ['vetoes', 'grades', 'normalize', 'bonus'] as const) expect(c.source[key], key).toEqual(before.source[key]);
  });

  it('keeps every group at its 2022 max, and its children summing to it', () => {
    const groups = allNodes(c.source).filter((n) => n.children);
    for (const g of groups) {
      const sum = (g.children as Node[]).reduce((s, n) => s + toMilli(n.max), 0);
      if ((g.childrenMax ?? c.source.childrenMax ?? 'equal') === 'equal') expect(sum, g.id).toBe(toMilli(g.max));
      else expect(sum, g.id).toBeGreaterThanOrEqual(toMilli(g.max));
    }
    const lastGroups = new Map(allNodes(before.source).filter((n) => n.children).map((n) => [n.id, n.max]));
    const changed = groups.filter((g) => lastGroups.get(g.id) !== g.max).map((g) => [g.id, lastGroups.get(g.id), g.max]);
    // The one group that gains a point (from the retired 3.1.2.8) within 3.1.2, and the one that is new.
    expect(changed).toEqual([
      ['3.1.2.7', 2, 3],
      ['3.2.3.58', undefined, 3],
    ]);
  });

  it('adds, renames and retires exactly the items it says, and the migration map says the same', () => {
    const now = itemIds(c);
    const then = itemIds(before);
    const renamedTo = Object.values(e.renamed);
    expect(minus(now, then)).toEqual([...e.added, ...renamedTo].sort());
    expect(minus(then, now)).toEqual([...e.retired, ...Object.keys(e.renamed)].sort());
    const m = c.migration!;
    expect(m.from).toEqual({ id: `xian-2022/${k}`, version: '2.0.0' });
    expect(Object.fromEntries(Object.entries(m.items).filter(([, v]) => v.to !== null).map(([old, v]) => [old, v.to]))).toEqual(e.renamed);
    expect(Object.keys(m.items).filter((old) => m.items[old]!.to === null)).toEqual(e.retired);
    for (const id of e.retired) {
      expect(m.items[id]!.reason?.zh, id).toBeTruthy();
      expect(m.items[id]!.reason?.en, id).toBeTruthy();
    }
    expect(m.groups).toEqual({});
  });

  it('adds and retires exactly the evidence fields it says', () => {
    const now = c.fields.map((f) => f.name);
    const then = before.fields.map((f) => f.name);
    expect(minus(now, then)).toEqual(e.addedFields);
    expect(minus(then, now)).toEqual(e.retiredFields);
    expect(c.migration!.fields).toEqual(Object.fromEntries(e.retiredFields.map((f) => [f, null])));
    // New fields sit next to the ones they belong with.
    expect(now.slice(now.indexOf('lifelineMonitoringRate'), now.indexOf('lifelineMonitoringRate') + 6)).toEqual([
      'lifelineMonitoringRate',
      'lifelineGasMonitored',
      'lifelineBridgesMonitored',
      'lifelineWaterMonitored',
      'lifelineDrainageMonitored',
      'lifelineHeatingMonitored',
    ]);
    expect(now[now.indexOf('majorHazardRectificationRate') + 1]).toBe('campaignSelfCheckRate');
    // Last year's evidence of a retired field is refused, not silently ignored: migrate it first.
    const unit = k === 'district' ? unitById('yanta')! : unitById('zhujianju')!;
    expect(() => c.score({ unit, values: { utilityTunnelPlan: true } })).toThrow(EvidenceError);
  });

  it('moves points only where it says, every change within its group', () => {
    const lastMax = new Map(before.items.map((i) => [i.id, i.max]));
    const renamed = new Map(Object.entries(e.renamed).map(([old, now]) => [now as string, old]));
    const changed: Record<string, [number, number]> = {};
    for (const i of c.items) {
      const was = lastMax.get(renamed.get(i.id) ?? i.id);
      if (was !== undefined && was !== i.max) changed[i.id] = [was, i.max];
    }
    expect(changed).toEqual(e.points);
  });

  it('rewords the standard of 3.3.3.35 (重大事故隐患整改) and keeps its points and scoring', () => {
    const now = find(c.source, '3.3.3.35');
    const then = find(before.source, '3.3.3.35');
    expect(now.standard).not.toBe(then.standard);
    expect(now.standard).toContain('专项排查整治2023行动');
    expect(now.standard).toContain('每低1个百分点扣0.5分，不足1个百分点的按1个百分点计，2分扣完为止');
    expect({ ...now, standard: undefined }).toEqual({ ...then, standard: undefined });
  });

  it('every added item says it is modelled, and carries what every 2022 item carries', () => {
    const then = new Set(allItems(before.source).map((n) => n.id));
    const added = allItems(c.source).filter((n) => !then.has(n.id) && !Object.values(e.renamed).includes(n.id as never));
    expect(added.map((n) => n.id).sort()).toEqual([...e.added]);
    for (const n of added) {
      expect(n.provenance?.kind, n.id).toBe('modelled');
      expect(n.provenance?.note, n.id).toContain('2023示例版新增');
    }
    for (const n of allItems(c.source)) {
      expect(n.evidenceKinds?.length, n.id).toBeGreaterThan(0);
      expect(n.checkMethods?.length, n.id).toBeGreaterThan(0);
      expect(['quoted', 'modelled'], n.id).toContain(n.provenance?.kind);
      if (n.provenance?.kind === 'modelled') expect(n.provenance.note, n.id).toBeTruthy();
      expect(n.content, n.id).toBeTruthy();
      expect(n.standard, n.id).toBeTruthy();
      expect(Object.values(n.messages ?? {}).some((m) => m.suggestion?.zh), n.id).toBe(true);
    }
  });

  it('every item whose points changed says so in its provenance note', () => {
    for (const id of Object.keys(e.points)) {
      const n = find(c.source, id);
      expect(n.provenance?.kind, id).toBe('modelled');
      expect(n.provenance?.note, id).toMatch(/2023示例版：.*分值由\d分调为\d分/);
    }
  });
});

describe('municipal: lead and co-responsible units, as in 2022', () => {
  const r = compiled.municipal.source;
  const municipalUnits = units.filter((u) => u.kind === 'municipal');
  const municipalIds = new Set(municipalUnits.map((u) => u.id));

  /** Items every department with the duty is judged on for itself (2022 2.0.0, and 3.3.1.60 here): no lead. */
  const PER_DEPARTMENT = ['3.3.1.30', '3.3.1.60', '3.3.3.34'];

  it('every item with a lead applies to its lead and partners only, says why elsewhere, and scores partners on their own share', () => {
    for (const n of allItems(r)) {
      if (n.lead === undefined) {
        if (PER_DEPARTMENT.includes(n.id)) expect(n.applicability?.reason.zh, n.id).toBeTruthy();
        else expect(n.applicability, n.id).toBeUndefined();
        continue;
      }
      expect(municipalIds.has(n.lead), n.id).toBe(true);
      for (const p of n.partners ?? []) expect(municipalIds.has(p), `${n.id} ${p}`).toBe(true);
      expect(n.applicability!.units).toEqual([n.lead, ...(n.partners ?? [])]);
      expect(n.applicability!.reason.zh).toContain('不属于本单位评价范围');
      if ((n.partners ?? []).length === 0) continue;
      expect(n.applicability!.reason.zh).toContain('牵头');
      // 责任唯一: a partner's rule, capped at the item's max this year.
      const p = n.partner!;
      expect(p, n.id).toBeDefined();
      expect((p.scoring as { params: { cap: number } }).params.cap, n.id).toBe(n.max);
      expect(p.standard, n.id).toContain(`${n.max}分扣完为止`);
      expect(p.standard, n.id).toContain('不足10个百分点的部分不扣分');
    }
  });

  it('the added items of 工作成效 name real leads', () => {
    expect(find(r, '3.2.3.58.2').lead).toBe('chengguanju'); // 城市生命线安全工程: 市城管局 (燃气、供热、桥梁)
    expect(find(r, '3.2.3.58.2').partners).toEqual(expect.arrayContaining(['shuiwuju', 'jiaotongju', 'dashujuju'])); // 供水排水, 桥梁, 平台
    expect(find(r, '3.3.3.59').lead).toBe('yingjiguanliju'); // 重大事故隐患专项排查整治: 市安委办 (市应急管理局)
    // 安全生产十五条措施: each department's own plan, like 3.3.1.30 — every department with a sector.
    const judged = municipalUnits.filter((u) => compiled.municipal.itemsFor(u).some((i) => i.id === '3.3.1.60')).map((u) => u.id);
    expect(judged).toHaveLength(27);
    expect(judged).not.toContain('dashujuju');
    // The renumbered item keeps last year's responsibilities.
    const then = find(xian2022.municipal, '3.2.3.20');
    const now = find(r, '3.2.3.58.1');
    expect([now.lead, now.partners, now.applicability]).toEqual([then.lead, then.partners, then.applicability]);
  });

  it('gives every one of the 28 units at least 8 applicable items, at least one of them in 工作成效', () => {
    expect(municipalUnits).toHaveLength(28);
    for (const u of municipalUnits) {
      const items = compiled.municipal.itemsFor(u);
      expect(items.length, u.name).toBeGreaterThanOrEqual(8);
      expect(items.some((i) => i.id.startsWith('3.')), u.name).toBe(true);
    }
  });
});

describe('district: applies to all 20', () => {
  it('every district, county and development zone has its items; counties now have all of 3.1.2', () => {
    for (const u of units.filter((x) => x.kind !== 'municipal')) {
      expect(compiled.district.itemsFor(u).length, u.name).toBeGreaterThan(70);
    }
    // 3.1.2.8 (not assessed for counties) is retired, so a county's 3.1.2 is whole again.
    const county = unitById('zhouzhi')!;
    const ids = (c: CompiledRuleset) => c.itemsFor(county).map((i) => i.id);
    expect(ids(last.district)).not.toContain('3.1.2.8');
    expect(ids(compiled.district).filter((id) => id.startsWith('3.1.2.'))).toEqual([
      '3.1.2.4.1',
      '3.1.2.4.2',
      '3.1.2.5.1',
      '3.1.2.5.2',
      '3.1.2.5.3',
      '3.1.2.6',
      '3.1.2.7.1',
      '3.1.2.7.2',
    ]);
  });
});
