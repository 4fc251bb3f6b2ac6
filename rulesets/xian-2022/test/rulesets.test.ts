// The 2022 rubrics as data: they compile, they follow the plan's structure, they name real
// responsibilities, and every modelled number says so.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { createEngine, type Node, type Ruleset } from '@safecity/engine';
import { municipal, district, units, rulesets, unitById, rulesetFor, unitsJsonSchema } from '../src/index.js';

const read = (f: string) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8'));
const engine = createEngine();
const compiled = { municipal: engine.compile(municipal), district: engine.compile(district) };

function* itemsOf(nodes: readonly Node[]): Generator<Node> {
  for (const n of nodes) {
    if (n.children) yield* itemsOf(n.children as Node[]);
    else yield n;
  }
}
const allItems = (r: Ruleset) => [...itemsOf(r.tree as Node[]), ...itemsOf((r.bonus?.items ?? []) as Node[])];
const find = (r: Ruleset, id: string) => allItems(r).find((n) => n.id === id)!;

// 四、评价对象, in the plan's order.
const MUNICIPAL = '市发改委、市公安局、市教育局、市科技局、市工信局、市民宗委、市民政局、市资源规划局、市生态环境局、市住建局、市城管局、市交通局、市水务局、市商务局、市文化旅游局、市文物局、市卫生健康委、市应急管理局、市市场监管局、市体育局、市人防办、市大数据局、市气象局、市地震局、市消防救援支队、市人社局、市农业农村局、市国资委'.split('、');
const DISTRICTS = '新城区、碑林区、莲湖区、雁塔区、灞桥区、未央区、阎良区、临潼区、长安区、高陵区、鄠邑区、周至县、蓝田县、高新区、经开区、曲江新区、浐灞生态区、航天基地、国际港务区、西咸新区'.split('、');

describe('units.json', () => {
  it('lists the 48 units with the names the plan writes, in its order', () => {
    expect(units.filter((u) => u.kind === 'municipal').map((u) => u.name)).toEqual(MUNICIPAL);
    expect(units.filter((u) => u.kind !== 'municipal').map((u) => u.name)).toEqual(DISTRICTS);
  });
  it('has stable, unique pinyin ids, kinds and English names', () => {
    expect(new Set(units.map((u) => u.id)).size).toBe(48);
    for (const u of units) {
      expect(u.id).toMatch(/^[a-z]+$/);
      expect(u.nameEn).toBeTruthy();
    }
    expect(unitById('yanta')).toEqual({ id: 'yanta', name: '雁塔区', kind: 'district', nameEn: 'Yanta District' });
    expect(units.filter((u) => u.kind === 'county').map((u) => u.id)).toEqual(['zhouzhi', 'lantian']);
    expect(units.filter((u) => u.kind === 'development-zone')).toHaveLength(7);
  });
  it('validates against units.schema.json, which is generated and up to date', () => {
    const schema = read('../units.schema.json');
    expect(schema).toEqual(unitsJsonSchema());
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(read('../units.json'))).toBe(true);
    expect(validate({ units: [{ id: 'x', name: '某区', kind: 'district', extra: 1 }] })).toBe(false);
  });
});

