/**
 * What the browser tests of every package share: finding the system Chromium (and saying so when
 * it is missing: never a silent pass), and bundling code for the browser with esbuild to check it
 * imports no Node built-in. Test code only; imported by relative path from each package's tests.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { delimiter, join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';

/** `SAFECITY_CHROMIUM` names the browser to use (and only it); else /usr/bin/chromium, else chromium on PATH. */
export function findChromium(): string | undefined {
  const override = process.env['SAFECITY_CHROMIUM'];
  const candidates =
    override !== undefined && override !== ''
      ? [override]
      : ['/usr/bin/chromium', ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'chromium'))];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Why Chromium was not found, in one line. */
export function chromiumMissing(): string {
  return process.env['SAFECITY_CHROMIUM']
    ? `Chromium is missing (SAFECITY_CHROMIUM=${process.env['SAFECITY_CHROMIUM']} is not an executable)`
    : 'Chromium is missing (no /usr/bin/chromium, no chromium on PATH)';
}

/**
 * Out of CI, says plainly that a browser test did not run (`what`: "the studio's browser test");
 * in CI, returns the error the suite must fail with (CI installs Chromium).
 */
export function whenChromiumMissing(what: string, why: string): string | undefined {
  if (process.env['CI']) return `${chromiumMissing()}. CI installs it (apt-get install -y chromium); ${why}.`;
  console.log(`${chromiumMissing()}: ${what} was skipped. Install it with: apt-get install -y chromium`);
  return undefined;
}

/** A browser bundle (esbuild, platform browser, minified, in memory) and its metafile. */
export async function browserBundle(options: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'conditions'>): Promise<{ code: string; metafile: Metafile }> {
  const out = await build({ ...options, bundle: true, format: 'esm', platform: 'browser', minify: true, metafile: true, write: false, logLevel: 'silent' });
  return { code: out.outputFiles[0]!.text, metafile: out.metafile };
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (path: string) => NODE_BUILTINS.has(path) || path.startsWith('node:');

/**
 * What keeps a bundle from loading in a browser: every Node built-in among its inputs or their
 * imports, and every import the output leaves external. Empty when the bundle stands alone.
 */
export function browserBlockers(metafile: Metafile): string[] {
  const out = new Set<string>();
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (isBuiltin(path)) out.add(path);
    for (const imp of input.imports) if (isBuiltin(imp.path)) out.add(imp.path);
  }
  for (const output of Object.values(metafile.outputs)) for (const imp of output.imports) out.add(`external: ${imp.path}`);
  return [...out];
}

/** The places a bundle builds code from a string (`eval(`, `Function(`, `new Function`): none, for a strict CSP. */
export function codeFromStrings(code: string): string[] {
  return [...code.matchAll(/\beval\(|\bnew\s*\(?\s*(?:globalThis\s*\.\s*)?Function\b|\bFunction\s*\(/g)].map((m) => code.slice(Math.max(0, m.index - 40), m.index + 40));
}

/**
 * Writes `files` to a fresh folder under `work` and runs `node --disallow-code-generation-from-strings
 * run.mjs input.json` there (a string compiled to code throws, as under `script-src 'self'`).
 */
export function runWithoutCodeGeneration(work: string, files: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(work, 'node-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', join(dir, 'run.mjs'), join(dir, 'input.json')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
