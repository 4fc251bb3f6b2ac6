// A filled rectification ledger example (问题整改台账), as two districts and the office would
// fill it in, and the re-scored round (复核) it is read back against. Run by hand after the demo
// (its output is committed):
//
//   npm run demo                                   (writes out/ at the repo root)
//   node examples/xian-2022-city/ledger/fill.mjs [--out DIR]   (DIR: the demo's out/, default out)
//
// Writes into this folder: yanta.xlsx and beilin.xlsx (each unit's ledger as the demo issued it on
// 2023年3月31日, with the unit's columns 责任人/整改措施/进度/整改佐证 and the office's 复核意见/销号日期
// filled in) and rescored/<unit>.scorecard.json (the re-check of 2023年5月: the unit's evidence
// with what it rectified corrected, scored with the re-check's findings). The story, all made up:
//
// - 雁塔区 closes most of what fell due, but reports the city risk assessment (3.3.2.31) 已完成
//   while the re-check still finds no assessment report (仍扣分), lets the risk map (3.3.2.32) run
//   past its 2023年4月30日 (逾期), and is still building what takes months (消防站, 管廊, 整改中);
// - 碑林区 closes everything else that fell due, on time, but not its overall plan (2.1.1: registered
//   without 文号 or 印发日期, so not accepted), still 整改中 past its due date; the rest is 整改中 or 长期坚持.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { createEngine } from '@safecity/engine';
import { parseJsonEvidence } from '@safecity/evidence-json';
import { parseWorkbook } from '@safecity/evidence-excel';
import { rulesets, units } from '@safecity/ruleset-xian-2022';
import { feedbackRows, feedbackWorkbook, quoteCell } from '@safecity/report';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = resolve(HERE, '..');
const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const demoOut = resolve(process.env.INIT_CWD ?? process.cwd(), outAt >= 0 ? argv[outAt + 1] : 'out');

const DATE = '2023-03-31'; // the feedback's date, as in the demo
const REVIEW = '2023-05-20'; // the re-check; the day the ledgers are read back
const ruleset = rulesets['xian-2022/district'];
const compiled = createEngine().compile(ruleset);
const options = { ruleset, units, date: DATE };
const day = (iso) => new Date(`${iso}T00:00:00Z`);

/** A value that meets the item's standard, by its scoring method: what the unit's rectification achieved. */
function fixed(itemId) {
  const find = (nodes) => {
    for (const n of nodes) {
      if (n.id === itemId) return n;
      const c = n.children ? find(n.children) : undefined;
      if (c) return c;
    }
  };
  const { method, params } = find(ruleset.tree).scoring;
  if (method === 'presence') return { [params.field]: true };
  if (method === 'rate') return { [params.field]: 100 };
  if (method === 'per-missing') return { [params.field]: params.required };
  if (method === 'per-finding') return { [params.field]: 0 };
  if (method === 'checklist') return Object.fromEntries(params.points.map((p) => [p.field, true]));
  throw new Error(`no fix modelled for ${itemId} (${method})`);
}

/**
 * Each unit: its evidence file, what it filled per item (every row of the item), the items whose
 * evidence the re-check finds corrected, and the findings of the check that the re-check drops.
 */
