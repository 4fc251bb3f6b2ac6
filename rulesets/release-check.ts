/**
 * The release checks every ruleset package runs in its tests (`test/release.test.ts`):
 *
 * - each ruleset's version is bumped at least as much as the diff against its previous edition
 *   requires (`checkVersion`, by `VERSION_POLICY`): the latest version kept under `released/`
 *   (see scripts/snapshot-release.mjs), or, before a first release, the edition it `extends`.
 *   A released version changed in place fails: its changes need a bump it does not have;
 * - the version the package releases as — its version with the pending changesets applied, as
 *   `changeset version` will (dependents and peer ranges included) — is the rulesets' version;
 * - a self-check: an unbumped change to the ruleset does fail the first check.
 *
 * Test support for this repository's ruleset packages; not published.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import getReleasePlan from '@changesets/get-release-plan';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { checkVersion, createEngine, isPatch, RulesetError, type CompiledRuleset, type DiffSide, type Ruleset } from '@safecity/engine';

export interface ReleaseCheckOptions {
  /** The package folder (`new URL('..', import.meta.url)` from its test folder). */
  packageUrl: URL;
  /** The package's rulesets by file name (`district.json`) as published. */
  rulesets: Readonly<Record<string, unknown>>;
  /** Earlier editions its rulesets may extend. */
  bases?: readonly unknown[];
}

const read = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));

/** The frozen versions under `released/`, newest first. */
function releasedVersions(packageUrl: URL): string[] {
  const dir = new URL('released/', packageUrl);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((v) => semver.valid(v) !== null)
    .sort(semver.rcompare);
}

/**
 * The previous edition of one ruleset file: the newest released copy, else the base it extends.
 * A released whole ruleset that today's engine no longer compiles (a stricter format: e.g. an
 * item with partners but no partner scoring, refused since 责任唯一) is compared as the JSON it
 * was published as: the diff reads the ruleset's content, not its closures.
 */
function previousOf(file: string, current: CompiledRuleset, options: ReleaseCheckOptions, engine = createEngine()): DiffSide | undefined {
  const bases = [...(options.bases ?? [])];
  for (const v of releasedVersions(options.packageUrl)) {
    const url = new URL(`released/${v}/${file}`, options.packageUrl);
    if (!existsSync(url)) continue;
    const json = read(url);
    try {
      return engine.compile(json, { bases });
    } catch (e) {
      if (!(e instanceof RulesetError) || isPatch(json)) throw e;
      return { source: json as Ruleset };
    }
  }
  if (current.extends === undefined) return undefined;
  const ref = current.extends;
  const base = bases.find((b) => {
    const j = b as { id?: unknown; version?: unknown };
    return j.id === ref.id && j.version === ref.version;
  });
  return base === undefined ? undefined : engine.compile(base, { bases });
}

/** Define the release checks for one ruleset package. */
export function releaseChecks(options: ReleaseCheckOptions): void {
  const engine = createEngine();
  const pkg = read(new URL('package.json', options.packageUrl)) as { name: string; version: string };
  const bases = [...(options.bases ?? [])];

  describe(`release checks: ${pkg.name}`, () => {
    for (const [file, json] of Object.entries(options.rulesets)) {
      it(`${file}: the version is bumped as much as the changes since the previous edition need`, () => {
        const current = engine.compile(json, { bases });
        const previous = previousOf(file, current, options, engine);
        if (previous === undefined) {
          // A first edition with nothing before it: it starts a line.
          expect(isPatch(json), `${file} extends an edition that is not among the bases given`).toBe(false);
          expect(semver.valid(current.version)).not.toBeNull();
          return;
        }
        const check = checkVersion(previous, current);
        expect(check.ok, check.message).toBe(true);
      });
    }

    it('the version the package releases as (with the pending changesets) is the rulesets’ version', async () => {
      // What `changeset version` will do, dependents and peer ranges included.
      const root = fileURLToPath(new URL('../../', options.packageUrl));
      const release = (await getReleasePlan(root)).releases.find((r) => r.name === pkg.name && r.type !== 'none');
      const expected = release?.newVersion ?? pkg.version;
      for (const [file, json] of Object.entries(options.rulesets)) {
        const version = (json as { version: string }).version;
        expect(
          version,
          `${file} is ${version}, but ${pkg.name} ${pkg.version}${release ? ` releases as ${expected} (a ${release.type} bump from ${release.changesets.length > 0 ? `changesets ${release.changesets.join(', ')}` : 'its dependencies'})` : ''}: set the ruleset's version or the changeset's bump to match`,
        ).toBe(expected);
      }
    });

    it('self-check: a change without a version bump fails the check', () => {
      const [file, json] = Object.entries(options.rulesets)[0] as [string, unknown];
      const current = engine.compile(json, { bases });
      // A reworded title on the same version: the changes need a patch bump, the version has none.
      const reworded = { ...(json as object), title: { zh: `${current.title.zh}（修订）` } };
      const check = checkVersion(current, engine.compile(reworded, { bases }));
      expect(check).toMatchObject({ ok: false, required: 'patch', actual: 'none' });
      expect(file).toMatch(/\.json$/);
    });
  });
}
