/**
 * The data-driven case harness every ruleset package runs (`test/cases.test.ts`): each
 * `cases/NN-name.json` gives a unit's evidence (and check findings) and the card expected from
 * the rubric text, computed by hand (the arithmetic is in the description). The engine must
 * agree with every one. A case naming an unknown ruleset, unit or item is refused with a clear
 * message before it is scored.
 *
 * Test support for this repository's ruleset packages; not published.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { createEngine, type CompiledRuleset, type Finding, type FieldValue, type Node, type ScoreNode, type Unit } from '@safecity/engine';

export interface Case {
  description: string;
  ruleset: string;
  unit: string;
  evidence: Record<string, FieldValue>;
  findings?: Finding[];
  expected: {
    total: number;
    normalized?: number;
    grade?: string;
    vetoed?: boolean;
    items?: Record<string, number>;
    notApplicable?: string[];
  };
}

export interface CaseHarnessOptions {
  /** The package's `cases/` folder. */
  casesUrl: URL;
  /** The package's rulesets by id, as JSON (whole, or patches on `bases`). */
  rulesets: Readonly<Record<string, unknown>>;
  /** The unit registry the cases name units from. */
  units: readonly Unit[];
  /** Earlier editions the rulesets extend. */
  bases?: readonly unknown[];
}

const read = (url: URL) => JSON.parse(readFileSync(url, 'utf8'));