describe('the two rubrics', () => {
  it('compile with the engine, ids usable as the CLI names them', () => {
    expect(Object.keys(rulesets)).toEqual(['xian-2022/municipal', 'xian-2022/district']);
    expect(compiled.municipal.id).toBe('xian-2022/municipal');
    expect(compiled.district.id).toBe('xian-2022/district');
    expect(rulesetFor({ kind: 'municipal' })).toBe(municipal);
    expect(rulesetFor({ kind: 'county' })).toBe(district);
  });
  it('have at least 120 scored items between them', () => {
    expect(compiled.municipal.items.length + compiled.district.items.length).toBeGreaterThanOrEqual(120);
  });
  it('carry $schema pointing at the engine schema, and validate against it', () => {
    const schema = read('../../../packages/engine/schema/ruleset.schema.json');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const f of ['../municipal.json', '../district.json']) {
      const json = read(f);
      expect(json.$schema).toBe('../../packages/engine/schema/ruleset.schema.json');
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    }
  });
  it.each([['municipal'], ['district']] as const)('%s: the four areas of the plan, with every aspect it names', (k) => {
    const r = k === 'municipal' ? municipal : district;
    const titles = (nodes: readonly Node[]) => nodes.map((n) => n.title.zh);
    expect(titles(r.tree as Node[])).toEqual(['工作机制', '创建路径', '工作成效']);
    expect(r.bonus!.title.zh).toBe('先进经验（加分项）');
    expect(titles(r.tree[0]!.children as Node[])).toEqual(['组织领导', '政策保障', '技术保障', '资金保障', '人力资源保障']);
    expect(titles(r.tree[1]!.children as Node[])).toEqual(['总体方案', '实施方案', '任务分工', '台账清单']);
    expect(titles(r.tree[2]!.children as Node[]).sort()).toEqual(
      ['城市安全状况', '城市安全源头治理', '城市安全风险防控', '城市安全监督管理', '城市安全保障能力', '城市安全应急救援'].sort(),
    );
    expect(titles(r.bonus!.items as Node[])).toEqual(['安全文化', '应急救援', '应急队伍', '安全科技', '安全产业']);
    expect(r.bonus!.cap).toBe(5);
  });
  it.each([['municipal'], ['district']] as const)('%s: 工作成效 keeps the national 2019 first-level weights', (k) => {
    const r = k === 'municipal' ? municipal : district;
    const weights = Object.fromEntries((r.tree[2]!.children as Node[]).map((n) => [n.title.zh, n.max]));
    expect(weights).toEqual({ 城市安全源头治理: 18, 城市安全风险防控: 32, 城市安全监督管理: 16, 城市安全保障能力: 16, 城市安全应急救援: 14, 城市安全状况: 4 });
    expect(r.tree[2]!.max).toBe(100);
  });
  it.each([['municipal'], ['district']] as const)('%s: every item declares evidence kinds, check methods, provenance, and a suggestion', (k) => {
    const r = k === 'municipal' ? municipal : district;
    for (const n of allItems(r)) {
      expect(n.evidenceKinds?.length, n.id).toBeGreaterThan(0);
      expect(n.checkMethods?.length, n.id).toBeGreaterThan(0);
      expect(['quoted', 'modelled'], n.id).toContain(n.provenance?.kind);
      if (n.provenance?.kind === 'modelled') expect(n.provenance.note, n.id).toBeTruthy();
      else expect(n.provenance?.source, n.id).toContain('评分标准（2019版）');
      expect(n.content, n.id).toBeTruthy();
      expect(n.standard, n.id).toBeTruthy();
      const overrides = Object.values(n.messages ?? {});
      expect(overrides.some((m) => m.suggestion?.zh), n.id).toBe(true);
    }
  });
  it('quotes the national scoring phrases verbatim where it says it quotes them', () => {
    expect(find(district, '3.1.1.1').standard).toContain('每发现上述任何一处情况扣0.5分，2分扣完为止。');
    expect(find(district, '3.1.1.2').standard).toContain('每发现上述一处情况扣0.5分，2分扣完为止');
    expect(find(district, '3.1.1.3').standard).toContain('每缺一项扣0.2分，1分扣完为止');
    expect(find(district, '3.1.2.4.1').standard).toBe('市政消火栓(消防水鹤)未保持完好的，每发现一处扣0.2分，1分扣完为止。');
    expect(find(district, '3.1.2.4.2').standard).toContain('老旧管网改造率≤80%的，扣1分');
    expect(find(district, '3.1.2.5.2').content).toBe('消防通信设施完好率≥95%。');
    const quoted = allItems(district).filter((n) => n.provenance?.kind === 'quoted').map((n) => n.id);
    expect(quoted).toEqual(['3.1.1.1', '3.1.1.2', '3.1.1.3', '3.1.2.4.1', '3.1.2.4.2']);
  });
  it('declares vetoes (modelled) and grade bands, and normalises not-applicable items out', () => {
    for (const r of [municipal, district]) {
      expect(r.vetoes!.map((v) => [v.id, v.effect.type, v.provenance?.kind])).toEqual([
        ['larger-accident', 'grade', 'modelled'],
        ['concealed-accident', 'zero', 'modelled'],
      ]);
      expect(r.grades!.map((g) => [g.id, g.min])).toEqual([['excellent', 90], ['good', 80], ['pass', 60], ['fail', 0]]);
      expect(r.normalize).toEqual({ scale: 100 });
    }
  });
});

