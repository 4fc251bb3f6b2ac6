/**
 * Pass 4, grades and vetoes: grade bands (distinct ids and minima, best first) and the veto
 * conditions (否决项), whose effect may name a grade.
 * @module
 */
import type { LocalText } from '../text.js';
import { checkPoints, type CompileContext } from './context.js';
import type { LogicChecker } from './logic.js';
import type { CompiledVeto } from './types.js';

/** The grade bands, best first, and the vetoes. */
export interface GradesAndVetoes {
  readonly grades: Array<{ id: string; title: LocalText; min: number }>;
  readonly vetoes: CompiledVeto[];
}

/** Compile the grade bands and the vetoes (issues into `ctx`). */
export function compileGradesAndVetoes(ctx: CompileContext, logic: LogicChecker): GradesAndVetoes {
  const { rs, issues } = ctx;
  const gradeIds = new Set<string>();
  const grades = (rs.grades ?? []).map((g, i) => {
    if (gradeIds.has(g.id)) issues.push({ path: `/grades/${i}/id`, message: `grade "${g.id}" is declared twice` });
    gradeIds.add(g.id);
    return { id: g.id, title: g.title, min: g.min };
  });
  const mins = new Set<number>();
  grades.forEach((g, i) => {
    if (mins.has(g.min)) issues.push({ path: `/grades/${i}/min`, message: `two grade bands start at ${g.min}` });
    mins.add(g.min);
  });
  grades.sort((a, b) => b.min - a.min);

  const vetoIds = new Set<string>();
  const vetoes: CompiledVeto[] = (rs.vetoes ?? []).map((v, i) => {
    const at = `/vetoes/${i}`;
    if (vetoIds.has(v.id)) issues.push({ path: `${at}/id`, message: `veto "${v.id}" is declared twice` });
    vetoIds.add(v.id);
    const { fn, vars } = logic.check(v.when, `${at}/when`);
    if (v.effect.type === 'grade' && !gradeIds.has(v.effect.grade)) {
      issues.push({ path: `${at}/effect/grade`, message: `grade "${v.effect.grade}" is not one of the ruleset's grades (${[...gradeIds].join(', ') || 'none declared'})` });
    }
    if (v.effect.type === 'cap') checkPoints(v.effect.total, `${at}/effect/total`, issues);
    return { id: v.id, title: v.title, when: fn, fields: vars, reason: v.reason, effect: v.effect };
  });
  return { grades, vetoes };
}
