// What `changeset version` would release: the published packages only, never the private
// examples and bench (`privatePackages: { version: false, tag: false }` in .changeset/config.json);
// and what each published package declares for a consumer (LICENSE, repository, ranges, prepack).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import getReleasePlan from '@changesets/get-release-plan';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (f: string) => JSON.parse(readFileSync(new URL(f, root), 'utf8'));
const PUBLISHED = ['packages/engine', 'packages/evidence-json', 'packages/evidence-excel', 'packages/report', 'packages/cli', 'rulesets/xian-2022', 'rulesets/xian-2023-example'];
const PRIVATE = ['bench', 'examples/basic', 'examples/city-round', 'examples/custom-plugin', 'examples/next-edition', 'examples/score-one-unit', 'examples/xian-2022-city'];

describe('releases', () => {
  it('the private example and bench packages are private, and changesets versions none of them', async () => {
    for (const d of PRIVATE) expect(read(`${d}/package.json`).private, d).toBe(true);
    const plan = await getReleasePlan(fileURLToPath(root));
    const names = new Set(PRIVATE.map((d) => read(`${d}/package.json`).name as string));
    expect(plan.releases.filter((r) => names.has(r.name) && r.type !== 'none').map((r) => `${r.name} ${r.type}`)).toEqual([]);
    expect(read('.changeset/config.json').privatePackages).toEqual({ version: false, tag: false });
  });

  it.each(PUBLISHED)('%s: a LICENSE, where it lives, ranges for what it runs on, a build before packing', (d) => {
    const pkg = read(`${d}/package.json`);
    expect(existsSync(new URL(`${d}/LICENSE`, root))).toBe(true);
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/safecity-cn/safecity.git', directory: d });
    expect(pkg.homepage).toBe(`https://github.com/safecity-cn/safecity/tree/main/${d}#readme`);
    expect(pkg.bugs).toEqual({ url: 'https://github.com/safecity-cn/safecity/issues' });
    // A consumer shares one copy of each dependency with its other packages: ranges, not pins.
    for (const [name, range] of Object.entries<string>(pkg.dependencies ?? {})) expect(range, `${d}: ${name}`).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(pkg.scripts.prepack).toBe('node ../../scripts/build-if-stale.mjs --here');
  });
});
