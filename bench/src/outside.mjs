// Figures outside the engine's scoring: the browser bundle, Excel and JSON ingest of the demo's
// evidence, the command's start-up, and the demo. Each returns its figures or throws; the bench
// turns a throw into a note and a goal without a value, never a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { interleave, medianMs, ratioOf } from './timing.mjs';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = join(ROOT, 'examples/xian-2022-city');
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * `@safecity/engine` bundled for the browser by esbuild (platform browser, minified, ESM), as an
 * app importing it would: bytes minified and gzipped (zlib, level 9), and the Node built-ins it
 * imports. A built-in is left external and listed (a browser bundler fails on it): a finding,
 * not a crash. Resolves the package as installed (its `dist`).
 */
export async function browserBundle() {
  const esbuild = await import('esbuild');
  const builtins = new Set();
  const result = await esbuild.build({
    stdin: { contents: "export * from '@safecity/engine';", resolveDir: join(ROOT, 'bench'), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (!BUILTINS.has(args.path)) return undefined;
            builtins.add(args.path.replace(/^node:/, ''));
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0].contents;
  return { minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, nodeBuiltins: [...builtins].sort(), esbuild: esbuild.version };
}

/** The demo's evidence files of one kind (`district`, `municipal`) ending in `ext`, as bytes. */
function evidenceFiles(ext) {
  const out = [];
  for (const kind of ['municipal', 'district']) {
    const dir = join(DEMO, 'evidence', kind);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith(ext)) out.push({ kind, file: `evidence/${kind}/${f}`, input: new Uint8Array(readFileSync(join(dir, f))) });
  }
  return out;
}

/** The Xi'an 2022 rulesets the demo scores, compiled by `engine`, and the units. */
export async function xianRulesets(engine) {
  const { rulesets, units } = await import('@safecity/ruleset-xian-2022');
  return { units, compiled: { municipal: engine.compile(rulesets['xian-2022/municipal']), district: engine.compile(rulesets['xian-2022/district']) } };
}

/**
 * Excel ingest of the demo's workbooks, interleaved: `readWorkbooks` (per kind, as the CLI reads
 * them) vs a bare exceljs `new Workbook().xlsx.load(buf)` of the same bytes vs fflate's
 * `unzipSync` (every entry inflated once: the floor of any reader). `xian`: `xianRulesets()`.
 */
export async function excelIngest({ rounds, warmup, clock = 'cpu', xian }) {
  const files = evidenceFiles('.xlsx');
  if (files.length === 0) throw new Error('no .xlsx evidence under examples/xian-2022-city/evidence');
  const { readWorkbooks } = await import('@safecity/evidence-excel');
  const ExcelJS = (await import('exceljs')).default;
  const { unzipSync } = await import('fflate');
  const { units, compiled } = xian;
  const byKind = ['municipal', 'district'].map((k) => [compiled[k], files.filter((f) => f.kind === k).map(({ file, input }) => ({ file, input }))]);
  const timed = await interleave(
    [
      {
        name: 'readWorkbooks',
        fn: async () => {
          let n = 0;
          for (const [ruleset, list] of byKind) if (list.length > 0) n += (await readWorkbooks(list, { ruleset, units })).units.length;
          return n;
        },
      },
      {
        name: 'exceljs',
        fn: async () => {
          let n = 0;
          for (const f of files) n += (await new ExcelJS.Workbook().xlsx.load(Buffer.from(f.input))).worksheets.length;
          return n;
        },
      },
      {
        name: 'unzip',
        fn: () => {
          let n = 0;
          for (const f of files) n += Object.keys(unzipSync(f.input)).length;
          return n;
        },
      },
    ],
    { rounds, warmup, minSlotMs: 0, clock },
  );
  const ms = (name) => timed.samples[name].slice().sort((a, b) => a - b)[timed.samples[name].length >> 1];
  return {
    workbooks: files.length,
    readWorkbooksVsExceljs: ratioOf(timed, 'readWorkbooks', 'exceljs'),
    unzipVsExceljs: ratioOf(timed, 'unzip', 'exceljs'),
    ms: { readWorkbooks: ms('readWorkbooks'), exceljs: ms('exceljs'), unzip: ms('unzip') },
  };
}

/**
 * JSON evidence of the demo: `parseJsonEvidence` of every file (or the first `limit`), ms per
 * file (one unit each), median of up to `times` passes within about 5 s; and a bare JSON.parse.
 * `xian`: `xianRulesets()`.
 */
export async function jsonEvidence({ times, limit = Infinity, clock = 'cpu', xian }) {
  const files = evidenceFiles('.json').slice(0, limit);
  if (files.length === 0) throw new Error('no JSON evidence under examples/xian-2022-city/evidence');
  const { parseJsonEvidence } = await import('@safecity/evidence-json');
  const { units, compiled } = xian;
  const all = await medianMs(() => {
    for (const f of files) parseJsonEvidence(f.input, { file: f.file, ruleset: compiled[f.kind], units });
  }, times, 1, 5_000, clock);
  const decoder = new TextDecoder();
  const bare = await medianMs(() => {
    for (const f of files) JSON.parse(decoder.decode(f.input));
  }, times, 1, Infinity, clock);
  return { files: files.length, perUnitMs: all.value / files.length, jsonParsePerUnitMs: bare.value / files.length, samples: all.samples };
}

/**
 * Wall time of the command (`node packages/cli/dist/bin.js …`), median of `times` spawns, from
 * the repository's root, after `warm` unmeasured ones: `--version`, and `validate xian-2022/district`.
 */
export function cliWall({ times, warm = 1 }) {
  const bin = join(ROOT, 'packages/cli/dist/bin.js');
  if (!existsSync(bin)) throw new Error('packages/cli/dist/bin.js not built (npm run build)');
  const run = (args) => {
    const t = [];
    let last;
    for (let k = 0; k < times + warm; k++) {
      const t0 = performance.now();
      last = spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });
      if (k >= warm) t.push(performance.now() - t0); // the first spawn warms the file cache
    }
    if (last.status !== 0) throw new Error(`safecity ${args.join(' ')} exited ${last.status}: ${(last.stderr || last.stdout).trim().split('\n')[0]}`);
    t.sort((a, b) => a - b);
    return { value: t[t.length >> 1], samples: t };
  };
  return { version: run(['--version']), validate: run(['validate', 'xian-2022/district']) };
}

/**
 * `npm run demo` on this tree: wall time and peak RSS of the whole tree of processes
 * (`/usr/bin/time -v` when present; else the wall time alone). Slow when the build is not
 * current (the demo script builds first).
 */
export function demoRun() {
  const time = '/usr/bin/time';
  const t0 = performance.now();
  const useTime = existsSync(time);
  const r = useTime
    ? spawnSync(time, ['-v', 'npm', 'run', 'demo', '--silent'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync('npm', ['run', 'demo', '--silent'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`npm run demo exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-1)[0]}`);
  const rss = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr) : null;
  return { wallMs, peakRssMB: rss ? Number(rss[1]) / 1024 : null };
}
