// The bench workload: one city, generated deterministically from a seed. A spec of items
// (method, field, params in integer thousandths) is drawn first; every engine then expresses
// the same rules from that spec (safecity: one ruleset JSON; the others: see engines.mjs).

import { seededRandom } from '@safecity/engine';

/** The engine's seeded PRNG (mulberry32): the workload never touches Math.random. */
export const prng = seededRandom;

export const METHODS = ['presence', 'per-finding', 'per-missing', 'threshold', 'rate', 'tiers'];
export const DEFAULT_SEED = 20230601;

const PHRASES = {
  presence: ['城市安全发展规划', '安全生产责任清单', '应急预案体系', '隐患排查治理制度', '安全风险评估报告', '应急物资储备方案'],
  'per-finding': ['市政消火栓未保持完好', '消防车通道被占用', '燃气管道安全隐患', '桥梁隧道病害', '电梯安全隐患', '人员密集场所隐患'],
  'per-missing': ['设施安全管理办法', '专项应急预案', '行业安全规范', '风险管控制度', '监管执法文件', '安全培训资料'],
  threshold: ['老旧管网改造率', '危化品企业监控安装率', '城市内涝治理率', '老旧小区改造率', '地下管线普查率', '防洪设施达标率'],
  rate: ['消防通信设施完好率', '安全隐患整改率', '重点企业在线监测率', '应急避难场所达标率', '安全培训覆盖率', '执法检查完成率'],
  tiers: ['应急演练次数', '安全宣传活动次数', '专职消防队数量', '安全社区创建数', '应急救援队伍数', '风险监测点位数'],
  logic: ['综合应急能力达标率', '城市生命线监测覆盖率', '安全文化普及率', '智慧安全平台接入率', '企业安全标准化达标率'],
};
const DOCS = ['高层建筑', '大型商业综合体', '综合交通枢纽', '轨道交通', '燃气工程', '电梯', '桥梁隧道', '地下管廊', '水利设施', '危化品仓储'];
const DISTRICTS = ['新城', '碑林', '莲湖', '灞桥', '未央', '雁塔', '阎良', '临潼', '长安', '高陵', '鄠邑', '蓝田'];
const MAXES = [500, 1000, 1000, 1500, 2000, 2000, 3000]; // thousandths

/** Points in thousandths → a number with at most three decimals, as a ruleset writes them. */
export const pts = (milli) => milli / 1000;

/**
 * Draw the spec of `items` items: every 10th item a JsonLogic expression, the rest cycling
 * through the six built-in methods in equal shares. Params are integer thousandths.
 */
