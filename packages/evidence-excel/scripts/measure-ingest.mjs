// Excel ingest cost, as ratios measured in one run: readWorkbooks (this package, built) vs a bare
// exceljs load vs fflate's unzipSync, over the demo's filled workbooks. Interleaved rounds; the
// median of per-round ratios. Usage (after building engine, ruleset-xian-2022 and this package):
//   node packages/evidence-excel/scripts/measure-ingest.mjs [rounds] [path/to/evidence-excel/dist/index.js]
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { createEngine } from '@safecity/engine';
import { rulesets, units } from '@safecity/ruleset-xian-2022';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.argv[2] ?? 15);
const lib = process.argv[3] ? resolve(process.argv[3]) : join(here, '../dist/index.js');
const { readWorkbooks } = await import(pathToFileURL(lib).href);
const root = join(here, '../../../examples/xian-2022-city/evidence');
const engine = createEngine();
const groups = ['district', 'municipal'].map((kind) => ({
  ruleset: engine.compile(rulesets[`xian-2022/${kind}`]),
  files: readdirSync(join(root, kind))
    .filter((f) => f.endsWith('.xlsx'))
    .map((f) => ({ file: f, input: new Uint8Array(readFileSync(join(root, kind, f))) })),
}));
const n = groups.reduce((s, g) => s + g.files.length, 0);

async function ours() {
  for (const g of groups) await readWorkbooks(g.files, { ruleset: g.ruleset, units });
}
async function exceljs() {
  for (const g of groups) for (const f of g.files) await new ExcelJS.Workbook().xlsx.load(Buffer.from(f.input));
}
async function unzip() {
  for (const g of groups) for (const f of g.files) unzipSync(f.input);
}
async function time(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (let i = 0; i < 3; i++) await ours(), await exceljs(), await unzip();
const r = { ours: [], exceljs: [], unzip: [], oursVsExceljs: [], unzipVsExceljs: [] };
for (let i = 0; i < rounds; i++) {
  const order = i % 2 ? [['unzip', unzip], ['exceljs', exceljs], ['ours', ours]] : [['ours', ours], ['exceljs', exceljs], ['unzip', unzip]];
  const t = {};
  for (const [k, fn] of order) t[k] = await time(fn);
  for (const k of ['ours', 'exceljs', 'unzip']) r[k].push(t[k]);
  r.oursVsExceljs.push(t.ours / t.exceljs);
  r.unzipVsExceljs.push(t.unzip / t.exceljs);
}
console.log(JSON.stringify({
  workbooks: n,
  rounds,
  msPerRound: { readWorkbooks: +median(r.ours).toFixed(1), exceljsLoad: +median(r.exceljs).toFixed(1), unzipSync: +median(r.unzip).toFixed(1) },
  readWorkbooksVsExceljs: +median(r.oursVsExceljs).toFixed(3),
  unzipVsExceljs: +median(r.unzipVsExceljs).toFixed(3),
}));
