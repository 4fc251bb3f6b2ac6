// Writes city.json — the city's own rubric (城市自评, for the province's re-check 省级复核) on the
// national 2019 rubric's 工作成效 (100) and 鼓励项 (5) — from municipal.json and district.json.
// Never edit city.json by hand: change this script and run it (`node scripts/write-city.mjs`).
// `--check` writes nothing and exits 1 when city.json is not what the script writes;
// `test/city.test.ts` runs it, so the committed file never drifts from the two rubrics.
//
// What it builds (every number modelled, and each item says so):
// - the national first-level items (3.1 源头治理 18 … 3.6 安全状况 4) and second-level groups, as
//   the district rubric has them (it follows the national tree and weights);
// - under them every national item — a leaf of the district rubric's 工作成效, e.g. 3.1.2.4.1 —
//   as a group of two scored halves: "<id>.m" 市级部门 (the pooled score rate of the municipal
//   leads on that node: Σ earned ÷ Σ max of the lead items under it; where its items name no
//   lead, each department judged on its own part, the mean rate of the departments) and
//   "<id>.d" 区县（开发区） (the mean score rate of the district cards on it), each scored in
//   proportion (rate: deduction = half × (100 − rate) / 100). Municipal items added under no
//   national id are mapped to one (MAP: their half shared in proportion to the maxima) or left
//   out with a reason (NOT_IN_CITY);
// - the 鼓励项 bucket (cap 5) from the units' 先进经验 bonus items: per theme, tiers on how many
//   units earned points on it;
// - vetoes reaching the city from any unit's card; consistency checks of city-wide figures
//   against the districts' figures.
import { readFileSync, writeFileSync } from 'node:fs';

const here = (p) => new URL(`../${p}`, import.meta.url);
const read = (p) => JSON.parse(readFileSync(here(p), 'utf8'));
const municipal = read('municipal.json');
const district = read('district.json');

if (municipal.version !== district.version) throw new Error(`municipal.json is ${municipal.version} but district.json is ${district.version}: they release together`);

/**
 * Municipal items of 工作成效 that do not sit under a national item's id: the national item they
 * belong to (their lead's score counts towards its municipal half, pooled with the item's own
 * leads). Add every new one here, or to NOT_IN_CITY with the reason.
 */
const MAP = {
  // 博物馆、纪念馆等文博场所 (市文物局): 人员密集场所, as 文物建筑 in the national 3.2.2.19.
  '3.2.2.61': '3.2.2.19',
  // 工伤预防 (市人社局): insurance-funded accident prevention for 高危行业 enterprises, as 安全生产责任保险.
  '3.4.2.64': '3.4.2.40',
  // 突发环境事件应急 (市生态环境局): its emergency plans are part of the city's 应急预案体系.
  '3.5.2.66': '3.5.2.48',
};
/** Municipal items of 工作成效 left out of the city's rubric on purpose, with the reason (shown in docs/city-result.md). */
const NOT_IN_CITY = {
  '3.2.5.62': '危险废物和放射源安全：国家评价细则（2019版）风险防控下无对应三级指标（市级细则新增“其他重点行业领域”）',
  '3.2.5.63': '农业机械和渔业船舶安全：国家评价细则（2019版）风险防控下无对应三级指标（市级细则新增“其他重点行业领域”）',
  '3.4.2.65': '安全技能培训：国家评价细则（2019版）保障能力下无对应三级指标',
};