export function makeSpec(items, rnd) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const spec = [];
  let k = 0;
  for (let i = 0; i < items; i++) {
    const method = i % 10 === 9 ? 'logic' : METHODS[k++ % METHODS.length];
    const n = String(i + 1).padStart(3, '0');
    const max = pick(MAXES);
    const title = `${PHRASES[method][i % PHRASES[method].length]}（${n}）`;
    const s = { index: i, method, max, title };
    const capOf = () => (rnd() < 0.5 ? undefined : Math.max(100, Math.round((max * pick([0.5, 0.75, 1])) / 100) * 100));
    switch (method) {
      case 'presence':
        s.field = { name: `plan${n}`, type: 'boolean' };
        s.deduct = rnd() < 0.5 ? undefined : Math.round(max / 2);
        break;
      case 'per-finding':
        s.field = { name: `defects${n}`, type: 'integer', unit: '处', minimum: 0 };
        s.per = pick([100, 200, 250, 500]);
        s.cap = capOf();
        break;
      case 'per-missing': {
        s.field = { name: `docs${n}`, type: 'documents' };
        const pool = DOCS.slice();
        const count = 3 + Math.floor(rnd() * 4);
        s.required = [];
        for (let j = 0; j < count; j++) s.required.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
        s.per = pick([200, 250, 500]);
        s.cap = capOf();
        break;
      }
      case 'threshold':
        s.field = { name: `reno${n}`, type: 'rate', unit: '%' };
        s.op = pick(['<=', '<']);
        s.value = pick([80, 85, 90]);
        s.deduct = Math.min(max, pick([500, 1000]));
        break;
      case 'rate':
        s.field = { name: `rate${n}`, type: 'rate', unit: '%' };
        s.target = pick([90, 95, 100]);
        s.per = rnd() < 0.2 ? undefined : pick([100, 200, 500]);
        s.step = pick([undefined, 500, 1000, 2000, 5000]);
        s.cap = capOf();
        break;
      case 'tiers': {
        s.field = { name: `count${n}`, type: 'integer', unit: '次', minimum: 0 };
        s.by = rnd() < 0.75 ? 'atLeast' : 'atMost';
        const fracs = [1, 0.75, 0.5, 0.25].slice(0, 2 + Math.floor(rnd() * 3));
        const bounds = s.by === 'atLeast' ? [12, 8, 4, 1] : [0, 2, 5, 9];
        // Best band first (the order safecity's `prepare` sorts them into).
        s.bands = fracs.map((f, j) => ({ bound: bounds[j], points: Math.round((max * f) / 10) * 10 }));
        break;
      }
      case 'logic': {
        s.field = { name: `level${n}`, type: 'rate', unit: '%' };
        const t1 = pick([95, 98, 100]);
        // An if-chain over a rate: full marks at t1, less below; the last branch may be 0.
        s.chain = [
          { min: t1, points: max },
          { min: t1 - 5, points: Math.round((max * 0.6) / 10) * 10 },
          { min: t1 - 15, points: Math.round((max * 0.2) / 10) * 10 },
        ];
        s.otherwise = 0;
        break;
      }
    }
    spec.push(s);
  }
  return spec;
}

/** The safecity ruleset JSON for a spec: categories → indicators (≤ 6 items) → items. */
export function makeRuleset(spec) {
  const toItem = (s, id) => {
    const f = s.field.name;
    let scoring;
    switch (s.method) {
      case 'presence':
        scoring = { method: 'presence', params: s.deduct === undefined ? { field: f } : { field: f, deduct: pts(s.deduct) } };
        break;
      case 'per-finding':
      case 'per-missing': {
        const params = { field: f };
        if (s.required) params.required = s.required;
        params.per = pts(s.per);
        if (s.cap !== undefined) params.cap = pts(s.cap);
        scoring = { method: s.method, params };
        break;
      }
      case 'threshold':
        scoring = { method: 'threshold', params: { field: f, op: s.op, value: s.value, deduct: pts(s.deduct) } };
        break;
      case 'rate': {
        const params = { field: f, target: s.target };
        if (s.per !== undefined) params.per = pts(s.per);
        if (s.step !== undefined) params.step = pts(s.step);
        if (s.cap !== undefined) params.cap = pts(s.cap);
        scoring = { method: 'rate', params };
        break;
      }
      case 'tiers':
        scoring = { method: 'tiers', params: { field: f, by: s.by, bands: s.bands.map((b) => ({ bound: b.bound, points: pts(b.points) })) } };
        break;
      case 'logic': {
        const branches = [];
        for (const c of s.chain) branches.push({ '>=': [{ var: f }, c.min] }, pts(c.points));
        branches.push(pts(s.otherwise));
        scoring = { logic: { if: branches } };
        break;
      }
    }
    return {
      id,
      title: { zh: s.title },
      max: pts(s.max),
      content: `${s.title}符合要求`,
      standard: `按${s.method === 'logic' ? '分档表达式' : s.method}计分，${pts(s.max)}分扣完为止`,
      evidenceKinds: ['ledger'],
      checkMethods: ['data-check'],
      scoring,
    };
  };
  // Chunk items into indicators of six, indicators into (at most) five categories.
  const indicators = [];
  for (let i = 0; i < spec.length; i += 6) indicators.push(spec.slice(i, i + 6));
  const perCategory = Math.ceil(indicators.length / 5);
  const tree = [];
  for (let c = 0; c * perCategory < indicators.length; c++) {
    const cid = String(c + 1);
    const children = indicators.slice(c * perCategory, (c + 1) * perCategory).map((items, j) => {
      const iid = `${cid}.${j + 1}`;
      const kids = items.map((s, k) => toItem(s, `${iid}.${k + 1}`));
      return { id: iid, title: { zh: `二级指标${iid}` }, max: sumMax(kids), children: kids };
    });
    tree.push({ id: cid, title: { zh: `一级指标${cid}` }, max: sumMax(children), children });
  }
  return {
    id: 'bench/city',
    version: '1.0.0',
    edition: 2022,
    title: { zh: '基准测试：城市自检评估细则', en: 'Bench: city self-inspection rubric' },
    unitKinds: ['district'],
    fields: spec.map((s) => {
      const f = { name: s.field.name, type: s.field.type, title: { zh: s.title.replace(/（\d+）$/, '') } };
      if (s.field.unit) f.unit = s.field.unit;
      if (s.field.minimum !== undefined) f.minimum = s.field.minimum;
      return f;
    }),
    tree,
    grades: [
      { id: 'excellent', title: { zh: '优秀' }, min: 0.9 * pts(spec.reduce((t, s) => t + s.max, 0)) },
      { id: 'pass', title: { zh: '合格' }, min: 0.6 * pts(spec.reduce((t, s) => t + s.max, 0)) },
      { id: 'fail', title: { zh: '不合格' }, min: 0 },
    ],
  };
}

