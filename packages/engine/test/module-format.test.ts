// One module format (ESM): `require` and `import` get the same module, so an error thrown by
// one copy is an instance of the class the other exports (no dual-package hazard). Runs the
// built package (`npm run build`) in a plain `node`, as another app would.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const engineDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));

/** Run a CommonJS script (`node -e`) from the engine's folder; its stdout, parsed. */
function cjs(script: string): unknown {
  const out = execFileSync(process.execPath, ['-e', script], { cwd: engineDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

describe('one module format', () => {
  it('the package is built (npm run build) before these tests run', () => {
    expect(built, 'packages/engine/dist/index.js is missing: run npm run build').toBe(true);
  });

  it.runIf(built)("require('@safecity/engine') gives the very SafecityError class that import gives", () => {
    const result = cjs(`
      const required = require('@safecity/engine');
      import('@safecity/engine').then((imported) => {
        let caught;
        try { required.createEngine().compile({}); } catch (e) { caught = e; }
        process.stdout.write(JSON.stringify({
          sameClass: required.SafecityError === imported.SafecityError,
          sameRulesetError: required.RulesetError === imported.RulesetError,
          sameCreate: required.createEngine === imported.createEngine,
          instanceOfImported: caught instanceof imported.SafecityError,
          name: caught && caught.name,
        }));
      });
    `);
    expect(result).toEqual({ sameClass: true, sameRulesetError: true, sameCreate: true, instanceOfImported: true, name: 'RulesetError' });
  });

  it.runIf(built)('a ruleset package loaded with require (as the CLI loads one) uses the same engine as import', () => {
    const result = cjs(`
      const rulesets = require('@safecity/ruleset-xian-2022');
      import('@safecity/engine').then((engine) => {
        const compiled = engine.createEngine().compile(rulesets.district);
        process.stdout.write(JSON.stringify({ id: compiled.id, units: rulesets.units.length }));
      });
    `);
    expect(result).toEqual({ id: 'xian-2022/district', units: 48 });
  });

  it.runIf(built)('the built module imports no Node built-in and constructs no function from a string', () => {
    const dist = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
    // `\brequire(`: esbuild's wrapper of a bundled CommonJS dependency is named `__require`, a local function.
    expect(dist).not.toMatch(/from\s*["']node:|\brequire\(|\beval\(|\bnew\s*\(?\s*(?:globalThis\s*\.\s*)?Function\b/);
    // Only its declared dependencies, none of them ajv (precompiled away).
    const imported = [...dist.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imported.filter((m) => /^(ajv|ajv-formats|crypto|node:)/.test(m ?? ''))).toEqual([]);
  });

  it('every library package declares ESM only: exports with types + default, no .cjs', () => {
    const root = new URL('../../../', import.meta.url);
    const manifests = ['packages/engine', 'packages/evidence-json', 'packages/evidence-excel', 'packages/report', 'packages/cli', 'rulesets/xian-2022', 'rulesets/xian-2023-example'];
    for (const dir of manifests) {
      const text = readFileSync(new URL(`${dir}/package.json`, root), 'utf8');
      const pkg = JSON.parse(text) as { type?: string; main?: string; module?: string; exports: Record<string, unknown> };
      expect(pkg.type, dir).toBe('module');
      expect(text, dir).not.toMatch(/\.c[jt]s"|"require"|"import"/);
      expect(pkg.module, dir).toBeUndefined();
      if (pkg.main !== undefined) expect(pkg.main, dir).toBe('./dist/index.js');
      const dot = pkg.exports['.'] as Record<string, string>;
      expect({ types: dot['types'], default: dot['default'] }, dir).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    }
  });
});
