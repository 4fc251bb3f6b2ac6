/**
 * The workbook reader in a browser page under `Content-Security-Policy: script-src 'self'`:
 * the reading API (`parseWorkbook`, `readWorkbooks`, `openWorkbook`) bundled for the browser
 * (esbuild, platform browser) holds no Node built-in and no exceljs (the template writer, a
 * subpath of its own, is the only part that needs it), and runs under
 * `node --disallow-code-generation-from-strings`, where constructing code from a string throws
 * as it does under that policy. It reads one district's workbook from the demo, once as filed
 * and once with a value in words: the values and the problems must be what Node computes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { browserBlockers, browserBundle, codeFromStrings } from '../../../scripts/test-support/browser.js';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceError } from '@safecity/engine';
import { district as districtJson, units } from '@safecity/ruleset-xian-2022';
import { parseWorkbook } from '../src/index.js';
import { districtRs } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'safecity-evidence-excel-browser-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ── the inputs, and what Node reads from them ───────────────────────────────────────────────
const FILE = 'beilin.xlsx';
const good = new Uint8Array(readFileSync(new URL(`../../../examples/xian-2022-city/evidence/district/${FILE}`, import.meta.url)));

/** The workbook with 评分项!G3 (领导小组会议次数, a count) typed as text: “六次”. */
function withWordsInG3(bytes: Uint8Array): Uint8Array {
  const zip = unzipSync(bytes);
  const sheet = 'xl/worksheets/sheet2.xml';
  const xml = strFromU8(zip[sheet]!);
  const cell = /<c r="G3"(?:[^>]*?\/>|[^>]*>[\s\S]*?<\/c>)/;
  expect(xml).toMatch(cell);
  zip[sheet] = strToU8(xml.replace(cell, '<c r="G3" t="inlineStr"><is><t>六次</t></is></c>'));
  return zipSync(zip);
}
const bad = withWordsInG3(good);

async function nodeRead(bytes: Uint8Array): Promise<{ values?: unknown; issues?: unknown }> {
  try {
    return { values: (await parseWorkbook(bytes, { file: FILE, ruleset: districtRs, units })).part.values };
  } catch (e) {
    if (e instanceof EvidenceError) return { issues: e.issues };
    throw e;
  }
}

// ── the bundle: the reading API and the engine that compiles the rubric ─────────────────────
const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
let bundle = '';
let metafile: Metafile;

beforeAll(async () => {
  ({ code: bundle, metafile } = await browserBundle({
    stdin: {
      contents: `export { parseWorkbook, readWorkbooks, openWorkbook } from ${JSON.stringify(source)};\nexport { createEngine, EvidenceError } from '@safecity/engine';\n`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    // The workspace packages from their sources, as the tests read them.
    conditions: ['@safecity/source'],
  }));
}, 120_000);

describe('the browser bundle of the workbook reader (esbuild, platform browser)', () => {
  it('imports no Node built-in, leaves nothing external, and never sees exceljs', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(browserBlockers(metafile)).toEqual([]);
    // Not only left out of the output: not even parsed (a dynamic import would still bring it in).
    expect(inputs.filter((i) => /node_modules\/exceljs\/|evidence-excel\/src\/template\.ts$/.test(i))).toEqual([]);
    // Read with fflate and saxes.
    expect(inputs.some((i) => i.includes('node_modules/fflate/'))).toBe(true);
    expect(inputs.some((i) => /node_modules\/saxes\//.test(i))).toBe(true);
  });

  it('contains no eval and no Function constructor', () => {
    expect(codeFromStrings(bundle)).toEqual([]);
  });

  it('reads a district’s workbook with code generation from strings disallowed: the values and the problems Node finds', async () => {
    const dir = mkdtempSync(join(work, 'node-'));
    writeFileSync(join(dir, 'reader.mjs'), bundle);
    writeFileSync(join(dir, 'good.xlsx'), good);
    writeFileSync(join(dir, 'bad.xlsx'), bad);
    writeFileSync(
      join(dir, 'run.mjs'),
      `import { readFileSync } from 'node:fs';
       import { createEngine, parseWorkbook, EvidenceError } from './reader.mjs';
       const [inputFile, goodFile, badFile] = process.argv.slice(2);
       const input = JSON.parse(readFileSync(inputFile, 'utf8'));
       let csp = 'allowed';
       try { new Function('return 1'); } catch (e) { csp = e.name; }
       const ruleset = createEngine().compile(input.ruleset);
       const read = async (path) => {
         // What a page has from a file input: the bytes, as a Uint8Array of its own.
         const bytes = new Uint8Array(readFileSync(path));
         try {
           return { values: (await parseWorkbook(bytes, { file: input.file, ruleset, units: input.units })).part.values };
         } catch (e) {
           if (e instanceof EvidenceError) return { issues: e.issues };
           throw e;
         }
       };
       process.stdout.write(JSON.stringify({ csp, good: await read(goodFile), bad: await read(badFile) }));`,
    );
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ ruleset: districtJson, units, file: FILE }));
    const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', join(dir, 'run.mjs'), join(dir, 'input.json'), join(dir, 'good.xlsx'), join(dir, 'bad.xlsx')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
    const got = JSON.parse(r.stdout) as { csp: string; good: { values?: Record<string, unknown>; issues?: unknown }; bad: { values?: unknown; issues?: Array<{ path: string; message: string }> } };
    // The policy is in force in that process.
    expect(got.csp).toBe('EvalError');
    // As filed: read, with the values Node reads.
    expect(got.good.issues).toBeUndefined();
    expect(got.good.values).toMatchObject({ leadingGroupDoc: true, leadershipMeetings: 6, policyDocs: ['安全生产责任制规定', '隐患排查治理制度', '考核奖惩办法'] });
    expect(got.good).toEqual(await nodeRead(good));
    // A count in words: refused at its cell, as in Node.
    expect(got.bad.values).toBeUndefined();
    expect(got.bad.issues).toEqual([{ path: `${FILE}!评分项!G3`, message: expect.stringContaining('六次') }]);
    expect(got.bad).toEqual(await nodeRead(bad));
  }, 120_000);
});