function sumMax(nodes) {
  return pts(nodes.reduce((t, n) => t + Math.round(n.max * 1000), 0));
}

/** One decimal, as a rate is reported (e.g. 93.2). */
const oneDecimal = (x) => Math.round(x * 10) / 10;

/** Evidence of `units` districts: some findings, missing documents, rates below target, gaps. */
export function makeEvidence(spec, units, rnd) {
  const out = [];
  for (let u = 0; u < units; u++) {
    const values = {};
    for (const s of spec) {
      const r = rnd();
      if (r < 0.03) continue; // not reported
      if (r < 0.04) {
        values[s.field.name] = null; // reported as empty: not evidence either
        continue;
      }
      let v;
      switch (s.method) {
        case 'presence':
          v = rnd() < 0.85;
          break;
        case 'per-finding':
          v = rnd() < 0.45 ? 0 : 1 + Math.floor(rnd() * 8);
          break;
        case 'per-missing':
          v = s.required.filter(() => rnd() < 0.82);
          if (rnd() < 0.2) v.push('其他文件');
          v.reverse();
          break;
        case 'threshold':
          v = oneDecimal(70 + rnd() * 30);
          break;
        case 'rate':
          v = rnd() < 0.35 ? oneDecimal(s.target + rnd() * (100 - s.target)) : oneDecimal(Math.max(0, s.target - rnd() * 12));
          break;
        case 'tiers':
          v = Math.floor(rnd() * 15);
          break;
        case 'logic':
          v = oneDecimal(75 + rnd() * 25);
          break;
      }
      values[s.field.name] = v;
    }
    const name = `${DISTRICTS[u % DISTRICTS.length]}${u >= DISTRICTS.length ? Math.floor(u / DISTRICTS.length) + 1 : ''}区`;
    out.push({ unit: { id: `d${String(u + 1).padStart(2, '0')}`, name, kind: 'district' }, values });
  }
  return out;
}

/** The whole workload: spec, safecity ruleset JSON, and the units' evidence. */
export function makeWorkload({ units = 48, items = 150, seed = DEFAULT_SEED } = {}) {
  const rnd = prng(seed);
  const spec = makeSpec(items, rnd);
  return { seed, units, items, spec, ruleset: makeRuleset(spec), evidence: makeEvidence(spec, units, rnd) };
}