/** The harness for one package: `validateCase` (for its own refusal tests) and `runCases`. */
export function caseHarness(options: CaseHarnessOptions) {
  const { casesUrl: casesDir, units } = options;
  const RULESET_FILES = options.rulesets;
  const engine = createEngine();
  const compiledCache = new Map<string, CompiledRuleset>();
  function compiled(id: string): CompiledRuleset {
    let c = compiledCache.get(id);
    if (c === undefined) {
      c = engine.compile(RULESET_FILES[id], { bases: options.bases ?? [] });
      compiledCache.set(id, c);
    }
    return c;
  }

  /** Every node id of a ruleset: groups and items of the tree, the bonus bucket and its items. */
  function nodeIds(r: CompiledRuleset): Set<string> {
    const ids = new Set<string>();
    const walk = (nodes: readonly Node[]) => {
      for (const n of nodes) {
        ids.add(n.id);
        if (n.children) walk(n.children as Node[]);
      }
    };
    walk(r.source.tree as Node[]);
    if (r.source.bonus) {
      ids.add(r.source.bonus.id);
      walk(r.source.bonus.items as Node[]);
    }
    return ids;
  }

  const CASE_KEYS = new Set(['description', 'ruleset', 'unit', 'evidence', 'findings', 'expected']);
  const EXPECTED_KEYS = new Set(['total', 'normalized', 'grade', 'vetoed', 'items', 'notApplicable']);

  /** Check a case names a known ruleset, unit and item ids; throw one error listing every problem. */
  function validateCase(file: string, c: Case): { ruleset: CompiledRuleset; unit: Unit } {
    const problems: string[] = [];
    if (c === null || typeof c !== 'object') throw new Error(`${file}: a case is a JSON object`);
    for (const k of Object.keys(c)) if (!CASE_KEYS.has(k)) problems.push(`unknown key "${k}"`);
    if (typeof c.description !== 'string' || !/\d/.test(c.description) || !/[=→×]/.test(c.description)) {
      problems.push('the description must write the arithmetic out (at least one digit and one of "=", "→", "×")');
    }
    const rulesetKnown = Object.prototype.hasOwnProperty.call(RULESET_FILES, c.ruleset);
    if (!rulesetKnown) problems.push(`unknown ruleset "${c.ruleset}" (known: ${Object.keys(RULESET_FILES).join(', ')})`);
    const found = units.find((u) => u.id === c.unit);
    if (found === undefined) problems.push(`unknown unit "${c.unit}" (not in the unit registry)`);
    const ruleset = rulesetKnown ? compiled(c.ruleset) : undefined;
    if (ruleset && found && !ruleset.unitKinds.includes(found.kind)) {
      problems.push(`unit "${c.unit}" is a ${found.kind}; ruleset ${c.ruleset} is for ${ruleset.unitKinds.join(', ')}`);
    }
    if (c.evidence === null || typeof c.evidence !== 'object' || Array.isArray(c.evidence)) problems.push('evidence must be an object');
    if (c.findings !== undefined && !Array.isArray(c.findings)) problems.push('findings must be an array');
    const e = c.expected;
    if (e === null || typeof e !== 'object') problems.push('expected must be an object');
    else {
      for (const k of Object.keys(e)) if (!EXPECTED_KEYS.has(k)) problems.push(`unknown key "expected.${k}"`);
      if (typeof e.total !== 'number') problems.push('expected.total must be a number');
      if (ruleset) {
        const ids = nodeIds(ruleset);
        for (const id of Object.keys(e.items ?? {})) if (!ids.has(id)) problems.push(`expected.items names unknown item "${id}" of ${c.ruleset}`);
        for (const id of e.notApplicable ?? []) if (!ids.has(id)) problems.push(`expected.notApplicable names unknown item "${id}" of ${c.ruleset}`);
        if (e.grade !== undefined && !(ruleset.source.grades ?? []).some((g) => g.id === e.grade)) {
          problems.push(`expected.grade "${e.grade}" is not a grade band of ${c.ruleset}`);
        }
      }
    }
    if (problems.length > 0 || !ruleset || !found) throw new Error(`${file}: invalid case:\n  - ${problems.join('\n  - ')}`);
    return { ruleset, unit: { id: found.id, name: found.name, kind: found.kind } };
  }

  function findNode(nodes: readonly ScoreNode[], id: string): ScoreNode | undefined {
    for (const n of nodes) {
      if (n.id === id) return n;
      const inner = n.children ? findNode(n.children, id) : undefined;
      if (inner) return inner;
    }
    return undefined;
  }

  const files = readdirSync(casesDir)
    .filter((f) => f.endsWith('.json'))
    .sort();

  /** Define the tests: the files are well named (at least `min` of them), and every case agrees. */
  function runCases(min: number): void {
    describe('cases/', () => {
      it(`holds at least ${min} cases, named NN-short-name.json`, () => {
        expect(files.length).toBeGreaterThanOrEqual(min);
        for (const f of files) expect(f, f).toMatch(/^\d{2,}-[a-z0-9]+(?:-[a-z0-9]+)*\.json$/);
      });

      for (const file of files) {
        it(file, () => {
          const c = read(new URL(file, casesDir)) as Case;
          const { ruleset, unit } = validateCase(file, c);
          const card = ruleset.score({ unit, values: c.evidence }, { findings: c.findings ?? [] });
          const e = c.expected;
          expect(card.total, `${file}: total`).toBe(e.total);
          if (e.normalized !== undefined) expect(card.normalized, `${file}: normalized`).toBe(e.normalized);
          if (e.grade !== undefined) expect(card.grade, `${file}: grade`).toBe(e.grade);
          if (e.vetoed !== undefined) expect(card.vetoed, `${file}: vetoed`).toBe(e.vetoed);
          for (const [id, earned] of Object.entries(e.items ?? {})) {
            const node = findNode(card.nodes, id);
            expect(node, `${file}: item ${id} is on the card`).toBeDefined();
            expect(node!.earned, `${file}: item ${id} earned`).toBe(earned);
          }
          for (const id of e.notApplicable ?? []) {
            const node = findNode(card.nodes, id);
            expect(node, `${file}: item ${id} is on the card`).toBeDefined();
            expect(node!.applicable, `${file}: item ${id} is not applicable`).toBe(false);
            expect(node!.max, `${file}: not-applicable item ${id} has max 0`).toBe(0);
          }
        });
      }
    });
  }

  return { validateCase, runCases };
}
