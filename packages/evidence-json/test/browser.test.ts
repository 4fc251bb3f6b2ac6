/**
 * The JSON evidence reader in a browser page under `Content-Security-Policy: script-src 'self'`:
 * bundled for the browser (esbuild, platform browser) with no Node built-in and no ajv (whose
 * validators are code generated with `new Function`), then run under
 * `node --disallow-code-generation-from-strings`, where constructing code from a string
 * throws as it does under that policy. It reads one district's evidence from the demo, once as
 * filed and once with a bad value: the values and the problems must be what Node computes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { browserBlockers, browserBundle, codeFromStrings, runWithoutCodeGeneration } from '../../../scripts/test-support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceError } from '@safecity/engine';
import { district as districtJson, units } from '@safecity/ruleset-xian-2022';
import { parseJsonEvidence } from '../src/index.js';
import { districtRs } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'safecity-evidence-json-browser-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ── the inputs, and what Node reads from them ───────────────────────────────────────────────
const UNIT = 'baqiao';
const good = readFileSync(new URL(`../../../examples/xian-2022-city/evidence/district/${UNIT}.json`, import.meta.url), 'utf8');
// A rate in words, and a key the rubric does not have.
const bad = good.replace('"systemReportingRate": 99.3', '"systemReportingRate": "约99"').replace('"leadershipMeetings": 3', '"leadershipMeetings": 3, "meetingz": 1');

function nodeRead(text: string): { values?: unknown; issues?: unknown } {
  try {
    return { values: parseJsonEvidence(text, { file: `${UNIT}.json`, ruleset: districtRs, units }).part.values };
  } catch (e) {
    if (e instanceof EvidenceError) return { issues: e.issues };
    throw e;
  }
}

// ── the bundle: the reader and the engine that compiles the rubric ──────────────────────────
const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
let bundle = '';
let metafile: Metafile;

beforeAll(async () => {
  ({ code: bundle, metafile } = await browserBundle({
    stdin: {
      contents: `export { parseJsonEvidence, readJsonEvidence, JsonEvidenceError } from ${JSON.stringify(source)};\nexport { createEngine } from '@safecity/engine';\n`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    // The workspace packages from their sources, as the tests read them.
    conditions: ['@safecity/source'],
  }));
}, 120_000);

describe('the browser bundle of @safecity/evidence-json (esbuild, platform browser)', () => {
  it('imports no Node built-in, leaves nothing external, and holds no ajv', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(browserBlockers(metafile)).toEqual([]);
    // The schema is interpreted by @cfworker/json-schema; ajv and its code generation are not there.
    expect(inputs.some((i) => i.includes('node_modules/@cfworker/json-schema/'))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(ajv|ajv-formats|fast-uri)\//.test(i))).toEqual([]);
    expect(inputs.some((i) => i.endsWith('evidence-json/src/parse.ts'))).toBe(true);
  });

  it('contains no eval and no Function constructor', () => {
    expect(codeFromStrings(bundle)).toEqual([]);
  });

  it('reads a district’s evidence with code generation from strings disallowed: the values and the problems Node finds', () => {
    const r = runWithoutCodeGeneration(work, {
      'reader.mjs': bundle,
      'run.mjs': `import { readFileSync } from 'node:fs';
       import { createEngine, parseJsonEvidence, JsonEvidenceError } from './reader.mjs';
       const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
       let csp = 'allowed';
       try { new Function('return 1'); } catch (e) { csp = e.name; }
       const ruleset = createEngine().compile(input.ruleset);
       const read = (text) => {
         try {
           return { values: parseJsonEvidence(new TextEncoder().encode(text), { file: input.file, ruleset, units: input.units }).part.values };
         } catch (e) {
           if (e instanceof JsonEvidenceError) return { issues: e.issues };
           throw e;
         }
       };
       process.stdout.write(JSON.stringify({ csp, good: read(input.good), bad: read(input.bad) }));`,
      'input.json': JSON.stringify({ ruleset: districtJson, units, file: `${UNIT}.json`, good, bad }),
    });
    expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
    const got = JSON.parse(r.stdout) as { csp: string; good: { values?: Record<string, unknown>; issues?: unknown }; bad: { values?: unknown; issues?: Array<{ path: string; message: string }> } };
    // The policy is in force in that process.
    expect(got.csp).toBe('EvalError');
    // As filed: read, with the values Node reads.
    expect(got.good.issues).toBeUndefined();
    expect(got.good.values).toMatchObject({ leadershipMeetings: 3, systemReportingRate: 99.3, fundsInPlaceRate: 90.8, dedicatedStaff: 3 });
    expect(got.good).toEqual(nodeRead(good));
    // With a bad value and an unknown field: refused, each problem at its place, as in Node.
    expect(got.bad.values).toBeUndefined();
    expect(got.bad.issues).toEqual([
      { path: `${UNIT}.json#/items/1.1.2/meetingz`, message: expect.stringContaining('评分项 1.1.2 没有字段 "meetingz"') },
      { path: `${UNIT}.json#/items/1.3.1/systemReportingRate`, message: expect.stringMatching(/^评分项 1\.3\.1 的“.+”应为 0–100 的数（百分比，最多三位小数），实为 "约99"$/) },
    ]);
    expect(got.bad).toEqual(nodeRead(bad));
  }, 120_000);
});
