// Generate a fictional but realistic evaluation round for Xi'an's 48 units: every unit's
// evidence (10 filled workbooks, the rest JSON with their schemas), the check findings and the
// units' self-evaluated scores. Every number is made up here, from a seeded PRNG; none of it is
// real data. Run from the repo root:
//
//   node examples/xian-2022-city/generate.mjs            (--force rewrites every workbook)
//
// Deterministic: the same SEED gives byte-identical JSON files. exceljs output is not
// byte-stable (the zip entries carry the time of writing), so a workbook whose parsed values
// already equal the generated ones is left as it is.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { checkConsistency, createEngine, evidenceLayout, mergeEvidence, registerValue, SafecityError, seededRandom, takesRegister } from '@safecity/engine';
import { city as cityRubric, units, rulesetFor } from '@safecity/ruleset-xian-2022';
import { parseWorkbook } from '@safecity/evidence-excel';
import { excelTemplate } from '@safecity/evidence-excel/template';
import { evidenceJsonSchema, jsonTemplate, parseJsonEvidence } from '@safecity/evidence-json';

/** Change this and every number changes. */
const SEED = 20230315;

const HERE = dirname(fileURLToPath(import.meta.url));
const FORCE = process.argv.includes('--force');

/** Units whose evidence is a filled workbook (6 districts, 4 municipal units); the rest are JSON. */
const XLSX_UNITS = ['yanta', 'beilin', 'lintong', 'changan', 'zhouzhi', 'gaoxin', 'yingjiguanliju', 'xiaofangzhidui', 'zhujianju', 'jiaoyuju'];
/** The one unit with a veto: a FICTIONAL larger accident (see README). */
const VETO_UNIT = 'gaoling';
/** Units given a bonus (先进经验) achievement beyond the strongest ones. */
const BONUS_EXTRA = ['xiaofangzhidui', 'gaoxin'];
/**
 * 责任唯一: a city-wide figure is reported by its lead; partners report their own share. Three
 * partners (JSON files) also report the lead's figure, with a different value — the inconsistency
 * the data check must see (`responsibilityConflicts` names both files). Their own share is still
 * what they are scored on. The lead's value is set here too, so the two always differ.
 */
const CONFLICTS = [
  { unit: 'shuiwuju', item: '3.1.2.4.2', field: 'oldPipeRenovationRate', value: 74, lead: 'chengguanju' },
  { unit: 'gongxinju', item: '3.2.1.11', field: 'hazmatMonitoringRate', value: 93.5, lead: 'yingjiguanliju' },
  { unit: 'jiaotongju', item: '3.2.3.23', field: 'bridgeTunnelInspectionRate', value: 100, lead: 'chengguanju', leadValue: 88 },
];
/**
 * The city-wide figures a lead reports, made to agree with the districts' (the city rubric's
 * consistency checks): a rate within the districts' range (their median), a count not below their
 * sum. The one deliberate exception is 市应急管理局's larger accidents: it reports 0 (its general
 * fields included) while 高陵区 reports 1 — the inconsistency the city's check must catch.
 */
const CITY_FIGURES = [
  { lead: 'chengguanju', field: 'oldPipeRenovationRate', from: 'median' },
  { lead: 'yingjiguanliju', field: 'hazmatMonitoringRate', from: 'median' },
  { lead: 'ziyuanguihuaju', field: 'geohazardMonitoringRate', from: 'median' },
  { lead: 'xiaofangzhidui', field: 'hydrantDefects', from: 'sum' },
];

