// The 2022 rubrics as data: they compile, they follow the plan's structure, they name real
// responsibilities, and every modelled number says so.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { createEngine, EvidenceError, type Node, type Ruleset, type ScoreNode } from '@safecity/engine';
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
    expect(Object.keys(rulesets).slice(0, 2)).toEqual(['xian-2022/municipal', 'xian-2022/district']);
    expect(compiled.municipal.id).toBe('xian-2022/municipal');
    expect(compiled.district.id).toBe('xian-2022/district');
    expect(rulesetFor({ kind: 'municipal' })).toBe(municipal);
    expect(rulesetFor({ kind: 'county' })).toBe(district);
  });
  it('have at least 120 scored items between them', () => {
    expect(compiled.municipal.items.length + compiled.district.items.length).toBeGreaterThanOrEqual(120);
  });
  it('carry $schema pointing at the schema shipped beside them, and validate against it', () => {
    const schema = read('../ruleset.schema.json');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const f of ['../municipal.json', '../district.json', '../city.json']) {
      const json = read(f);
      expect(json.$schema).toBe('./ruleset.schema.json');
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
      else {
        // Quoted: the 评价内容 from the 评价细则, the 评分标准 from the 评分标准 — both cited.
        expect(n.provenance?.source, n.id).toContain('《国家安全发展示范城市评价细则（2019版）》（安委办〔2019〕16号）');
        expect(n.provenance?.source, n.id).toContain('《国家安全发展示范城市评分标准（2019版）》（安委办〔2020〕2号）');
      }
      expect(n.content, n.id).toBeTruthy();
      expect(n.standard, n.id).toBeTruthy();
      const overrides = Object.values(n.messages ?? {});
      expect(overrides.some((m) => m.suggestion?.zh), n.id).toBe(true);
    }
  });
  it('quotes the national scoring phrases verbatim where it says it quotes them', () => {
    expect(find(district, '3.1.1.1').standard).toContain('每发现上述任何一处情况扣0.5分，2分扣完为止。');
    expect(find(district, '3.1.1.2').standard).toContain('每发现上述一处情况扣0.5分，2分扣完为止');
    // The regulations as the national text cites them, with their bracketed dates.
    expect(find(district, '3.1.1.2').standard).toContain(
      '《建设项目安全设施“三同时”监督管理办法》(2010年12月14日原国家安全监管总局令第36号公布，根据2015年11月2日原国家安全监管总局令第77号修正)',
    );
    expect(find(district, '3.1.1.2').standard).toContain('《地震安全性评价管理条例》(2001年11月15日国务院令第323号公布，根据2019年3月2日国务院令第709号修正)');
    expect(find(district, '3.1.1.2').standard).toContain('《地质灾害防治条例》(国务院令第394号)');
    // The note defines 燃气 too, as far as it was read (the rest marked, not made up).
    expect(find(district, '3.1.2.4.2').standard).toContain('燃气老旧管网指使用年限超过30年的……');
    expect(find(district, '3.1.2.4.2').provenance?.note).toContain('其后原文未读到');
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
    }
    expect(district.normalize).toEqual({ scale: 100 });
    // Departments: thin coverage of 工作成效 is counted at the pass line, never above it.
    expect(municipal.normalize).toMatchObject({ scale: 100, coverage: { node: '3', min: 20, rate: 60 } });
    expect(municipal.normalize!.coverage!.rate).toBe(municipal.grades!.find((g) => g.id === 'pass')!.min);
    expect(municipal.normalize!.coverage!.reason?.zh).toContain('60%');
  });
  it.each([['municipal'], ['district']] as const)('%s: version 2.0.0, the corrected edition', (k) => {
    expect((k === 'municipal' ? municipal : district).version).toBe('2.0.0');
  });
});

