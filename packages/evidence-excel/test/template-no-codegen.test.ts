/**
 * The template writer under `node --disallow-code-generation-from-strings`: exceljs's Node
 * entry loads unzipper → bluebird, which builds functions from strings as it loads (an
 * `EvalError` under that flag, and against the rule of no code from strings at run time); the
 * writer loads exceljs's self-contained build instead. Bundled for Node (esbuild) with
 * everything it loads, run in a child process under the flag: the bytes are those this process
 * writes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { district as districtJson, unitById } from '@safecity/ruleset-xian-2022';
import { excelTemplate } from '../src/template.js';
import { districtRs } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'safecity-evidence-excel-template-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('excelTemplate with code generation from strings disallowed', () => {
  it('writes the same workbook as here', async () => {
    const source = fileURLToPath(new URL('../src/template.ts', import.meta.url));
    const out = await build({
      stdin: {
        contents: `export { excelTemplate } from ${JSON.stringify(source)};\nexport { createEngine } from '@safecity/engine';\n`,
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      conditions: ['@safecity/source'],
      // exceljs's build is CommonJS: it `require`s nothing but needs a `require` to exist in ESM.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      write: false,
      logLevel: 'silent',
    });
    const dir = mkdtempSync(join(work, 'node-'));
    writeFileSync(join(dir, 'template.mjs'), out.outputFiles[0]!.text);
    writeFileSync(
      join(dir, 'run.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
       import { createEngine, excelTemplate } from './template.mjs';
       const [inputFile, outFile] = process.argv.slice(2);
       const input = JSON.parse(readFileSync(inputFile, 'utf8'));
       let csp = 'allowed';
       try { new Function('return 1'); } catch (e) { csp = e.name; }
       writeFileSync(outFile, await excelTemplate(createEngine().compile(input.ruleset), input.unit));
       process.stdout.write(csp);`,
    );
    const yanta = unitById('yanta')!;
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ ruleset: districtJson, unit: yanta }));
    const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', join(dir, 'run.mjs'), join(dir, 'input.json'), join(dir, 'yanta.xlsx')], { encoding: 'utf8' });
    expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
    expect(r.stdout).toBe('EvalError');
    const here = await excelTemplate(districtRs, yanta);
    expect(here.length).toBeGreaterThan(10_000);
    expect(new Uint8Array(readFileSync(join(dir, 'yanta.xlsx')))).toEqual(here);
  }, 120_000);
});
