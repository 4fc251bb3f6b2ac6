/**
 * The engine anywhere: bundled for the browser (esbuild) with no Node built-in, then loaded in
 * headless Chromium from a local server whose every response carries
 * `Content-Security-Policy: script-src 'self'` (no `unsafe-eval`). The page compiles the 2022
 * district rubric, scores one district's evidence and findings, and writes the card into the
 * DOM: it must be the card Node computes, byte for byte. The page also shows that the policy
 * is in force (`new Function` throws) and that a plugin method's params are checked there too.
 * Without Chromium the browser part is skipped, saying why (CI installs it); the bundle checks
 * and a run under `node --disallow-code-generation-from-strings` need nothing but Node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { browserBlockers, browserBundle, codeFromStrings, runWithoutCodeGeneration, findChromium, whenChromiumMissing } from '../../../scripts/test-support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonEvidence } from '@safecity/evidence-json';
import { district as districtJson, units } from '@safecity/ruleset-xian-2022';
import { createEngine, definePlugin, RulesetError, type Finding, type UnitEvidence } from '../src/index.js';

const chromium = findChromium();
const missing = chromium === undefined ? whenChromiumMissing("the engine's headless browser test (strict CSP)", 'the engine cannot be checked under a strict CSP without it') : undefined;
if (missing !== undefined) {
  describe('headless Chromium (CI)', () => {
    it('is installed', () => {
      throw new Error(missing);
    });
  });
}

const CSP = "script-src 'self'";
const work = mkdtempSync(join(tmpdir(), 'safecity-engine-browser-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ── what Node computes ──────────────────────────────────────────────────────────────────────
const UNIT = 'baqiao';
const evidenceFile = new URL(`../../../examples/xian-2022-city/evidence/district/${UNIT}.json`, import.meta.url);
const findingsFiles = ['data-check', 'onsite'].map((f) => new URL(`../../../examples/xian-2022-city/findings/${f}.json`, import.meta.url));
const ruleset = createEngine().compile(districtJson);
const evidence: UnitEvidence = readJsonEvidence([{ file: `${UNIT}.json`, input: readFileSync(evidenceFile, 'utf8') }], { ruleset, units }).units[0] as UnitEvidence;
const findings: Finding[] = findingsFiles.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as Record<string, Finding[]>)[UNIT] ?? []);
const card = ruleset.score(evidence, { findings });

/** A plugin method whose params schema is plain JSON Schema given at run time (interpreted). */
const PLUGIN_RULESET = {
  id: 'test/plugin',
  version: '1.0.0',
  edition: 2022,
  title: { zh: '插件细则' },
  unitKinds: ['district'],
  fields: [{ name: 'days', type: 'integer', title: { zh: '逾期天数' } }],
  tree: [{ id: 'g', title: { zh: '组' }, max: 1, children: [{ id: 'i', title: { zh: '整改时限' }, max: 1, scoring: { method: 'overdue', params: { field: 'days', per: -1 } } }] }],
};
const PLUGIN_SOURCE = `{
  name: 'late',
  methods: {
    overdue: {
      meta: { description: { zh: '逾期扣分' }, monotonic: false, fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }] },
      params: { type: 'object', required: ['field', 'per'], properties: { field: { type: 'string' }, per: { type: 'number', exclusiveMinimum: 0 } }, additionalProperties: false },
      messages: { late: { reason: { zh: '逾期{days}天' }, data: ['days'] } },
      score() {},
    },
  },
}`;
// The same plugin, for Node (the page and the Node run get PLUGIN_SOURCE as text).
const latePlugin = definePlugin({
  name: 'late',
  methods: {
    overdue: {
      meta: { description: { zh: '逾期扣分' }, monotonic: false, fields: (p: { field: string }) => [{ field: p.field, path: '/field', types: ['integer'] }] },
      params: { type: 'object', required: ['field', 'per'], properties: { field: { type: 'string' }, per: { type: 'number', exclusiveMinimum: 0 } }, additionalProperties: false } as never,
      messages: { late: { reason: { zh: '逾期{days}天' }, data: ['days'] } },
      score() {},
    },
  },
});
const pluginIssues = (() => {
  try {
    createEngine({ plugins: [latePlugin] }).compile(PLUGIN_RULESET);
  } catch (e) {
    if (e instanceof RulesetError) return e.issues;
    throw e;
  }
  return [];
})();

// ── the bundle ──────────────────────────────────────────────────────────────────────────────
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
let bundle = '';
let metafile: Metafile;

beforeAll(async () => {
  ({ code: bundle, metafile } = await browserBundle({ entryPoints: [entry] }));
}, 120_000);