describe('fields: bounds and wording', () => {
  it.each([['municipal'], ['district']] as const)('%s: every number and integer field has an explicit minimum; percentages are rates', (k) => {
    const r = k === 'municipal' ? municipal : district;
    for (const f of r.fields) {
      if (f.type === 'number' || f.type === 'integer') expect(f.minimum, f.name).toBeDefined();
      if (f.type === 'integer') expect(f.minimum, f.name).toBe(0);
      if (f.unit === '%') expect(f.type, f.name).toBe('rate');
    }
    expect(r.fields.find((f) => f.name === 'enforcementStaffRatio')?.type).toBe('rate');
  });
  it('refuses a negative length, a percentage above 100 and a negative percentage, saying what was expected', () => {
    const unit = unitById('lintong')!;
    const problems = (values: Record<string, number>) => {
      try {
        compiled.district.score({ unit, values });
      } catch (e) {
        expect(e).toBeInstanceOf(EvidenceError);
        return (e as EvidenceError).issues;
      }
      return [];
    };
    expect(problems({ oilGasPipelineKm: -3 })).toEqual([{ path: '/values/oilGasPipelineKm', message: 'expected at least 0, found -3' }]);
    expect(problems({ enforcementStaffRatio: 120 })).toEqual([
      { path: '/values/enforcementStaffRatio', message: expect.stringContaining('expected a rate from 0 to 100 (%)') },
    ]);
    expect(problems({ systemReportingRate: -3 })).toEqual([{ path: '/values/systemReportingRate', message: expect.stringContaining('expected a rate from 0 to 100 (%)') }]);
    expect(problems({ hydrantDefects: -1 })).toEqual([{ path: '/values/hydrantDefects', message: expect.stringMatching(/-1/) }]);
    // −3 km no longer makes 3.2.1.12 apply: it is refused before anything is scored.
    expect(problems({ oilGasPipelineKm: 0 })).toEqual([]);
  });
  it.each([['municipal'], ['district']] as const)('%s: every yes/no field says how its 否 reads; every count its measure word', (k) => {
    const r = k === 'municipal' ? municipal : district;
    for (const f of r.fields) {
      if (f.type === 'boolean' && f.name !== 'concealedAccident') {
        expect(f.negative?.zh, f.name).toBeTruthy();
        expect(f.negative?.en, f.name).toBeTruthy();
        expect(f.negative!.zh, f.name).not.toContain('未提供');
      }
      if (f.type === 'integer') {
        expect(f.unit, f.name).toMatch(/^(项|处|起|次|人|个|支|家|座)$/);
        expect(f.count?.zh, f.name).toBe(`{count}${f.unit}`);
        expect(f.count?.en, f.name).toContain('{count}');
      }
    }
    expect(r.fields.find((f) => f.name === 'overdueTasks')).toMatchObject({ unit: '项', count: { zh: '{count}项' } });
    expect(r.fields.find((f) => f.name === 'largerAccidents')).toMatchObject({ unit: '起' });
    expect(r.fields.find((f) => f.name === 'roadDeathRateDeclined')?.negative).toEqual({
      zh: '道路交通事故万车死亡率较上年未下降',
      en: 'the road death rate per 10,000 vehicles did not fall',
    });
  });
  it('a 否 reads in the rubric\'s words, never as 未提供 (a missing submission)', () => {
    const node = (card: { nodes: ScoreNode[] }, id: string): ScoreNode | undefined => {
      const walk = (ns: readonly ScoreNode[]): ScoreNode | undefined => {
        for (const n of ns) {
          if (n.id === id) return n;
          const c = walk(n.children ?? []);
          if (c) return c;
        }
        return undefined;
      };
      return walk(card.nodes);
    };
    const gonganju = unitById('gonganju')!;
    const zh = node(compiled.municipal.score({ unit: gonganju, values: { roadDeathRateDeclined: false } }), '3.6.55')!;
    expect(zh.deductions).toEqual([expect.objectContaining({ points: 1, reason: '道路交通事故万车死亡率较上年未下降，扣1分', source: 'rule' })]);
    expect(JSON.stringify(zh)).not.toContain('未提供');
    const en = node(compiled.municipal.score({ unit: gonganju, values: { roadDeathRateDeclined: false } }, { lang: 'en' }), '3.6.55')!;
    expect(en.deductions![0]!.reason).toBe('the road death rate per 10,000 vehicles did not fall; 1 deducted');
    // Not reported at all: that, and only that, is 未提供.
    const none = node(compiled.municipal.score({ unit: gonganju, values: {} }), '3.6.55')!;
    expect(none.deductions![0]!.reason).toContain('未提供');
    // A count reads with its measure word: 逾期未完成的创建任务：发现3项，每项扣0.5分…
    const yanta = unitById('yanta')!;
    const overdue = node(compiled.district.score({ unit: yanta, values: { overdueTasks: 3 } }), '2.3.2')!;
    expect(overdue.deductions![0]!.reason).toBe('逾期未完成的创建任务：发现3项，每项扣0.5分，2分扣完为止，扣1.5分');
  });
});