describe('municipal rubric: lead and co-responsible units', () => {
  const municipalIds = new Set(units.filter((u) => u.kind === 'municipal').map((u) => u.id));
  it('names only municipal units, the lead among those the item applies to', () => {
    for (const n of allItems(municipal)) {
      if (n.lead === undefined) {
        expect(n.applicability, n.id).toBeUndefined();
        continue;
      }
      expect(municipalIds.has(n.lead), n.id).toBe(true);
      for (const p of n.partners ?? []) expect(municipalIds.has(p), `${n.id} ${p}`).toBe(true);
      expect(n.applicability!.units).toEqual([n.lead, ...(n.partners ?? [])]);
      expect(n.applicability!.reason.zh).toContain('牵头');
    }
  });
  it('follows real responsibilities', () => {
    expect(find(municipal, '3.1.2.5.1').lead).toBe('xiaofangzhidui'); // 消防站
    expect(find(municipal, '3.1.2.4.1').lead).toBe('xiaofangzhidui'); // 市政消火栓
    expect(find(municipal, '3.1.2.6').applicability!.units).toEqual(expect.arrayContaining(['gonganju', 'jiaotongju'])); // 道路交通安全设施
    expect(find(municipal, '3.2.1.11').lead).toBe('yingjiguanliju'); // 危险化学品
    const flood = [...find(municipal, '3.1.2.7.1').applicability!.units!, ...find(municipal, '3.1.2.7.2').applicability!.units!];
    expect(flood).toEqual(expect.arrayContaining(['shuiwuju', 'chengguanju'])); // 防洪排涝
    expect(find(municipal, '3.2.4.26').lead).toBe('dizhenju'); // 地震
    expect(find(municipal, '3.2.4.28').lead).toBe('qixiangju'); // 气象灾害预警
  });
  it('gives every one of the 28 units at least 8 applicable items, at least one of them in 工作成效', () => {
    for (const u of units.filter((x) => x.kind === 'municipal')) {
      const items = compiled.municipal.itemsFor(u);
      expect(items.length, u.name).toBeGreaterThanOrEqual(8);
      expect(items.some((i) => i.id.startsWith('3.')), u.name).toBe(true);
    }
  });
});

describe('district rubric: applies to all 20, never silently zero', () => {
  it('every district, county and development zone has its items', () => {
    for (const u of units.filter((x) => x.kind !== 'municipal')) {
      expect(compiled.district.itemsFor(u).length, u.name).toBeGreaterThan(70);
    }
  });
  it('items not applicable to some kinds say why', () => {
    const byKind = allItems(district).filter((n) => n.applicability?.kinds);
    expect(byKind.map((n) => n.id)).toEqual(['3.1.2.8', '3.1.3.9']);
    for (const n of byKind) expect(n.applicability!.reason.zh.length).toBeGreaterThan(5);
    const kinds = (id: string) => compiled.district.itemsFor(unitById(id)!).map((i) => i.id);
    expect(kinds('zhouzhi')).not.toContain('3.1.2.8');
    expect(kinds('gaoxin')).not.toContain('3.1.3.9');
    expect(kinds('yanta')).toEqual(expect.arrayContaining(['3.1.2.8', '3.1.3.9']));
  });
  it('a reported zero makes a conditional item not applicable; no report leaves it applicable (and unearned)', () => {
    const unit = unitById('lintong')!;
    const node = (values: Record<string, number>) => {
      const card = compiled.district.score({ unit, values });
      const walk = (ns: typeof card.nodes): (typeof card.nodes)[number] | undefined => {
        for (const n of ns) {
          if (n.id === '3.2.1.11') return n;
          const c = walk(n.children ?? []);
          if (c) return c;
        }
        return undefined;
      };
      return walk(card.nodes)!;
    };
    expect(node({ hazmatMajorHazardSites: 0 })).toMatchObject({ applicable: false, notApplicableReason: '辖区内无危险化学品重大危险源企业' });
    expect(node({})).toMatchObject({ applicable: true, earned: 0, deductions: [{ code: 'no-evidence' }] });
  });
});
