/**
 * `safecity diff <rulesetA> <rulesetB>`: what changed between two editions of a ruleset — items,
 * groups, fields, vetoes, grades, the totals — as a changelog-ready Markdown table or JSON, with
 * the semver bump the changes call for. Both are compiled first, so a broken ruleset is
 * reported with its places (exit 1). Differences are a report, not a failure (exit 0), unless
 * `--check` is given and B's version is not bumped enough over A's (exit 1).
 */
import { checkVersion, diffMarkdown, type CompiledRuleset } from '@safecity/engine';
import { loadRuleset } from '../resolve.js';
import { InputProblems, type Io, type Problem } from '../io.js';

export interface DiffOptions {
  json?: boolean;
  check?: boolean;
  base?: string[];
}

export function diff(a: string, b: string, opts: DiffOptions, io: Io): void {
  // Both are compiled before either is reported, so every problem of both is listed at once.
  const problems: Problem[] = [];
  const load = (name: string): CompiledRuleset | undefined => {
    try {
      return loadRuleset(name, io, { bases: opts.base ?? [] }).ruleset;
    } catch (e) {
      if (!(e instanceof InputProblems)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const from = load(a);
  const to = load(b);
  if (from === undefined || to === undefined) throw new InputProblems(`无法比较 ${a} 与 ${b}`, problems);
  const check = checkVersion(from, to);
  const d = check.diff;
  if (opts.json) {
    io.stdout(
      JSON.stringify(
        {
          ok: !opts.check || check.ok,
          ...d,
          from: { name: a, ...d.from },
          to: { name: b, ...d.to },
          version: { ok: check.ok, required: check.required, actual: check.actual, message: check.message },
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stdout(diffMarkdown(d));
    if (!d.identical) io.stdout(`\n${check.ok ? '✓' : '✗'} ${check.message}\n`);
  }
  if (opts.check && !check.ok) {
    throw new InputProblems('版本号的升级不足以涵盖这些改动', [{ place: b, message: check.message }]);
  }
}