const AREA = '3';
const find = (nodes, id) => {
  for (const n of nodes) {
    if (n.id === id) return n;
    const inner = n.children ? find(n.children, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
};
const leaves = (n) => (n.children ? n.children.flatMap(leaves) : [n]);
const leadLeaves = (n) => leaves(n).filter((x) => x.lead !== undefined);
const under = (id, ancestor) => id === ancestor || id.startsWith(`${ancestor}.`);
const slug = (id) => id.replace(/[^A-Za-z0-9]/g, '_');
const half = (max) => {
  const m = Math.round(max * 1000);
  // The municipal half takes the odd thousandth, if any.
  return { m: Math.ceil(m / 2) / 1000, d: Math.floor(m / 2) / 1000 };
};

const dArea = find(district.tree, AREA);
const mArea = find(municipal.tree, AREA);
if (!dArea || !mArea) throw new Error(`both rubrics must have the 工作成效 area "${AREA}"`);
const national = leaves(dArea);
const nationalIds = new Set(national.map((n) => n.id));

// Every municipal item of 工作成效 sits under a national item, is mapped to one, or is left out with a reason.
const extras = new Map(); // national id → municipal extra nodes
const unplaced = [];
for (const m of leaves(mArea)) {
  if (national.some((n) => under(m.id, n.id))) continue;
  if (MAP[m.id] !== undefined) {
    if (!nationalIds.has(MAP[m.id])) throw new Error(`MAP: ${m.id} → ${MAP[m.id]}, which is no national item`);
    extras.set(MAP[m.id], [...(extras.get(MAP[m.id]) ?? []), m]);
  } else if (NOT_IN_CITY[m.id] === undefined) unplaced.push(`${m.id} ${m.title.zh}`);
}
if (unplaced.length > 0) {
  throw new Error(`municipal items of 工作成效 under no national item: ${unplaced.join('; ')}. Map each to its national item (MAP) or leave it out with a reason (NOT_IN_CITY) in scripts/write-city.mjs`);
}

const fields = [];
const rateField = (name, zh, en, aggregate) => {
  fields.push({ name, type: 'rate', title: { zh, en }, unit: '%', aggregate });
  return name;
};
const RATE_MESSAGES = (who) => ({
  below: {
    reason: { zh: '{field}为{value}%，按得分率折算扣{points}分', en: '{field} is {value}%: {points} deducted in proportion' },
    suggestion:
      who === 'm'
        ? { zh: '督促扣分依据所列市级部门补齐本项短板，提高本项得分率', en: 'Have the departments named in the evidence close the gap on this item' }
        : { zh: '督促扣分依据所列区县（开发区）按其意见反馈清单整改本项问题', en: 'Have the districts named in the evidence rectify this item by their feedback lists' },
  },
});
const rate = (field, per) => ({ method: 'rate', params: { field, target: 100, per, step: 100, steps: 'linear' } });
const modelled = (note) => ({ kind: 'modelled', note });

/**
 * The municipal half of a national item: one scored item, or (with mapped extra items) a group
 * of them. A node whose items name a lead (牵头单位) is read from the leads only (pooled rate);
 * one whose items name none — each department judged on its own part, e.g. its own supervision
 * lists — by the mean rate of the departments it applies to.
 */
function municipalHalf(n, max) {
  const own = find(mArea.children, n.id);
  const parts = [];
  const part = (node) => {
    const led = leadLeaves(node);
    if (led.length > 0) return { node: node.id, mode: 'lead', max: led.reduce((s, x) => s + x.max, 0), title: node.title, leads: [...new Set(led.map((x) => x.lead))] };
    return { node: node.id, mode: 'mean', max: leaves(node).reduce((s, x) => s + x.max, 0), title: node.title, leads: [] };
  };
  if (own) parts.push(part(own));
  for (const x of extras.get(n.id) ?? []) parts.push(part(x));
  if (parts.length === 0) return undefined;
  const PROVENANCE = modelled(`全国评价细则（2019版）本项分值${n.max}分（按区县细则所列）；市级部门与区县（开发区）各占一半、按得分率折算，均为模型设定`);
  const item = (id, p, points) => {
    const lead = p.mode === 'lead';
    const field = rateField(
      `m_${slug(p.node)}`,
      `${p.node} ${p.title.zh}：${lead ? '市级牵头部门得分率' : '市级部门平均得分率'}`,
      `${p.node} ${p.title.en ?? p.title.zh}: ${lead ? "municipal leads' score rate" : "municipal departments' mean score rate"}`,
      lead ? { from: { ruleset: municipal.id, lead: true }, of: { node: p.node }, op: 'pooled' } : { from: { ruleset: municipal.id }, of: { node: p.node }, op: 'mean' },
    );
    return {
      id,
      title: { zh: `${p.title.zh}·${lead ? '市级牵头部门' : '市级部门'}`, en: `${p.title.en ?? p.title.zh}: ${lead ? 'municipal leads' : 'municipal departments'}` },
      max: points,
      content: lead
        ? `市级牵头部门（${p.leads.join('、')}）在${p.node}“${p.title.zh}”上的得分率：各牵头部门本项得分之和 ÷ 满分之和 × 100%（责任唯一：只计牵头部门，配合单位的贡献在其自身评分卡中评价）。`
        : `各市级部门在${p.node}“${p.title.zh}”上的平均得分率（本项各部门按本部门情况评价，不设牵头单位；本项对其不适用的部门不计入）。`,
      standard: `按得分率折算：得分 = ${points} × 得分率；得分率100%得满分${points}分。`,
      evidenceKinds: ['ledger'],
      checkMethods: ['data-check'],
      scoring: rate(field, points),
      messages: RATE_MESSAGES('m'),
      provenance: PROVENANCE,
    };
  };
  if (parts.length === 1) return item(`${n.id}.m`, parts[0], max);
  // Several municipal nodes: the half shared in proportion to their municipal maxima (thousandths, the last takes the rest).
  const total = parts.reduce((s, p) => s + p.max, 0);
  let left = Math.round(max * 1000);
  const children = parts.map((p, i) => {
    const pts = i === parts.length - 1 ? left : Math.round((max * 1000 * p.max) / total);
    left -= pts;
    return item(`${n.id}.m${i + 1}`, p, pts / 1000);
  });
  return { id: `${n.id}.m`, title: { zh: `${n.title.zh}·市级部门`, en: `${n.title.en ?? n.title.zh}: municipal departments` }, max, children };
}

/** The district half: the mean score rate of the district cards on the national item. */
function districtHalf(n, max) {
  const name = rateField(`d_${slug(n.id)}`, `${n.id} ${n.title.zh}：区县（开发区）平均得分率`, `${n.id} ${n.title.en ?? n.title.zh}: districts' mean score rate`, {
    from: { ruleset: district.id },
    of: { node: n.id },
    op: 'mean',
  });
  const out = {
    id: `${n.id}.d`,
    title: { zh: `${n.title.zh}·区县（开发区）`, en: `${n.title.en ?? n.title.zh}: districts` },
    max,
    content: `各区县（开发区）在${n.id}“${n.title.zh}”上的平均得分率：各单位本项得分 ÷ 本项满分 × 100%的算术平均（本项对其不适用的单位不计入）。`,
    standard: `按得分率折算：得分 = ${max} × 平均得分率；平均得分率100%得满分${max}分。`,
    evidenceKinds: ['ledger'],
    checkMethods: ['data-check'],
    scoring: rate(name, max),
    messages: RATE_MESSAGES('d'),
    provenance: modelled(`全国评价细则（2019版）本项分值${n.max}分（按区县细则所列）；市级部门与区县（开发区）各占一半、按得分率折算，均为模型设定`),
  };
  // Where the district rubric exempts units (by kind or by what they hold), no district having
  // the item is an exemption for the city too; anywhere else a missing rate is a gap.
  if (n.applicability !== undefined) {
    out.applicability = {
      when: { '!=': [{ var: name }, null] },
      reason: { zh: `本项对所有区县（开发区）均不适用（${n.applicability.reason.zh}）`, en: `Not applicable to any district (${n.applicability.reason.en ?? n.applicability.reason.zh})` },
    };
  }
  return out;
}

let mPoints = 0;
const mirror = (n) => {
  if (nationalIds.has(n.id)) {
    const h = half(n.max);
    const m = municipalHalf(n, h.m);
    // Without a municipal lead on the item, the districts' half is the whole item.
    const d = districtHalf(n, m === undefined ? n.max : h.d);
    if (m !== undefined) mPoints += h.m;
    return { id: n.id, title: n.title, max: n.max, children: m === undefined ? [d] : [m, d] };
  }
  return { id: n.id, title: n.title, max: n.max, children: n.children.map(mirror) };
};
const tree = dArea.children.map(mirror);

// 鼓励项: per 先进经验 theme, how many units earned points on it.
const bonusItems = district.bonus.items.map((b) => {
  if (!find(municipal.bonus.items, b.id)) throw new Error(`bonus item ${b.id} is in district.json but not municipal.json`);
  const name = `units_${slug(b.id)}`;
  fields.push({
    name,
    type: 'integer',
    title: { zh: `${b.title.zh}：取得先进经验得分的单位数`, en: `${b.title.en ?? b.title.zh}: units earning bonus points` },
    unit: '个',
    count: { zh: '{count}个单位', en: '{count} units' },
    aggregate: { from: {}, of: { node: b.id }, op: 'count', bar: { op: '>', value: 0 } },
  });
  return {
    id: b.id,
    title: b.title,
    max: 2,
    content: `全市各单位在“${b.title.zh}”方面形成的先进经验、示范成果。`,
    standard: '有2个及以上单位在本方面取得先进经验得分的得1分，5个及以上的得2分；鼓励项合计最高5分。',
    evidenceKinds: ['process'],
    checkMethods: ['data-check'],
    scoring: { method: 'tiers', params: { field: name, by: 'atLeast', bands: [{ bound: 2, points: 1 }, { bound: 5, points: 2 }] } },
    messages: { tier: { suggestion: { zh: '总结推广本方面的先进经验，形成全市可复制的做法', en: 'Spread the practice across the city' } } },
    provenance: modelled('全国评价细则鼓励项（5分）的细目未读到；按各单位先进经验得分情况分档计分为模型设定'),
  };
});

// Vetoes reaching the city: any unit's card vetoed.
fields.push(
  {
    name: 'largerAccidentUnits',
    type: 'integer',
    title: { zh: '因较大及以上生产安全事故被否决的单位数', en: 'units vetoed for a larger production-safety accident' },
    unit: '个',
    count: { zh: '{count}个单位', en: '{count} units' },
    aggregate: { from: {}, of: { veto: 'larger-accident' }, op: 'count' },
  },
  {
    name: 'concealedAccidentUnits',
    type: 'integer',
    title: { zh: '存在瞒报、谎报生产安全事故行为的单位数', en: 'units vetoed for a concealed or misreported accident' },
    unit: '个',
    count: { zh: '{count}个单位', en: '{count} units' },
    aggregate: { from: {}, of: { veto: 'concealed-accident' }, op: 'count' },
  },
);
const VETO_NOTE = '《办法》规定的否决条件原文未读到：任一区县（开发区）或市级成员单位评分卡触发的否决传导至城市，为可配置的模型设定';
const vetoes = [
  {
    id: 'larger-accident',
    title: { zh: '较大及以上生产安全事故', en: 'Larger production-safety accident' },
    when: { '>': [{ var: 'largerAccidentUnits' }, 0] },
    reason: { zh: '评价期内全市发生造成人员死亡的较大及以上生产安全事故（见所列单位），城市评价等级为不合格', en: 'A larger production-safety accident with deaths in the city in the period (units listed): graded fail' },
    effect: { type: 'grade', grade: 'fail' },
    provenance: modelled(VETO_NOTE),
  },
  {
    id: 'concealed-accident',
    title: { zh: '瞒报、谎报生产安全事故', en: 'Concealed or misreported accident' },
    when: { '>': [{ var: 'concealedAccidentUnits' }, 0] },
    reason: { zh: '全市存在瞒报、谎报生产安全事故行为（见所列单位），总分记为0分', en: 'An accident was concealed or misreported in the city (units listed): total set to 0' },
    effect: { type: 'zero' },
    provenance: modelled(VETO_NOTE),
  },
];

// Consistency checks: a city-wide figure, reported by its lead, against the districts' figures.
const CONSISTENCY_NOTE = '城市总数由牵头部门报送，应与区县（开发区）报送的数据相符（数据核查·准确性）；比较方式为模型设定';
const check = (id, zh, en, leadOf, field, op, expect, withFinding) => {
  const item = find(municipal.tree, leadOf);
  if (!item?.lead) throw new Error(`consistency ${id}: ${leadOf} is no municipal item with a lead`);
  const reads = JSON.stringify(item.scoring ?? {}).includes(`"${field}"`);
  if (withFinding && !reads) throw new Error(`consistency ${id}: municipal ${leadOf} does not read ${field}`);
  for (const r of [municipal, district]) if (!r.fields.some((f) => f.name === field)) throw new Error(`consistency ${id}: ${r.id} has no field ${field}`);
  return {
    id,
    title: { zh, en },
    figure: { ruleset: municipal.id, leadOf, field },
    against: { ruleset: district.id, field, op, label: { zh: '区县（开发区）', en: 'districts' } },
    expect,
    ...(withFinding ? { finding: { item: leadOf } } : {}),
    provenance: modelled(CONSISTENCY_NOTE),
  };
};
const consistency = [
  check('larger-accidents', '全市较大及以上生产安全事故起数不少于区县（开发区）合计', "The city's larger accidents are at least the districts' sum", '3.6.57', 'largerAccidents', 'sum', '>=', true),
  check('larger-accident-deaths', '全市较大及以上生产安全事故死亡人数不少于区县（开发区）合计', "The city's deaths in larger accidents are at least the districts' sum", '3.6.57', 'largerAccidentDeaths', 'sum', '>=', false),
  check('hydrant-defects', '全市未保持完好的市政消火栓数不少于区县（开发区）合计', "The city's defective hydrants are at least the districts' sum", '3.1.2.4.1', 'hydrantDefects', 'sum', '>=', true),
  check('old-pipe-renovation', '全市老旧管网改造率在区县（开发区）最低与最高之间', "The city's old-pipe renovation rate lies within the districts' range", '3.1.2.4.2', 'oldPipeRenovationRate', 'min', 'within', true),
  check('hazmat-monitoring', '全市重大危险源监控系统安装率在区县（开发区）最低与最高之间', "The city's hazmat monitoring rate lies within the districts' range", '3.2.1.11', 'hazmatMonitoringRate', 'min', 'within', true),
  check('geohazard-monitoring', '全市地质灾害隐患点监测覆盖率在区县（开发区）最低与最高之间', "The city's geohazard monitoring rate lies within the districts' range", '3.2.4.27', 'geohazardMonitoringRate', 'min', 'within', true),
];

const city = {
  $schema: './ruleset.schema.json',
  id: 'xian-2022/city',
  version: municipal.version,
  edition: 2022,
  title: { zh: '西安市国家安全发展示范城市创建工作评价细则（2022版）·城市自评（全国评价细则工作成效）', en: "Xi'an Safe Development Demonstration City evaluation (2022): the city's own result on the national rubric" },
  description: {
    zh:
      '城市自评（供省级复核）：按国家评价细则（2019版）的工作成效（源头治理18、风险防控32、监督管理16、保障能力16、应急救援14、安全状况4，共100分）和鼓励项（5分），由各市级成员单位和区县（开发区）的评分结果汇总计算。每个三级指标一半按市级牵头部门得分率、一半按区县（开发区）平均得分率折算；否决项由任一单位传导至城市。' +
      '一级项及权重取自国家评价细则；其余分配与计算方法均为模型设定，不代表官方口径。本文件由 scripts/write-city.mjs 自 municipal.json 和 district.json 生成。',
    en:
      "The city's own result for the province's re-check, on the national 2019 rubric's results area (100) and encouragement bucket (5), computed from the municipal units' and districts' scorecards: each national item half by the municipal leads' pooled score rate, half by the districts' mean score rate; a veto on any unit reaches the city. The first-level items and weights are national; everything else is modelled. Generated by scripts/write-city.mjs from municipal.json and district.json.",
  },
  unitKinds: ['city'],
  fields,
  tree,
  bonus: {
    id: '4',
    title: { zh: '鼓励项（先进经验）', en: 'Encouragement (advanced practice)' },
    cap: 5,
    items: bonusItems,
  },
  vetoes,
  grades: municipal.grades,
  normalize: { scale: 100 },
  consistency,
};

const text = JSON.stringify(city, null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(here('city.json'), 'utf8');
  } catch {
    // missing: drifted
  }
  if (current !== text) {
    console.error('city.json is not what scripts/write-city.mjs writes from municipal.json and district.json: run `node scripts/write-city.mjs`');
    process.exit(1);
  }
  console.log('city.json is up to date');
  process.exit(0);
}
writeFileSync(here('city.json'), text);
const items = (ns) => ns.flatMap((n) => (n.children ? items(n.children) : [n]));
console.log(
  `city.json ${city.id} ${city.version}: ${national.length} national items, ${items(tree).length} scored items + ${bonusItems.length} bonus, ` +
    `${fields.length} fields, ${consistency.length} consistency checks; municipal half ${Math.round(mPoints * 1000) / 1000} of 100` +
    (Object.keys(NOT_IN_CITY).length > 0 ? `; left out: ${Object.keys(NOT_IN_CITY).join(', ')}` : ''),
);
