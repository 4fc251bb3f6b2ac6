// What the command loads before it knows which command runs: nothing heavy. `--version`, `--help`
// and wrong usage answer without the engine, the rubrics, the readers or the report (each of
// which throws here when loaded), so they answer at once.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

vi.mock('@safecity/engine', () => refuse('@safecity/engine'));
vi.mock('@safecity/ruleset-xian-2022', () => refuse('@safecity/ruleset-xian-2022'));
vi.mock('@safecity/evidence-json', () => refuse('@safecity/evidence-json'));
vi.mock('@safecity/evidence-excel', () => refuse('@safecity/evidence-excel'));
vi.mock('@safecity/evidence-excel/template', () => refuse('@safecity/evidence-excel/template'));
vi.mock('@safecity/report', () => refuse('@safecity/report'));
vi.mock('exceljs', () => refuse('exceljs'));
// The build the report and the template writer load (no code from strings).
vi.mock('exceljs/dist/exceljs.bare.min.js', () => refuse('exceljs'));
vi.mock('echarts', () => refuse('echarts'));
vi.mock('docx', () => refuse('docx'));

function manifest(): { version: string } {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
}

function refuse(name: string): never {
  throw new Error(`${name} was loaded at start`);
}

async function cli(argv: string[]) {
  const { run } = await import('../src/run.js');
  let out = '';
  let err = '';
  const code = await run(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), isTTY: false, cwd: process.cwd() });
  return { code, out, err };
}

describe('the command at start', () => {
  it('answers --version without loading the engine, the rubrics, the readers or the report', async () => {
    const r = await cli(['--version']);
    expect(r).toEqual({ code: 0, out: `${manifest().version}\n`, err: '' });
  });

  it('takes the version from package.json, never a copy of it in the source, and the built command prints it', () => {
    // A version written in the source drifts from the package's at the next release.
    expect(readFileSync(new URL('../src/version.ts', import.meta.url), 'utf8')).not.toMatch(/['"`]\d+\.\d+\.\d+/);
    const bin = new URL('../bin/safecity.js', import.meta.url).pathname;
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toBe(`${manifest().version}\n`);
    // The built chunk carries the version alone, not the manifest (its scripts, dependencies…).
    const dist = new URL('../dist/', import.meta.url);
    const built = readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => readFileSync(new URL(f, dist), 'utf8')).join('');
    expect(built).not.toContain('"lint:pkg"');
  });

  it('prints the version of its package.json (the one bin.ts answers --version with, before loading commander)', async () => {
    const { VERSION } = await import('../src/version.js');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(manifest.version);
    expect((await cli(['-V'])).out).toBe(`${manifest.version}\n`);
  });

  it('answers --help and a command\'s --help, naming the built-in rulesets, likewise', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Rulesets that ship with the command: xian-2022/municipal, xian-2022/district, xian-2022/city');
    const v = await cli(['validate', '--help']);
    expect(v.code).toBe(0);
    expect(v.out.replace(/\s+/g, ' ')).toContain('a ruleset id (xian-2022/municipal, xian-2022/district, xian-2022/city) or a path to a .json');
  });

  it('tells wrong usage likewise', async () => {
    const r = await cli(['scroe']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('用法错误：未知命令 scroe（是否想用 score？）');
  });
});