describe('standards say exactly how the points are worked out', () => {
  const stepSentence = (steps: string | undefined, step: number) =>
    steps === 'complete' ? `不足${step}个百分点的部分不扣分` : steps === 'linear' ? '按比例' : `不足${step}个百分点的按${step}个百分点计`;
  it.each([['municipal'], ['district']] as const)('%s: every rate item with steps says how a part of a step counts', (k) => {
    const r = k === 'municipal' ? municipal : district;
    for (const n of allItems(r)) {
      const variants: { standard: string; scoring: Node['scoring'] }[] = [{ standard: n.standard!, scoring: n.scoring }];
      if (n.partner) variants.push({ standard: n.partner.standard, scoring: n.partner.scoring });
      for (const v of variants) {
        const s = v.scoring as { method?: string; params?: { per?: number; step?: number; steps?: string } };
        if (s.method !== 'rate' || s.params?.per === undefined) continue;
        expect(v.standard, n.id).toContain(stepSentence(s.params.steps, s.params.step ?? 1));
        expect(v.standard, n.id).toContain(`每低${s.params.step ?? 1}个百分点扣${s.params.per}分`);
      }
    }
  });
  it.each([['municipal'], ['district']] as const)('%s: 安全宣传“五进” lists five, and scores five', (k) => {
    const r = k === 'municipal' ? municipal : district;
    const n = find(r, '3.4.4.45');
    for (const w of ['进企业', '进农村', '进社区', '进学校', '进家庭']) expect(n.content).toContain(w);
    const points = (n.scoring as { params: { points: { field: string; points: number }[] } }).params.points;
    expect(points.map((p) => p.field)).toEqual(['outreachEnterprises', 'outreachRural', 'outreachCommunities', 'outreachSchools', 'outreachFamilies']);
    expect(points.every((p) => p.points === 0.4)).toBe(true);
  });
  it.each([['municipal'], ['district']] as const)('%s: 2.1.2 is graded by the data check (the submitted plan) and on site', (k) => {
    const r = k === 'municipal' ? municipal : district;
    expect(find(r, '2.1.2').checkMethods).toEqual(['data-check', 'onsite']);
  });
  it.each([['municipal'], ['district']] as const)('%s: a check\'s count replaces the unit\'s own count (merge replace) on every per-finding item, and on 1.3.1', (k) => {
    const r = k === 'municipal' ? municipal : district;
    for (const n of allItems(r)) {
      const method = (n.scoring as { method?: string }).method;
      const expected = (method === 'per-finding' && !n.id.startsWith('4')) || n.id === '1.3.1' ? 'replace' : undefined;
      expect(n.merge, n.id).toBe(expected);
    }
  });
});