describe('the browser bundle (esbuild, platform browser)', () => {
  it('imports no Node built-in and leaves nothing external', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(browserBlockers(metafile)).toEqual([]);
    // Hashes come from @noble/hashes, validators from the precompiled module.
    expect(inputs.some((i) => i.includes('@noble/hashes'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('src/validators/precompiled.js'))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(ajv|ajv-formats|fast-uri)\//.test(i))).toEqual([]);
  });

  it("contains no eval and no Function constructor (TypeBox's optional JIT is left out too)", () => {
    expect(codeFromStrings(bundle)).toEqual([]);
  });

  it('runs in Node with code generation from strings disallowed, with the same card', () => {
    const r = runWithoutCodeGeneration(work, {
      'engine.mjs': bundle,
      'run.mjs': `import { readFileSync } from 'node:fs';
       import { createEngine, RulesetError } from './engine.mjs';
       const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
       let csp = 'allowed';
       try { new Function('return 1'); } catch (e) { csp = e.name; }
       const card = createEngine().compile(input.ruleset).score(input.evidence, { findings: input.findings });
       let issues = [];
       try { createEngine({ plugins: [${PLUGIN_SOURCE}] }).compile(input.plugin); } catch (e) { if (e instanceof RulesetError) issues = e.issues; else throw e; }
       process.stdout.write(JSON.stringify({ csp, card: JSON.stringify(card), issues }));`,
      'input.json': JSON.stringify({ ruleset: districtJson, evidence, findings, plugin: PLUGIN_RULESET }),
    });
    expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
    const got = JSON.parse(r.stdout) as { csp: string; card: string; issues: unknown };
    expect(got.csp).toBe('EvalError');
    expect(got.card).toBe(JSON.stringify(card));
    expect(got.issues).toEqual(pluginIssues);
  });
});

// ── the page, under a strict CSP ────────────────────────────────────────────────────────────
const PAGE = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>safecity engine under CSP</title>
<script type="module" src="/page.js"></script></head>
<body><pre id="out">pending</pre></body></html>`;

const PAGE_SCRIPT = `import { createEngine, RulesetError } from './engine.js';
const out = document.getElementById('out');
const result = {};
try {
  new Function('return 1');
  result.csp = 'allowed';
} catch (e) {
  result.csp = e.name;
}
try {
  const [ruleset, input, plugin] = await Promise.all(['/district.json', '/evidence.json', '/plugin.json'].map((u) => fetch(u).then((r) => r.json())));
  const started = performance.now();
  const engine = createEngine();
  result.createEngineMs = performance.now() - started;
  const card = engine.compile(ruleset).score(input.evidence, { findings: input.findings });
  result.card = JSON.stringify(card);
  try {
    createEngine({ plugins: [${PLUGIN_SOURCE}] }).compile(plugin);
    result.issues = [];
  } catch (e) {
    result.issues = e instanceof RulesetError ? e.issues : String(e);
  }
} catch (e) {
  result.error = e.name + ': ' + e.message;
}
out.textContent = JSON.stringify(result);
`;

let server: Server;
let origin = '';
const served = new Map<string, { type: string; body: string }>();

/** Run headless Chromium on a URL with a fresh profile; resolves with its output (the server keeps serving meanwhile). */
function runChromium(url: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const profile = mkdtempSync(join(work, 'profile-'));
  const child = spawn(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      `--user-data-dir=${profile}`,
      '--virtual-time-budget=30000',
      '--dump-dom',
      url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The text of `<pre id="out">` in a dumped DOM. */
function outText(dom: string): string {
  const m = /<pre id="out">([\s\S]*?)<\/pre>/.exec(dom);
  if (m === null) throw new Error(`no <pre id="out"> in the page:\n${dom.slice(0, 2000)}`);
  return m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
}

describe.skipIf(chromium === undefined)(`the engine in headless Chromium under Content-Security-Policy: ${CSP}`, () => {
  beforeAll(async () => {
    served.set('/', { type: 'text/html; charset=utf-8', body: PAGE });
    served.set('/page.js', { type: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT });
    served.set('/engine.js', { type: 'text/javascript; charset=utf-8', body: bundle });
    served.set('/district.json', { type: 'application/json; charset=utf-8', body: JSON.stringify(districtJson) });
    served.set('/evidence.json', { type: 'application/json; charset=utf-8', body: JSON.stringify({ evidence, findings }) });
    served.set('/plugin.json', { type: 'application/json; charset=utf-8', body: JSON.stringify(PLUGIN_RULESET) });
    server = createServer((req, res) => {
      const file = served.get(new URL(req.url ?? '/', 'http://localhost').pathname);
      // Every response carries the policy, the page's above all.
      res.setHeader('Content-Security-Policy', CSP);
      if (file === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    origin = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('compiles the 2022 district rubric and scores a district: the card Node computes, byte for byte', async () => {
    const r = await runChromium(`${origin}/`);
    expect(r.status, r.stderr.slice(-4000)).toBe(0);
    const result = JSON.parse(outText(r.stdout)) as { csp: string; card?: string; issues?: unknown; error?: string };
    // The policy is in force: the page itself may not construct a function from a string.
    expect(result.csp).toBe('EvalError');
    expect(result.error).toBeUndefined();
    expect(result.card).toBe(JSON.stringify(card));
    expect(JSON.parse(result.card!)).toMatchObject({ unit: { id: UNIT, name: '灞桥区' }, ruleset: { id: 'xian-2022/district' } });
    // A plugin method's params, given at run time, are checked there too (interpreted).
    expect(result.issues).toEqual(pluginIssues);
    expect(pluginIssues).toEqual([{ path: '/tree/0/children/0/scoring/params/per', message: 'must be > 0, found number -1' }]);
  }, 120_000);
});
