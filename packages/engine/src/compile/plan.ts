/**
 * Pass 6, the plan: the compiled tree as the flat arrays `evaluate` runs (`ScoringPlan`), the
 * per-field tables the scorer indexes, and the compiled model that holds them all.
 * @module
 */
import type { EngineLimits } from '../limits.js';
import type { EvidenceField, Ruleset } from '../model.js';
import { toMilli } from '../points.js';
import type { LocalText } from '../text.js';
import type { FieldText } from '../kernel.js';
import { BUILTIN_KERNELS } from '../methods/builtins.js';
import { contentHash } from '../hash.js';
import { fieldKind, type FieldChecker, type FieldTable } from './fields.js';
import type { LogicChecker } from './logic.js';
import type { CompiledTree } from './tree.js';
import type { GradesAndVetoes } from './vetoes.js';
import {
  PLAN_CONDITIONAL,
  PLAN_GENERAL,
  PLAN_KERNEL,
  PLAN_LOGIC,
  PLAN_ROLE,
  type CompiledGroup,
  type CompiledItem,
  type CompiledModel,
  type CompiledNode,
  type ScoringPlan,
} from './types.js';

const ref = (n: CompiledNode): number => (n.kind === 'item' ? n.index : -n.index - 1);

/** The tree as flat arrays indexed by item (and group) index. */
export function scoringPlan(items: readonly CompiledItem[], groups: readonly CompiledGroup[], tree: readonly CompiledNode[], bonus: readonly CompiledNode[]): ScoringPlan {
  const n = items.length;
  const op = new Uint8Array(n);
  const field = new Int32Array(n).fill(-1);
  // Filled by push, not preallocated: packed arrays, as the scorer's hot loop reads them.
  const max: number[] = [];
  const prepared: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const item = items[i] as CompiledItem;
    let o = PLAN_GENERAL;
    if (item.partner !== undefined) o = PLAN_ROLE;
    else if (item.builtinMerge) {
      if (item.kernel !== undefined) {
        o = BUILTIN_KERNELS.get(item.kernel.deduct) ?? PLAN_KERNEL;
        field[i] = item.fieldIndexes[0] as number;
      } else if (item.logic !== undefined) o = PLAN_LOGIC;
    }
    op[i] = o + (item.applicability !== undefined ? PLAN_CONDITIONAL : 0);
    max.push(item.max);
    prepared.push(item.prepared);
  }
  const groupStart = new Int32Array(groups.length);
  let size = 0;
  for (const g of groups) size += 1 + g.children.length;
  const groupChildren = new Int32Array(size);
  let k = 0;
  for (const g of groups) {
    groupStart[g.index] = k;
    groupChildren[k++] = g.children.length;
    for (const c of g.children) groupChildren[k++] = ref(c);
  }
  return {
    op,
    field,
    max,
    prepared,
    groupChildren,
    groupStart,
    groupMax: Array.from(groups, (g) => g.max),
    groupCapped: Uint8Array.from(groups, (g) => (g.capped ? 1 : 0)),
    roots: Int32Array.from(tree, ref),
    bonusRoots: Int32Array.from(bonus, ref),
  };
}

/** `normalize.coverage`, compiled. */
function compiledCoverage(rs: Ruleset, items: readonly CompiledItem[], groups: readonly CompiledGroup[]): CompiledModel['coverage'] {
  const c = rs.normalize?.coverage;
  if (c === undefined) return undefined;
  const node: CompiledNode | undefined = items.find((i) => i.id === c.node) ?? groups.find((g) => g.id === c.node);
  return { node: c.node, title: node?.title ?? { zh: c.node }, ref: node === undefined ? undefined : ref(node), min: toMilli(c.min), rate: toMilli(c.rate) };
}

/** The compiled model of a ruleset that passed every check. */
export function compiledModel(rs: Ruleset, table: FieldTable, logic: LogicChecker, t: CompiledTree, gv: GradesAndVetoes, limits: Readonly<EngineLimits>): CompiledModel {
  const { fields, fieldCheck, fieldNames, fieldIndex, unitKinds } = table;
  const n = fieldNames.length;
  // Filled by push, not preallocated: packed arrays, as the scorer reads them.
  const fieldChecks: FieldChecker[] = [];
  const fieldKinds: number[] = [];
  const fieldRange: number[] = [];
  const fieldTexts: FieldText[] = [];
  for (let i = 0; i < n; i++) {
    const name = fieldNames[i] as string;
    const f = fields.get(name) as EvidenceField;
    fieldChecks.push(fieldCheck.get(name) as FieldChecker);
    fieldKinds.push(fieldKind(f));
    fieldRange.push(f.minimum ?? (f.type === 'integer' ? 0 : -Infinity), f.maximum ?? Infinity);
    const text: { title: LocalText; unit: string; type: string; negative?: LocalText; count?: LocalText } = { title: f.title ?? { zh: name }, unit: f.unit ?? '', type: f.type };
    if (f.negative !== undefined) text.negative = f.negative;
    if (f.count !== undefined) text.count = f.count;
    fieldTexts.push(text);
  }
  // Sorted when first asked for (the first evidence hashed): linting a ruleset never needs it.
  let sortedFields: CompiledModel['sortedFields'] | undefined;
  const itemById = new Map<string, CompiledItem>();
  for (const i of t.items) itemById.set(i.id, i);
  const { $schema: _ignored, ...content } = rs;
  // Hashed when first asked for (the first card, or `hash`): hashing a large ruleset costs more
  // than compiling it, and linting one never needs it.
  let hash: string | undefined;
  return {
    json: rs,
    get hash() {
      return (hash ??= contentHash(content));
    },
    tree: t.tree,
    bonus: t.bonus,
    items: t.items,
    itemById,
    fields,
    fieldCheck,
    vetoes: gv.vetoes,
    grades: gv.grades,
    max: t.max,
    unitKinds,
    logicFields: [...logic.fields],
    get sortedFields() {
      return (sortedFields ??= fieldNames
        .slice()
        .sort()
        .map((name) => ({ name, key: `${JSON.stringify(name)}:` })));
    },
    fieldNames,
    fieldIndex,
    fieldChecks,
    fieldKinds,
    fieldRange,
    emptyValues: new Array<unknown>(n).fill(undefined),
    fieldTexts,
    groups: t.groups,
    plan: scoringPlan(t.items, t.groups, t.tree, t.bonus?.items ?? []),
    coverage: compiledCoverage(rs, t.items, t.groups),
    limits,
  };
}