// What a district's territory holds (counts and km are invented, the pattern is geographic:
// the old city has no tailings, spoil sites or geohazards; the Qinling foothills and the loess
// tablelands — 周至, 蓝田, 临潼, 长安, 鄠邑 — have many geohazard sites). A 0 makes the item 不适用.
const GEO = {
  //            hazmat sites, pipeline km, tailings/spoil sites, geohazard sites
  xincheng: [0, 0, 0, 0],
  beilin: [0, 0, 0, 0],
  lianhu: [0, 0, 0, 0],
  yanta: [0, 0, 0, 0],
  baqiao: [2, 18.4, 3, 18],
  weiyang: [3, 12.6, 2, 0],
  yanliang: [4, 9.8, 1, 4],
  lintong: [3, 35.2, 3, 37],
  changan: [2, 41.7, 4, 52],
  gaoling: [5, 22.3, 2, 2],
  huyi: [2, 27.5, 3, 29],
  zhouzhi: [1, 31, 2, 46],
  lantian: [2, 38.6, 5, 58],
  gaoxin: [3, 0, 0, 0],
  jingkai: [6, 6.4, 1, 0],
  qujiang: [0, 0, 0, 0],
  chanba: [0, 0, 1, 2],
  hangtian: [3, 0, 0, 3],
  gangwu: [2, 8.1, 1, 0],
  xixian: [4, 46.9, 3, 5],
};
const GEO_FIELDS = ['hazmatMajorHazardSites', 'oilGasPipelineKm', 'tailingsAndSpoilSites', 'geohazardSites'];
const GEO_NOTE = {
  hazmatMajorHazardSites: '经排查，辖区内无危险化学品重大危险源企业',
  oilGasPipelineKm: '辖区内无油气长输管道',
  tailingsAndSpoilSites: '辖区内无尾矿库、渣土受纳场',
  geohazardSites: '经自然资源部门核定，辖区内无地质灾害隐患点',
};

