/**
 * JsonLogic in a ruleset (an item's `logic`, an applicability's `when`, a veto's `when`):
 * compiled against the declared fields' slots, every `var` checked to name a declared field.
 * @module
 */
import type { LogicFn } from '../logic/types.js';
import type { CompileContext } from './context.js';
import type { FieldTable } from './fields.js';

/** A rule compiled, and the declared fields it reads (first-use order). */
export interface CheckedLogic {
  fn: LogicFn;
  vars: string[];
}

/** Compiles the ruleset's rules, remembering every field any of them reads. */
export interface LogicChecker {
  check(rule: unknown, at: string): CheckedLogic;
  /** Every field any rule read so far (compiled closures read nothing else: every var is a literal path). */
  readonly fields: Set<string>;
}

const UNIT_PROPS: ReadonlySet<string> = new Set(['id', 'name', 'kind']);

/** A checker adding its issues to `ctx`. */
export function logicChecker(ctx: CompileContext, table: FieldTable): LogicChecker {
  const { issues, parts } = ctx;
  const { fields, fieldIndex } = table;
  const logicFields = new Set<string>();
  const check = (rule: unknown, at: string): CheckedLogic => {
    const r = parts.logic.compile(rule, at, fieldIndex);
    for (const i of r.issues) issues.push(i);
    for (const p of r.dynamicVars) issues.push({ path: p, message: 'a computed var path cannot be checked; name an evidence field' });
    const vars: string[] = [];
    for (const v of r.vars) {
      const path = v.path;
      const dot = path.indexOf('.');
      const head = dot < 0 ? path : path.slice(0, dot);
      if (path === '') {
        issues.push({ path: v.pointer, message: 'var "" reads the whole evidence; name an evidence field' });
      } else if (head === 'unit') {
        const rest = path.slice(5);
        if (rest !== '' && !UNIT_PROPS.has(rest)) {
          issues.push({ path: v.pointer, message: `unknown unit property "${rest}" (unit has id, name, kind)` });
        }
      } else if (!fields.has(head)) {
        issues.push({ path: v.pointer, message: `var "${path}" names no declared evidence field` });
      } else {
        logicFields.add(head);
        if (!vars.includes(head)) vars.push(head);
      }
    }
    return { fn: r.fn, vars };
  };
  return { check, fields: logicFields };
}