describe('municipal rubric: lead and co-responsible units (责任唯一)', () => {
  const municipalIds = new Set(units.filter((u) => u.kind === 'municipal').map((u) => u.id));
  /** Items every department with the duty is judged on for itself: no lead. */
  const PER_DEPARTMENT = ['3.3.1.30', '3.3.3.34'];
  it('names only municipal units, the lead among those the item applies to; every partner is judged on its own part', () => {
    const fields = new Map(municipal.fields.map((f) => [f.name, f]));
    for (const n of allItems(municipal)) {
      if (n.lead === undefined) {
        if (PER_DEPARTMENT.includes(n.id)) {
          expect(n.partners, n.id).toBeUndefined();
          expect(n.applicability!.reason.zh, n.id).toMatch(/本单位|市大数据局/);
        } else expect(n.applicability, n.id).toBeUndefined();
        continue;
      }
      expect(municipalIds.has(n.lead), n.id).toBe(true);
      for (const p of n.partners ?? []) expect(municipalIds.has(p), `${n.id} ${p}`).toBe(true);
      expect(n.applicability!.units).toEqual([n.lead, ...(n.partners ?? [])]);
      if ((n.partners ?? []).length === 0) {
        expect(n.partner, n.id).toBeUndefined();
        expect(n.applicability!.reason.zh, n.id).toBe(`本项由${unitById(n.lead)!.name}负责，不属于本单位评价范围`);
        continue;
      }
      // 责任唯一: the city-wide figure is the lead's; a partner reports and is scored on its own share.
      expect(n.applicability!.reason.zh, n.id).toContain(`由${unitById(n.lead)!.name}牵头填报`);
      expect(n.applicability!.reason.zh, n.id).toContain('按本部门承担的配合任务评价');
      const p = n.partner!;
      expect(p, n.id).toBeDefined();
      expect(p.content, n.id).toBeTruthy();
      expect(p.standard, n.id).toMatch(/^本部门承担的.+任务完成率低于100%的，每低10个百分点扣[\d.]+分，不足10个百分点的部分不扣分，[\d.]+分扣完为止。$/);
      expect(Object.values(p.messages ?? {}).some((m) => m.suggestion?.zh), n.id).toBe(true);
      const params = (p.scoring as { method: string; params: { field: string; cap: number } }).params;
      expect((p.scoring as { method: string }).method, n.id).toBe('rate');
      expect(params.cap, n.id).toBe(n.max);
      const f = fields.get(params.field)!;
      expect(f, `${n.id} ${params.field}`).toMatchObject({ type: 'rate', unit: '%' });
      expect(f.title.zh, n.id).toMatch(/^本部门承担的.+任务完成率$/);
      // The partner field is not the lead's: a partner's own figure for the indicator is never scored.
      const leadFields = JSON.stringify(n.scoring);
      expect(leadFields, n.id).not.toContain(`"${params.field}"`);
    }
  });
  it('scores a partner on its own share: never on its own figure for the indicator, 未提供佐证材料 without its share', () => {
    const at = (ns: readonly ScoreNode[], id: string): ScoreNode | undefined => {
      for (const n of ns) {
        if (n.id === id) return n;
        const c = at(n.children ?? [], id);
        if (c) return c;
      }
      return undefined;
    };
    const shuiwuju = unitById('shuiwuju')!;
    // The lead's figure alone (74 ≤ 80 would cost the lead its point): not read for the partner.
    const none = at(compiled.municipal.score({ unit: shuiwuju, values: { oldPipeRenovationRate: 74 } }).nodes, '3.1.2.4.2')!;
    expect(none).toMatchObject({ role: 'partner', earned: 0 });
    expect(none.deductions).toEqual([expect.objectContaining({ code: 'no-evidence', reason: expect.stringContaining('未提供佐证材料') })]);
    expect(none.deductions![0]!.reason).toContain('本部门承担的老旧管网改造配合任务完成率');
    // Its own share: 85 % → one whole step of 10 short → −0.2, whatever it says the city's rate is.
    const own = at(compiled.municipal.score({ unit: shuiwuju, values: { oldPipeRenovationRate: 74, oldPipePartnerRate: 85 } }).nodes, '3.1.2.4.2')!;
    expect(own.earned).toBe(0.8);
    expect(own.deductions![0]!.reason).toBe('本部门承担的老旧管网改造配合任务完成率为85%，低于100%，扣0.2分');
    // The lead is scored on the city-wide figure.
    const lead = at(compiled.municipal.score({ unit: unitById('chengguanju')!, values: { oldPipeRenovationRate: 74 } }).nodes, '3.1.2.4.2')!;
    expect(lead).toMatchObject({ role: 'lead', earned: 0 });
    expect(lead.deductions![0]!.reason).toBe('老旧管网改造率为74%（≤80%），扣1分');
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
  it('attributions an official would question are fixed', () => {
    // 尾矿库 (非煤矿山) → 应急管理; 渣土受纳场 → 城管: one item each.
    expect(find(municipal, '3.2.1.13.1')).toMatchObject({ title: { zh: '尾矿库' }, lead: 'yingjiguanliju' });
    expect(find(municipal, '3.2.1.13.2')).toMatchObject({ title: { zh: '渣土受纳场' }, lead: 'chengguanju' });
    expect(municipal.fields.some((f) => f.name === 'tailingsSpoilHazards')).toBe(false);
    // 大型商业综合体: fire safety → 消防救援, 商务 as the sector's partner.
    expect(find(municipal, '3.2.2.18')).toMatchObject({ lead: 'xiaofangzhidui', partners: ['shangwuju'] });
    // The monitoring platform: 应急管理 leads, 大数据 supports.
    expect(find(municipal, '3.4.1.38')).toMatchObject({ lead: 'yingjiguanliju', partners: ['dashujuju'] });
    expect(find(municipal, '3.4.4.43')).toMatchObject({ lead: 'yingjiguanliju', partners: ['wenhualvyouju'] });
    expect(find(municipal, '3.4.3.42')).toMatchObject({ lead: 'yingjiguanliju', partners: ['minzhengju'] });
    // No role there: 人社局 in enforcement staffing, 发改委 in bought services, 国资委 alone in 党政同责.
    for (const id of ['3.3.3.36', '3.4.2.39', '3.3.1.29']) {
      expect(find(municipal, id).lead, id).toBe('yingjiguanliju');
      expect(find(municipal, id).partners, id).toBeUndefined();
    }
    // 管行业必须管安全 binds every department with a sector to supervise.
    const p30 = compiled.municipal;
    const judged = units.filter((u) => u.kind === 'municipal' && p30.itemsFor(u).some((i) => i.id === '3.3.1.30')).map((u) => u.id);
    expect(judged).toHaveLength(27);
    expect(judged).not.toContain('dashujuju');
  });
  it('gives every one of the 28 units at least 8 applicable items, at least one of them in 工作成效', () => {
    for (const u of units.filter((x) => x.kind === 'municipal')) {
      const items = compiled.municipal.itemsFor(u);
      expect(items.length, u.name).toBeGreaterThanOrEqual(8);
      expect(items.some((i) => i.id.startsWith('3.')), u.name).toBe(true);
    }
  });
  it('applicable 工作成效 points per department, as docs/rulesets/xian-2022.md lists them', () => {
    const points = Object.fromEntries(
      units
        .filter((u) => u.kind === 'municipal')
        .map((u) => [u.id, compiled.municipal.itemsFor(u).filter((i) => i.id.startsWith('3.')).reduce((s, i) => s + Math.round(i.max * 1000), 0) / 1000]),
    );
    expect(points).toEqual(POINTS_3);
    const docs = readFileSync(new URL('../../../docs/rulesets/xian-2022.md', import.meta.url), 'utf8');
    for (const u of units.filter((x) => x.kind === 'municipal')) {
      expect(docs, u.name).toMatch(new RegExp(`\\| ${u.name} \\| [\\d.]+ \\| ${POINTS_3[u.id]} \\|`));
    }
    // The departments the review found thin now lead items of their own.
    for (const [id, item] of [['shengtaihuanjingju', '3.2.5.62'], ['shengtaihuanjingju', '3.5.2.66'], ['nongyenongcunju', '3.2.5.63'], ['wenwuju', '3.2.2.61'], ['rensheju', '3.4.2.64'], ['rensheju', '3.4.2.65']] as const) {
      expect(find(municipal, item).lead, item).toBe(id);
      expect(find(municipal, item).provenance?.kind, item).toBe('modelled');
    }
  });
});

/** Applicable 工作成效 points per municipal department (2.0.0). */
const POINTS_3: Record<string, number> = {
  fagaiwei: 15, gonganju: 15, jiaoyuju: 9.4, kejiju: 6, gongxinju: 14, minzongwei: 5.4, minzhengju: 10.4, ziyuanguihuaju: 16,
  shengtaihuanjingju: 10, zhujianju: 19, chengguanju: 22, jiaotongju: 16, shuiwuju: 16, shangwuju: 10, wenhualvyouju: 9, wenwuju: 8.4,
  weishengjiankangwei: 13.4, yingjiguanliju: 61, shichangjianguanju: 11, tiyuju: 7, renfangban: 8, dashujuju: 14, qixiangju: 8, dizhenju: 9,
  xiaofangzhidui: 23, rensheju: 5, nongyenongcunju: 8, guoziwei: 9,
};

describe('district rubric: applies to all 20, never silently zero', () => {
  it('every district, county and development zone has its items', () => {
    for (const u of units.filter((x) => x.kind !== 'municipal')) {
      expect(compiled.district.itemsFor(u).length, u.name).toBeGreaterThan(70);
    }
  });
  it('items not applicable to some kinds or units say why', () => {
    const byKind = allItems(district).filter((n) => n.applicability?.kinds || n.applicability?.exceptUnits);
    expect(byKind.map((n) => n.id)).toEqual(['3.1.2.8', '3.1.3.9']);
    for (const n of byKind) expect(n.applicability!.reason.zh.length).toBeGreaterThan(5);
    const kinds = (id: string) => compiled.district.itemsFor(unitById(id)!).map((i) => i.id);
    expect(kinds('zhouzhi')).not.toContain('3.1.2.8');
    expect(kinds('yanta')).toEqual(expect.arrayContaining(['3.1.2.8', '3.1.3.9']));
    // 高危企业搬迁: per development zone, not for all seven — the zones that administer towns are assessed.
    for (const z of ['gaoxin', 'qujiang', 'chanba', 'hangtian']) expect(kinds(z), z).not.toContain('3.1.3.9');
    for (const z of ['xixian', 'jingkai', 'gangwu']) expect(kinds(z), z).toContain('3.1.3.9');
    expect(find(district, '3.1.3.9').applicability!.reason.zh).toContain('托管街镇');
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