// ── a seeded PRNG (the engine's seededRandom, mulberry32) ─────────────────────────────────
/** One stream per unit, so changing one unit's rules does not reshuffle the others. */
function rngFor(id) {
  let h = SEED >>> 0;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 2654435761) >>> 0;
  return seededRandom(h);
}
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const round1 = (x) => Math.round(x * 10) / 10;
const pick = (rng, list) => list[Math.floor(rng() * list.length)];
function shuffle(rng, list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ── the rulesets: which method and params score each field ─────────────────────────────
const engine = createEngine();
const compiled = new Map();
function compiledFor(unit) {
  const src = rulesetFor(unit);
  if (!compiled.has(src.id)) compiled.set(src.id, engine.compile(src));
  return compiled.get(src.id);
}
function fieldScoring(ruleset) {
  const out = new Map();
  const add = (s, id) => {
    if (s?.method === undefined) return;
    if (s.method === 'checklist') for (const p of s.params.points) out.set(p.field, { method: 'checklist', item: id });
    else if (s.params?.field !== undefined && !out.has(s.params.field)) out.set(s.params.field, { method: s.method, params: s.params, item: id });
  };
  const walk = (nodes) => {
    for (const n of nodes ?? []) {
      add(n.scoring, n.id);
      // A partner's own share (责任唯一): its own field, scored by the partner rule.
      add(n.partner?.scoring, n.id);
      walk(n.children);
    }
  };
  walk(ruleset.source.tree);
  walk(ruleset.source.bonus?.items);
  return out;
}
/** The aspect an item belongs to, for strengths and weaknesses: 1.3, 2.4, 3.2.1, 3.6, 4 … */
function aspectOf(itemId) {
  const p = itemId.split('.');
  if (p[0] === '4') return '4';
  return p[0] === '3' && p.length >= 4 ? p.slice(0, 3).join('.') : p.slice(0, 2).join('.');
}

// ── a unit's profile and values ─────────────────────────────────────────────────────────
function profileFor(unit, layout, rng) {
  // Triangular around 0.8: most units good or passing, a few excellent, a few weak.
  const strength = round1((0.58 + 0.4 * ((rng() + rng()) / 2)) * 100) / 100;
  const aspects = [...new Set(layout.items.filter((i) => !i.bonus).map((i) => aspectOf(i.id)))];
  const order = shuffle(rng, aspects);
  const nWeak = Math.min(2 + Math.floor(rng() * 3), Math.max(1, aspects.length - 2));
  const nStrong = 1 + Math.floor(rng() * 2);
  return { strength, weak: order.slice(0, nWeak), strong: order.slice(nWeak, nWeak + nStrong) };
}

const RANGES = {
  // integer counts where more is better: [typical low, typical high]
  leadershipMeetings: [0, 6],
  dedicatedStaff: [0, 6],
  safetyTechProjects: [0, 6],
  experienceBases: [0, 3],
  drillsPerYear: [0, 8],
  rescueTeams: [0, 7],
};
/** What nearly every unit has by the third year of the creation work, however weak it is. */
const BASICS = ['leadingGroupDoc', 'overallPlan', 'implementationPlan', 'budgeted'];
const BONUS_FIELDS = ['cultureAchievements', 'rescueInnovations', 'teamHonours', 'techAchievements', 'industryProjects'];

function valueFor(f, q, info, rng, unit) {
  if (f.name === 'largerAccidentDeaths') return unit.id === VETO_UNIT ? 1 : 0;
  if (f.name === 'concealedAccident') return false;
  if (f.name === 'standbySites') {
    // 备检单位: 2–3 sites each unit names for the on-site spot checks (fictional names).
    const r = rngFor(`${unit.id}/standby`);
    const pool = unit.kind === 'municipal'
      ? ['直属执法支队', '行业重点企业（甲）', '行业重点企业（乙）', '下属事业单位', '基层监管所']
      : ['街道安全生产监管站', '重点社区', '工业园区管委会', '危险化学品重点企业', '大型商业综合体'];
    const picked = pool.map((p) => [r(), p]).sort((a, b) => a[0] - b[0]).map(([, p]) => `${unit.name}${p}`);
    return picked.slice(0, r() < 0.5 ? 2 : 3);
  }
  if (f.name === 'largerAccidents') return unit.id === VETO_UNIT ? 1 : 0;
  if (f.name === 'deathRateDeclined' && unit.id === VETO_UNIT) return false;
  if (BONUS_FIELDS.includes(f.name)) return 0; // set per unit below
  const method = info?.method;
  switch (f.type) {
    case 'boolean':
      return rng() < (BASICS.includes(f.name) ? 0.95 : clamp(Math.pow(q, 0.9), 0.05, 0.99));
    case 'integer': {
      if (method === 'per-finding') {
        // Problems found: mostly 0–3.
        let n = 0;
        const p = (1 - q) * 0.9;
        while (n < 6 && rng() < p) n++;
        return n;
      }
      const [lo, hi] = RANGES[f.name] ?? [0, 5];
      return clamp(Math.round(lo + (hi - lo) * q * (0.55 + 0.6 * rng())), f.minimum ?? 0, f.maximum ?? 1e9);
    }
    case 'number': {
      // enforcementStaffRatio (tiers at 50 and 75 %) and any other plain number.
      return round1(clamp(30 + 62 * q * (0.75 + 0.45 * rng()), f.minimum ?? 0, f.maximum ?? 100));
    }
    case 'rate': {
      if (f.name === 'enforcementStaffRatio') {
        // 执法人员占比 (tiers at 50 and 75 %): most departments and districts between 40 and 90 %.
        return round1(clamp(30 + 62 * q * (0.75 + 0.45 * rng()), 0, 100));
      }
      const target = method === 'threshold' ? info.params.value + 1 : (info?.params?.target ?? 95);
      let v;
      if (rng() < q * q) v = target >= 100 ? (rng() < 0.7 ? 100 : 100 - rng() * 1.5) : target + rng() * (100 - target);
      else v = target - (1 - q) * 28 * (0.25 + rng()) - rng() * 3;
      return round1(clamp(v, 45, 100));
    }
    case 'documents': {
      const required = method === 'per-missing' ? info.params.required : ['相关制度文件', '工作方案', '会议纪要'];
      return required.filter(() => rng() < 0.3 + 0.7 * q);
    }
    case 'date':
      return `2022-${String(1 + Math.floor(rng() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`;
    case 'enum':
      return pick(rng, f.values);
    default:
      throw new Error(`no generator for field type ${f.type}`);
  }
}

/** Generate one unit's evidence: { profile, values (field → value or null), byItem, general }. */
function generateUnit(unit, ruleset) {
  const rng = rngFor(unit.id);
  const layout = evidenceLayout(ruleset, unit);
  const scoring = fieldScoring(ruleset);
  const profile = profileFor(unit, layout, rng);
  const weakUnit = profile.strength < 0.72;
  const values = {};
  const geo = GEO[unit.id];
  // Items made 不适用 by a reported 0: their other fields stay blank.
  const notApplicable = new Set();
  for (const it of layout.items) {
    for (const f of it.fields) {
      const gi = GEO_FIELDS.indexOf(f.name);
      if (gi >= 0 && geo !== undefined && geo[gi] === 0) notApplicable.add(it.id);
    }
  }
  for (const it of layout.items) {
    const aspect = aspectOf(it.id);
    const adj = profile.weak.includes(aspect) ? -0.22 - 0.18 * rng() : profile.strong.includes(aspect) ? 0.12 : 0;
    const q = clamp(profile.strength + adj + (rng() - 0.5) * 0.16, 0.05, 1);
    for (const f of it.fields) {
      const gi = GEO_FIELDS.indexOf(f.name);
      if (gi >= 0) {
        values[f.name] = geo?.[gi] ?? 0;
        continue;
      }
      if (notApplicable.has(it.id)) {
        values[f.name] = null;
        continue;
      }
      const v = valueFor(f, q, scoring.get(f.name), rng, unit);
      // Weak units leave a few things blank (not reported), mostly in their weak areas.
      const blank = weakUnit && !it.bonus && rng() < (profile.weak.includes(aspect) ? 0.14 : 0.025);
      values[f.name] = blank ? null : v;
    }
  }
  for (const f of layout.general) values[f.name] = valueFor(f, profile.strength, scoring.get(f.name), rng, unit);
  // The deliberate inconsistencies: a partner's own figure for a lead's indicator.
  for (const c of CONFLICTS) {
    if (c.lead === unit.id && c.leadValue !== undefined) values[c.field] = c.leadValue;
    if (c.unit === unit.id) values[c.field] = c.value;
  }
  // Bonus achievements (先进经验) for the strongest units and a few named ones.
  const bonusFields = layout.items.filter((i) => i.bonus).flatMap((i) => i.fields.map((f) => f.name));
  if (profile.strength >= 0.9 || BONUS_EXTRA.includes(unit.id)) {
    for (const name of shuffle(rng, bonusFields).slice(0, 1 + Math.floor(rng() * 3))) values[name] = 1 + Math.floor(rng() * 2);
  }
  return { layout, profile, values };
}

// ── the evidence register (佐证材料清单) ─────────────────────────────────────────────────
/**
 * Units whose register has one incomplete entry (no 文号, no 印发日期), so the feedback shows
 * 《…》（已登记，缺文号和印发日期）: the document no longer counts, deliberately.
 */
const INCOMPLETE = { lianhu: { field: 'policyDocs' }, beilin: { field: 'overallPlan' } };
/** A unit's 不适用 claim (the checker decides; the score does not change). */
const CLAIMS = { lianhu: { item: '3.1.2.8', reason: '本区无地下综合管廊建设任务，管廊规划由市级统一编制' } };
const CONTACTS = ['王丽', '张强', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '孙悦'];

/** The register of a unit's documents, every entry complete (named, numbered and dated) unless INCOMPLETE says. */
function registerFor(unit, ruleset, values) {
  const rng = rngFor(`${unit.id}/register`);
  const prefix = unit.kind === 'municipal' ? `市${unit.name.replace(/^市/, '').slice(0, 2)}发` : `${unit.name.slice(0, 1)}政办发`;
  const contact = CONTACTS[Math.floor(rng() * CONTACTS.length)];
  const register = {};
  let n = 1 + Math.floor(rng() * 20);
  for (const f of ruleset.fields) {
    const v = values[f.name];
    if (!takesRegister(f) || v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
    const docs = f.type === 'boolean' ? [f.name] : v;
    register[f.name] = docs.map((d) => {
      const name = f.type === 'boolean' ? f.title.zh : d;
      const month = 1 + Math.floor(rng() * 11);
      return {
        document: d,
        title: `${unit.name}${name.replace(/^《|》$/g, '')}`,
        number: `${prefix}〔2022〕${n++}号`,
        date: `2022-${String(month).padStart(2, '0')}-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`,
        archived: true,
        link: `佐证材料/${f.name}/${name}.pdf`,
        provider: unit.name,
        contact,
      };
    });
  }
  const inc = INCOMPLETE[unit.id];
  const entries = inc === undefined ? undefined : register[inc.field];
  if (entries !== undefined && entries.length > 0) {
    // The first document is registered by name only: it does not count.
    const { number: _n, date: _d, ...rest } = entries[0];
    entries[0] = rest;
    const f = ruleset.fields.find((x) => x.name === inc.field);
    values[inc.field] = registerValue(f, entries);
  } else if (inc !== undefined) throw new Error(`${unit.id} has no ${inc.field} to register incompletely`);
  return register;
}

// ── writing: JSON ───────────────────────────────────────────────────────────────────────
const dirOf = (unit) => join(HERE, 'evidence', unit.kind === 'municipal' ? 'municipal' : 'district');

function jsonFile(unit, ruleset, values, register, claims) {
  // The schemas sit in evidence/schemas/, one level up from the file.
  const doc = jsonTemplate(ruleset, unit, { schemaRef: `../schemas/${unit.id}.schema.json` });
  // A documented field is written as its register entries (the value is what they count).
  const valueOf = (name) => register[name] ?? values[name] ?? null;
  for (const [id, fields] of Object.entries(doc.items)) for (const name of Object.keys(fields)) doc.items[id][name] = valueOf(name);
  for (const name of Object.keys(doc.general ?? {})) doc.general[name] = valueOf(name);
  for (const [id, reason] of Object.entries(claims)) if (doc.items[id] !== undefined) doc.items[id].$notApplicable = reason;
  // A partner that also reports the lead's figure writes it under the item, beside its own share.
  for (const c of CONFLICTS) if (c.unit === unit.id) doc.items[c.item][c.field] = c.value;
  return JSON.stringify(doc, null, 2) + '\n';
}

// ── writing: a workbook filled in as a person would ────────────────────────────────────
async function xlsxFile(unit, ruleset, values, register, rng) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await excelTemplate(ruleset, unit));
  const fixed = new Date(Date.UTC(2023, 2, 17 + (unit.id.length % 6), 1 + (unit.id.charCodeAt(0) % 8), 30, 0));
  wb.created = fixed;
  wb.modified = fixed;
  wb.lastModifiedBy = `${unit.name}创建办`;
  const meta = wb.getWorksheet('_meta');
  // Some people type rates as "85%", some as 85.
  const percentStyle = rng();
  const rows = [];
  meta.eachRow((r) => {
    const v = r.values;
    if (v[1] === 'row') rows.push({ sheet: v[2], row: v[3], kind: v[4], item: v[5], field: v[6], document: v[7] || undefined });
  });
  const fieldsByName = new Map(ruleset.fields.map((f) => [f.name, f]));
  for (const r of rows) {
    if (r.kind === 'info' || r.field === '') continue;
    const f = fieldsByName.get(r.field);
    const v = values[r.field];
    const ws = wb.getWorksheet(r.sheet);
    const cell = ws.getCell(r.row, 7);
    const note = ws.getCell(r.row, 8);
    if (v === null || v === undefined) continue;
    if (r.kind === 'document') {
      cell.value = v.includes(r.document) ? '是' : '否';
      continue;
    }
    switch (f.type) {
      case 'boolean':
        cell.value = v ? '是' : '否';
        break;
      case 'rate':
        cell.value = rng() < percentStyle ? `${v}%` : v;
        break;
      case 'documents':
        cell.value = v.length === 0 ? '无' : v.join('；');
        break;
      case 'date':
        cell.value = v;
        break;
      default:
        cell.value = v;
    }
    if (GEO_FIELDS.includes(r.field) && v === 0) note.value = GEO_NOTE[r.field];
    else if (f.type === 'integer' && fieldScoringCache(ruleset).get(r.field)?.method === 'per-finding' && v >= 2) note.value = '已列入问题清单，正在整改';
  }
  // 佐证材料清单: each entry on its pre-filled row, the rest on the blank rows at the end.
  const reg = wb.getWorksheet('佐证材料清单');
  const regRows = [];
  let extraRow;
  meta.eachRow((r) => {
    const v = r.values;
    if (v[1] === 'reg') regRows.push({ row: v[3], item: v[5], field: v[6], document: v[7] || '' });
    if (v[1] === 'regExtra') extraRow = v[3];
  });
  const put = (row, e) => {
    const set = (col, x) => {
      if (x !== undefined) reg.getCell(row, col).value = x;
    };
    set(3, e.title);
    set(4, e.number);
    set(5, e.date === undefined ? undefined : new Date(`${e.date}T00:00:00Z`));
    set(6, e.archived === undefined ? undefined : e.archived ? '是' : '否');
    set(7, e.link);
    set(8, e.provider);
    set(9, e.contact);
  };
  for (const [field, entries] of Object.entries(register)) {
    const mine = regRows.filter((r) => r.field === field);
    for (const e of entries) {
      const at = mine.find((r) => !r.used && (r.document === e.document || (r.document === '' && e.document === e.title)));
      if (at !== undefined) {
        at.used = true;
        put(at.row, e);
      } else {
        reg.getCell(extraRow, 1).value = mine[0]?.item ?? '';
        reg.getCell(extraRow, 2).value = e.document;
        put(extraRow++, e);
      }
    }
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
const scoringCache = new Map();
function fieldScoringCache(ruleset) {
  if (!scoringCache.has(ruleset.id)) scoringCache.set(ruleset.id, fieldScoring(ruleset));
  return scoringCache.get(ruleset.id);
}

// ── checking: what a file reads back as must be exactly what was generated ──────────────
function stable(v) {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
const reported = (values) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
function differences(expected, actual) {
  const out = [];
  for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (stable(expected[k]) !== stable(actual[k])) out.push(`${k}: generated ${stable(expected[k])}, read back ${stable(actual[k])}`);
  }
  return out;
}

// ── the check findings (all invented) ───────────────────────────────────────────────────
/** 现场检查: the three units the on-site groups sampled. */
const ONSITE = {
  lintong: [
    { item: '2.1.2', source: 'onsite', type: 'grade', grade: '良', reason: '总体方案目标明确、分工清楚，但部分任务未量化，缺少年度考核指标' },
    { item: '3.1.2.4.1', source: 'onsite', type: 'deduction', points: 0.4, reason: '现场抽查市政消火栓15处，其中2处出水压力不足', suggestion: '组织对辖区市政消火栓开展全面排查，建立维护保养台账，限期修复' },
    { item: '3.2.2.16', source: 'onsite', type: 'deduction', points: 0.5, reason: '抽查“九小”场所10家，3家存在电动自行车室内充电、灭火器过期问题', suggestion: '开展“九小”场所消防安全专项整治，落实街道、社区网格员日常巡查' },
    { item: '3.2.4.27', source: 'onsite', type: 'rejected', field: 'geohazardMonitoringRate', check: 'accuracy', reason: '填报监测覆盖率与实际不符：现场抽查6处地质灾害隐患点，2处未安装监测设备' },
    { item: '3.5.2.49', source: 'onsite', type: 'deduction', points: 0.5, reason: '2次演练无脚本和评估总结，演练记录不完整', suggestion: '规范应急演练档案，每次演练留存方案、脚本、影像和评估报告' },
  ],
  weiyang: [
    { item: '2.1.2', source: 'onsite', type: 'grade', grade: '优', reason: '总体方案目标明确、任务量化、措施可行' },
    { item: '3.2.2.17', source: 'onsite', type: 'deduction', points: 0.4, reason: '现场检查高层住宅小区3个，2处消防车通道被占用', suggestion: '落实物业消防安全责任，施划消防车通道标线并开展占用通道专项治理' },
    { item: '3.2.3.21', source: 'onsite', type: 'deduction', points: 0.4, reason: '抽查餐饮场所8家，2家未安装可燃气体泄漏报警装置', suggestion: '督促餐饮场所安装可燃气体报警装置并接入城市生命线监测平台' },
    { item: '2.4.2', source: 'onsite', type: 'deduction', points: 0.4, reason: '部分台账资料缺少责任人签字和日期', suggestion: '完善台账资料签字、日期等要素，按月归档' },
  ],
  yingjiguanliju: [
    { item: '2.1.2', source: 'onsite', type: 'grade', grade: '中', reason: '总体方案与本部门行业领域结合不够紧密，部分措施缺少时限' },
    { item: '3.2.1.11', source: 'onsite', type: 'deduction', points: 0.5, reason: '现场抽查重大危险源企业2家，1家视频监控未接入市级监测预警平台', suggestion: '督促企业完成视频监控和安全监控系统联网接入，纳入平台日常巡检' },
    { item: '3.3.3.34', source: 'onsite', type: 'deduction', points: 0.5, reason: '抽查执法案卷10卷，2卷检查记录缺少隐患整改复查内容', suggestion: '规范执法检查闭环管理，隐患整改复查情况及时归档' },
    { item: '3.5.3.50', source: 'onsite', type: 'deduction', points: 0.3, reason: '市级应急物资储备库部分物资未建立出入库登记', suggestion: '健全应急物资出入库和定期盘点制度' },
  ],
};
/** 数据核查: findings of the system check on a few units. */
const DATA_CHECK = {
  beilin: [
    { item: '1.3.1', source: 'data-check', type: 'deduction', points: 0.5, reason: '综合管理系统中2022年第三、四季度风险点数据未更新', suggestion: '明确系统数据填报责任人，按月更新风险点和隐患数据' },
  ],
  huyi: [
    { item: '2.4.1', source: 'data-check', type: 'rejected', field: 'ledgers', check: 'completeness', reason: '系统上传的问题清单、整改清单为空表，无实质内容' },
    { item: '2.4.2', source: 'data-check', type: 'deduction', points: 0.6, reason: '台账资料中3个月份的隐患排查记录缺失', suggestion: '补齐缺失月份的隐患排查记录，建立台账定期自查机制' },
  ],
  gaoxin: [
    { item: '3.3.3.35', source: 'data-check', type: 'deduction', points: 0.5, reason: '系统显示2处重大事故隐患整改超期未销号', suggestion: '对超期隐患挂牌督办，整改完成后及时在系统中销号' },
  ],
  shuiwuju: [
    { item: '3.1.2.7.2', source: 'data-check', type: 'deduction', points: 0.2, reason: '上传的易涝点改造验收资料缺2处', suggestion: '补充易涝点改造工程竣工验收资料' },
  ],
  jiaotongju: [
    { item: '3.2.3.23', source: 'data-check', type: 'deduction', points: 0.5, reason: '3座桥梁的定期检测报告超过规定检测周期', suggestion: '按规范周期委托开展桥梁定期检测，建立检测到期提醒' },
  ],
};

// ── main ────────────────────────────────────────────────────────────────────────────────
async function main() {
  // The data check group grades every unit's submitted overall plan (2.1.2, an expert grade, checked
  // by 数据核查 and 现场检查); the on-site grade, where a group visited, stands over it. Added before
  // scoring, so the self-scores below are measured against the very cards the demo prints.
  for (const unit of units) {
    const r = rngFor(`${unit.id}/plan`)();
    const grade = r < 0.3 ? '优' : r < 0.85 ? '良' : '中';
    (DATA_CHECK[unit.id] ??= []).push({ item: '2.1.2', source: 'data-check', type: 'grade', grade });
  }
  const problems = [];
  const written = { json: 0, schema: 0, xlsx: 0, xlsxKept: 0 };
  const cards = new Map();
  const write = (file, text) => {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    writeFileSync(file, text);
  };
  // Every unit's values first, so the leads' city-wide figures can agree with the districts'.
  const generated = new Map(units.map((unit) => [unit.id, generateUnit(unit, compiledFor(unit)).values]));
  const districtValues = (field) =>
    units
      .filter((u) => u.kind !== 'municipal')
      .map((u) => generated.get(u.id)[field])
      .filter((v) => typeof v === 'number')
      .sort((a, b) => a - b);
  for (const f of CITY_FIGURES) {
    const vs = districtValues(f.field);
    const v = f.from === 'sum' ? vs.reduce((a, b) => a + b, 0) : vs[Math.floor(vs.length / 2)];
    generated.get(f.lead)[f.field] = v;
  }
  for (const c of CONFLICTS) {
    const lead = generated.get(c.lead)[c.field];
    if (lead === null || lead === undefined || lead === c.value) throw new Error(`${c.lead} must report ${c.field}, unlike ${c.unit}'s ${c.value}`);
  }
  const parts = [];
  for (const unit of units) {
    const ruleset = compiledFor(unit);
    const values = generated.get(unit.id);
    const register = registerFor(unit, ruleset, values);
    const claims = CLAIMS[unit.id] === undefined ? {} : { [CLAIMS[unit.id].item]: CLAIMS[unit.id].reason };
    const expected = reported(values);
    const dir = dirOf(unit);
    let part;
    if (XLSX_UNITS.includes(unit.id)) {
      const file = join(dir, `${unit.id}.xlsx`);
      const name = relative(HERE, file);
      // Keep a workbook that already reads back as exactly these values (exceljs writes the
      // time into the zip, so rewriting would change the bytes for nothing).
      let keep = false;
      if (!FORCE && existsSync(file)) {
        try {
          const old = await parseWorkbook(readFileSync(file), { file: name, ruleset, units });
          keep = differences(expected, old.part.values).length === 0 && old.warnings.length === 0 && stable(old.part.register ?? {}) === stable(register);
        } catch {
          keep = false;
        }
      }
      if (!keep) {
        const bytes = await xlsxFile(unit, ruleset, values, register, rngFor(`${unit.id}/xlsx`));
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, bytes);
        written.xlsx++;
      } else written.xlsxKept++;
      const parsed = await parseWorkbook(readFileSync(file), { file: name, ruleset, units });
      for (const w of parsed.warnings) problems.push(`${w.path}: warning: ${w.message}`);
      part = parsed.part;
    } else {
      const file = join(dir, `${unit.id}.json`);
      const text = jsonFile(unit, ruleset, values, register, claims);
      write(file, text);
      write(join(HERE, 'evidence', 'schemas', `${unit.id}.schema.json`), JSON.stringify(evidenceJsonSchema(ruleset, unit), null, 2) + '\n');
      written.json++;
      written.schema++;
      const parsed = parseJsonEvidence(readFileSync(file), { file: relative(HERE, file), ruleset, units });
      // The one warning expected: a partner's own figure for a lead's indicator (kept, not scored).
      const expectedWarning = (w) => CONFLICTS.some((c) => c.unit === unit.id && w.path.endsWith(`/items/${c.item}/${c.field}`));
      for (const w of parsed.warnings) if (!expectedWarning(w)) problems.push(`${w.path}: warning: ${w.message}`);
      for (const c of CONFLICTS) {
        if (c.unit === unit.id && !parsed.warnings.some(expectedWarning)) problems.push(`${unit.id}: no warning for its figure ${c.field} (the lead's indicator)`);
      }
      part = parsed.part;
    }
    for (const d of differences(expected, part.values)) problems.push(`${unit.id}: ${d}`);
    if (stable(part.register ?? {}) !== stable(register)) problems.push(`${unit.id}: the register does not read back as generated`);
    if (stable(part.claims ?? {}) !== stable(claims)) problems.push(`${unit.id}: the 不适用 claims do not read back as generated`);
    parts.push(part);
    const findings = [...(ONSITE[unit.id] ?? []), ...(DATA_CHECK[unit.id] ?? [])];
    cards.set(unit.id, ruleset.score({ unit, values: part.values, ...(part.register ? { register: part.register } : {}), ...(part.claims ? { claims: part.claims } : {}) }, { findings }));
  }
  if (problems.length > 0) {
    console.error(`generate: the files do not read back as generated:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  // As the demo does: the city rubric's consistency checks turn a city-wide figure that does not
  // add up into a data-check rejection, and the municipal units are scored again with them.
  const evidence = mergeEvidence(parts).units;
  const roundRulesets = [...compiled.values()];
  const consistency = checkConsistency(engine.compile(cityRubric), { cards: [...cards.values()], evidence, rulesets: roundRulesets });
  for (const [id, extra] of Object.entries(consistency.findings)) {
    const e = evidence.find((x) => x.unit.id === id);
    const unit = units.find((u) => u.id === id);
    const findings = [...(ONSITE[id] ?? []), ...(DATA_CHECK[id] ?? []), ...extra];
    cards.set(id, compiledFor(unit).score(e, { findings }));
  }

  // Self-evaluated scores (on the normalised 100-point scale the grades use): the scored
  // normalised score plus an optimistic bias of 0–5 points; no unit overstates by more than 5.
  const selfScores = {};
  for (const unit of units) {
    const card = cards.get(unit.id);
    const rng = rngFor(`${unit.id}/self`);
    const bias = rng() * rng() * 5;
    selfScores[unit.id] = round1(Math.min(card.normalized + bias, 100 + card.bonus));
  }
  write(join(HERE, 'self-scores.json'), JSON.stringify(selfScores, null, 2) + '\n');
  write(join(HERE, 'findings', 'onsite.json'), JSON.stringify(ONSITE, null, 2) + '\n');
  write(join(HERE, 'findings', 'data-check.json'), JSON.stringify(DATA_CHECK, null, 2) + '\n');

  const grades = {};
  for (const c of cards.values()) grades[c.gradeTitle] = (grades[c.gradeTitle] ?? 0) + 1;
  const ns = [...cards.values()].map((c) => c.normalized).sort((a, b) => a - b);
  console.log(
    `generated ${units.length} units: ${written.json} JSON (+ schemas), ${written.xlsx} workbooks written, ${written.xlsxKept} kept (unchanged); ` +
      `all read back as generated.\nnormalized ${ns[0]}–${ns[ns.length - 1]}, grades ${Object.entries(grades).map(([g, n]) => `${g} ${n}`).join(', ')}`,
  );
  if (process.argv.includes('--verbose')) {
    for (const [id, c] of [...cards].sort((a, b) => b[1].normalized - a[1].normalized)) {
      console.log(`${id.padEnd(20)} ${String(c.normalized).padStart(7)} ${c.gradeTitle}${c.vetoed ? ' (否决)' : ''}  bonus ${c.bonus}  self ${selfScores[id]}`);
    }
  }
}

main().catch((e) => {
  if (e instanceof SafecityError) {
    console.error(`generate: ${e.message}`);
    for (const i of e.issues ?? []) console.error(`  ${i.path}: ${i.message}`);
    process.exit(1);
  }
  throw e;
});