const UNITS = {
  yanta: {
    evidence: 'evidence/district/yanta.xlsx',
    owner: '区应急管理局 王建国',
    rows: {
      '1.3.2': ['与市安全生产技术服务中心签订技术支撑协议', '已完成', '技术服务协议（2023年4月12日）', '已核实协议原件', '2023-04-25'],
      '1.5.2': ['为2个街道补充专职安全监管人员', '已完成', '人员任命文件', '已核实', '2023-04-28'],
      '2.1.2': ['按专家意见修订总体方案', '已完成', '总体方案（修订稿）', '复核评定为“优”', '2023-04-28'],
      '2.2.2': ['逐项督办未完成任务', '已完成', '任务完成情况台账', '已核实', '2023-04-27'],
      '3.1.1.3': ['印发管线管廊安全管理办法', '已完成', '雁政办发〔2023〕12号', '已核实', '2023-04-20'],
      '3.2.2.15': ['对大型活动主办方约谈并复查', '已完成', '约谈记录、复查记录', '已核实', '2023-04-06'],
      '3.2.2.19': ['开展学校、医院、宗教活动场所专项整治', '已完成', '专项整治总结', '已核实', '2023-04-26'],
      '3.3.2.31': ['委托第三方开展城市安全风险评估，报告已完成初稿', '已完成', '评估报告（初稿）', '报告未经专家评审，不予销号'],
      '3.3.2.32': ['风险清单编制中，风险分布图待评估报告定稿后绘制', '整改中', ''],
      '3.3.3.35': ['挂牌督办剩余重大隐患', '已完成', '隐患销号记录', '已核实', '2023-04-29'],
      '3.5.1.47': ['明确信息报送责任人，建立日报制度', '已完成', '信息报送制度', '已核实', '2023-04-07'],
      '3.1.2.5.1': ['新建消防站已立项，年内开工', '整改中', '立项批复'],
      '3.1.2.8': ['管廊建设规划编制已招标', '整改中', '招标公告'],
      '3.6.54': ['落实安全生产责任制，加强重点行业监管', '整改中', ''],
    },
    // Corrected in the evidence (all of these but 3.3.2.31 and 3.3.2.32, which are not).
    fixed: ['1.3.2', '1.5.2', '2.2.2', '3.1.1.3', '3.2.2.15', '3.2.2.19', '3.3.3.35', '3.5.1.47'],
    // The re-check's expert grading of 2.1.2 (总体方案) is 优.
    findings: [{ item: '2.1.2', source: 'data-check', type: 'grade', grade: '优' }],
  },
  beilin: {
    evidence: 'evidence/district/beilin.xlsx',
    owner: '区应急管理局 李红',
    rows: {
      '1.2.1': ['印发安全发展规划', '已完成', '碑政发〔2023〕8号', '已核实', '2023-04-18'],
      '1.3.1': ['补录2022年第三、四季度风险点数据，明确填报责任人', '已完成', '系统截图、责任分工表', '已核实系统数据', '2023-04-06'],
      '1.5.2': ['为街道补齐专职安全监管人员', '已完成', '人员任命文件', '已核实', '2023-04-21'],
      '2.2.2': ['逐项督办未完成任务', '已完成', '任务完成情况台账', '已核实', '2023-04-25'],
      '3.1.1.1': ['修订专项规划中的防灾减灾内容', '已完成', '规划修订稿及批复', '已核实', '2023-04-27'],
      '3.1.1.3': ['印发轨道交通、燃气工程安全管理办法', '已完成', '碑政办发〔2023〕15、16号', '已核实', '2023-04-26'],
      '3.4.2.39': ['制定政府购买安全服务指导目录', '已完成', '碑政办发〔2023〕19号', '已核实', '2023-04-28'],
    },
    fixed: ['1.2.1', '1.3.1', '1.5.2', '2.2.2', '3.1.1.1', '3.1.1.3', '3.4.2.39'],
    // The data check's 1.3.1 finding is not raised again; the grading of 2.1.2 stays 优.
    findings: [{ item: '2.1.2', source: 'data-check', type: 'grade', grade: '优' }],
  },
};

mkdirSync(join(HERE, 'rescored'), { recursive: true });
const listed = [];
for (const [id, u] of Object.entries(UNITS)) {
  const card = JSON.parse(readFileSync(join(demoOut, 'scores', 'district', `${id}.scorecard.json`), 'utf8'));

  // The ledger as issued, then filled in: every row of an item the unit wrote about; the rest
  // (due later) 整改中 with the unit's owner.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await feedbackWorkbook(card, options));
  const byKey = new Map(feedbackRows(card, options).map((r) => [r.key, r]));
  for (const name of ['意见反馈清单', '问题反馈清单']) {
    const ws = wb.getWorksheet(name);
    ws.eachRow((row) => {
      const r = byKey.get(String(row.getCell(17).value ?? ''));
      if (r === undefined || r.superseded) return;
      const [measures, progress, proof, review, closed] = u.rows[r.itemId] ?? ['已制定整改方案，按时限推进', '整改中', ''];
      row.getCell(11).value = u.owner;
      row.getCell(12).value = quoteCell(measures);
      row.getCell(13).value = progress;
      if (proof) row.getCell(14).value = quoteCell(proof);
      if (review) row.getCell(15).value = quoteCell(review);
      if (closed) row.getCell(16).value = day(closed);
    });
  }
  writeFileSync(join(HERE, `${id}.xlsx`), new Uint8Array(await wb.xlsx.writeBuffer()));

  // The re-check: the unit's evidence with what it rectified corrected.
  const input = readFileSync(join(EXAMPLE, u.evidence));
  const parsed = u.evidence.endsWith('.json') ? parseJsonEvidence(input, { file: u.evidence, ruleset: compiled, units }) : await parseWorkbook(input, { file: u.evidence, ruleset: compiled, units });
  const evidence = parsed.part;
  for (const item of u.fixed) Object.assign(evidence.values, fixed(item));
  const rescored = compiled.score(evidence, { findings: u.findings });
  const text = JSON.stringify(rescored, null, 2) + '\n';
  writeFileSync(join(HERE, 'rescored', `${id}.scorecard.json`), text);
  listed.push({ name: `${id}.scorecard.json`, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
  console.log(`${card.unit.name}: ledger ${id}.xlsx, re-scored ${card.total} → ${rescored.total}`);
}
// The manifest `safecity score --out` writes, so that `safecity ledger` checks the re-check's cards.
const manifest = { format: 'safecity-manifest/1', command: 'score', rulesets: [{ id: compiled.id, version: compiled.version, hash: compiled.hash }], files: listed.sort((a, b) => (a.name < b.name ? -1 : 1)) };
writeFileSync(join(HERE, 'rescored', 'safecity-manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`read them back on ${REVIEW}:\n  npx safecity ledger --ledgers examples/xian-2022-city/ledger/*.xlsx --scores examples/xian-2022-city/ledger/rescored --date ${REVIEW} --out out/rectification.md`);
