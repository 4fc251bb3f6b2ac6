/**
 * fast-check generators for the property tests: valid rulesets (they compile with no
 * issue), evidence within each field's type, and check findings that refer to real items.
 *
 * Points are generated as integer thousandths and written as `milli / 1000`, so every
 * number in a ruleset has at most three decimals.
 */
import fc from 'fast-check';
import type { FieldType, FieldValue, Finding, Ruleset, UnitEvidence } from '../src/index.js';
import { seededRandom } from '../src/index.js';

export const UNIT_KINDS = ['district', 'county'] as const;
export const METHODS = ['presence', 'per-finding', 'per-missing', 'threshold', 'rate', 'tiers', 'checklist', 'expert-grade'] as const;
export type MethodName = (typeof METHODS)[number];
export const DEFAULT_GRADES: Readonly<Record<string, number>> = { 优: 1, 良: 0.8, 中: 0.6, 差: 0.3 };

type Json = Record<string, unknown>;
type Scoring = { method?: string; params?: unknown; logic?: unknown };

const pts = (milli: number): number => milli / 1000;

// ── small helpers ─────────────────────────────────────────────────────────────────

/** A deterministic PRNG (the engine's `seededRandom`, mulberry32), for key-order and array-order permutations. */
export const prng: (seed: number) => () => number = seededRandom;

/** Fisher–Yates with a seeded PRNG (returns a new array). */
export function shuffle<T>(list: readonly T[], rand: () => number): T[] {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The same value with the keys of every object (at any depth) in a random order; arrays keep their order. */
export function shuffleKeys<T>(value: T, rand: () => number): T {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const k of shuffle(Object.keys(value), rand)) out[k] = shuffleKeys((value as Json)[k], rand);
    return out as T;
  }
  return value;
}

// ── points ────────────────────────────────────────────────────────────────────────

/** Thousandths: mostly "nice" halves, sometimes any thousandth. */
const arbMilli = (min: number, max: number): fc.Arbitrary<number> => {
  const halves: number[] = [];
  for (let h = Math.ceil(min / 500); h * 500 <= max; h++) halves.push(h * 500);
  const any = fc.integer({ min, max });
  return halves.length > 0 ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...halves) }, { weight: 1, arbitrary: any }) : any;
};
/** An item's max in thousandths (0 allowed where the method permits it). */
const arbItemMax = (min: number): fc.Arbitrary<number> => arbMilli(min, 5000);

// ── evidence value domains (shared by fields, thresholds, tiers, logic) ───────────

type MeasureType = 'integer' | 'number' | 'rate';
const twoDecimals = (min: number, max: number) => fc.integer({ min: min * 100, max: max * 100 }).map((n) => n / 100);
const arbMeasure = (t: MeasureType): fc.Arbitrary<number> => {
  switch (t) {
    case 'integer':
      return fc.integer({ min: 0, max: 20 });
    case 'rate':
      return fc.oneof(fc.integer({ min: 0, max: 100 }), twoDecimals(0, 100));
    case 'number':
      return fc.oneof(fc.integer({ min: -10, max: 150 }), twoDecimals(-10, 150));
  }
};
const arbMeasureType = fc.constantFrom<MeasureType>('integer', 'number', 'rate');

// ── item prototypes: scoring with field placeholders, named later ─────────────────

/** An item before ids and field names are assigned. */
export interface ProtoItem {
  kind: 'item';
  method: MethodName | 'logic';
  max: number; // thousandths
  fieldTypes: FieldType[];
  make: (fields: readonly string[]) => Scoring;
  applicability?: readonly string[];
  merge?: string;
  /** The check methods the item lists (findings are generated from these only). */
  checkMethods?: readonly ('data-check' | 'onsite')[];
  /** 责任唯一: lead `yanta`, partner `lintong`, scored by this prototype's scoring (its own fields). */
  partner?: { fieldTypes: FieldType[]; make: (fields: readonly string[]) => Scoring };
}
export interface ProtoGroup {
  kind: 'group';
  mode: 'inherit' | 'equal' | 'cap';
  capFrac: number; // thousandths of the children's sum, for 'cap'
  children: Proto[];
}
export type Proto = ProtoItem | ProtoGroup;

const optional = <T>(arb: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq });

const arbPresence: fc.Arbitrary<ProtoItem> = fc
  .record({ max: arbItemMax(0), deduct: optional(arbMilli(0, 6000)) })
  .map(({ max, deduct }) => ({
    kind: 'item',
    method: 'presence',
    max,
    fieldTypes: ['boolean'],
    make: ([f]) => ({ method: 'presence', params: deduct === undefined ? { field: f } : { field: f, deduct: pts(deduct) } }),
  }));

const arbPerFinding: fc.Arbitrary<ProtoItem> = arbItemMax(1).chain((max) =>
  fc.record({ per: arbMilli(1, 2000), cap: optional(arbMilli(1, max)) }).map(({ per, cap }) => ({
    kind: 'item' as const,
    method: 'per-finding' as const,
    max,
    fieldTypes: ['integer' as FieldType],
    make: ([f]: readonly string[]) => ({ method: 'per-finding', params: { field: f, per: pts(per), ...(cap === undefined ? {} : { cap: pts(cap) }) } }),
  })),
);

const arbPerMissing: fc.Arbitrary<ProtoItem> = arbItemMax(1).chain((max) =>
  fc
    .record({ n: fc.integer({ min: 1, max: 5 }), per: arbMilli(1, 2000), cap: optional(arbMilli(1, max)) })
    .map(({ n, per, cap }) => ({
      kind: 'item' as const,
      method: 'per-missing' as const,
      max,
      fieldTypes: ['documents' as FieldType],
      make: ([f]: readonly string[]) => ({
        method: 'per-missing',
        params: { field: f, required: Array.from({ length: n }, (_, i) => `文件${i}`), per: pts(per), ...(cap === undefined ? {} : { cap: pts(cap) }) },
      }),
    })),
);

const arbThreshold: fc.Arbitrary<ProtoItem> = fc
  .record({ max: arbItemMax(1), type: arbMeasureType, op: fc.constantFrom('<', '<=', '>', '>=') })
  .chain(({ max, type, op }) =>
    fc.record({ value: arbMeasure(type), deduct: arbMilli(1, max) }).map(({ value, deduct }) => ({
      kind: 'item' as const,
      method: 'threshold' as const,
      max,
      fieldTypes: [type as FieldType],
      make: ([f]: readonly string[]) => ({ method: 'threshold', params: { field: f, op, value, deduct: pts(deduct) } }),
    })),
  );

const arbRate: fc.Arbitrary<ProtoItem> = arbItemMax(1).chain((max) =>
  fc
    .record({
      target: fc.oneof(fc.integer({ min: 0, max: 100 }), twoDecimals(0, 100)),
      per: optional(arbMilli(1, 2000), 3),
      step: optional(fc.constantFrom(0.5, 1, 2, 2.5, 5, 100), 2),
      steps: optional(fc.constantFrom('started', 'complete', 'linear'), 2),
      cap: optional(arbMilli(1, max)),
    })
    .map(({ target, per, step, steps, cap }) => ({
      kind: 'item' as const,
      method: 'rate' as const,
      max,
      fieldTypes: ['rate' as FieldType],
      make: ([f]: readonly string[]) => ({
        method: 'rate',
        params: {
          field: f,
          target,
          ...(per === undefined ? {} : { per: pts(per) }),
          ...(step === undefined ? {} : { step }),
          ...(steps === undefined ? {} : { steps }),
          ...(cap === undefined ? {} : { cap: pts(cap) }),
        },
      }),
    })),
);

const arbTiers: fc.Arbitrary<ProtoItem> = fc
  .record({ max: arbItemMax(0), type: arbMeasureType, by: fc.constantFrom<'atLeast' | 'atMost'>('atLeast', 'atMost'), n: fc.integer({ min: 1, max: 4 }) })
  .chain(({ max, type, by, n }) =>
    fc
      .record({
        bounds: fc.uniqueArray(arbMeasure(type), { minLength: n, maxLength: n }),
        points: fc.array(arbMilli(0, max), { minLength: n, maxLength: n }),
        seed: fc.integer(),
      })
      .map(({ bounds, points, seed }) => {
        // Worst band first: ascending bounds for atLeast, descending for atMost; points never decrease.
        const b = bounds.slice().sort((x, y) => (by === 'atLeast' ? x - y : y - x));
        const p = points.slice().sort((x, y) => x - y);
        // The best band gives the max (the compiler refuses a max no band reaches).
        p[p.length - 1] = max;
        const bands = shuffle(
          b.map((bound, i) => ({ bound, points: pts(p[i] as number) })),
          prng(seed),
        );
        return {
          kind: 'item' as const,
          method: 'tiers' as const,
          max,
          fieldTypes: [type as FieldType],
          make: ([f]: readonly string[]) => ({ method: 'tiers', params: { field: f, by, bands } }),
        };
      }),
  );

const arbChecklist: fc.Arbitrary<ProtoItem> = fc.array(arbMilli(1, 2000), { minLength: 1, maxLength: 4 }).map((subs) => ({
  kind: 'item' as const,
  method: 'checklist' as const,
  max: subs.reduce((s, x) => s + x, 0),
  fieldTypes: subs.map(() => 'boolean' as FieldType),
  make: (fields: readonly string[]) => ({
    method: 'checklist',
    params: { points: subs.map((p, i) => ({ id: `c${i}`, title: { zh: `分项${i}` }, field: fields[i], points: pts(p) })) },
  }),
}));

const arbExpertGrade: fc.Arbitrary<ProtoItem> = fc
  .record({
    max: arbItemMax(0),
    grades: optional(
      fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'D', '甲', '乙'), { minLength: 1, maxLength: 4 }).chain((names) =>
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: names.length, maxLength: names.length }).map((fr) => Object.fromEntries(names.map((g, i) => [g, (fr[i] as number) / 100]))),
      ),
      2,
    ),
  })
  .map(({ max, grades }) => ({
    kind: 'item' as const,
    method: 'expert-grade' as const,
    max,
    fieldTypes: [],
    make: () => ({ method: 'expert-grade', params: grades === undefined ? {} : { grades } }),
  }));

const arbLogic: fc.Arbitrary<ProtoItem> = fc
  .record({
    max: arbItemMax(0),
    type: fc.constantFrom<MeasureType>('rate', 'number'),
    form: fc.constantFrom('if', 'if2', 'linear', 'bool'),
    t1: arbMeasure('rate'),
    t2: arbMeasure('rate'),
    k: fc.integer({ min: 1, max: 999 }),
  })
  .map(({ max, type, form, t1, t2, k }) => ({
    kind: 'item' as const,
    method: 'logic' as const,
    max,
    fieldTypes: [type as FieldType],
    make: ([f]: readonly string[]) => {
      const v = { var: f };
      const hi = Math.max(t1, t2);
      const lo = Math.min(t1, t2);
      switch (form) {
        case 'if':
          return { logic: { if: [{ '>=': [v, hi] }, pts(max), 0] } };
        case 'if2':
          return { logic: { if: [{ '>=': [v, hi] }, pts(max), { '>=': [v, lo] }, pts(Math.floor(max / 2)), 0] } };
        case 'linear':
          // Points proportional to the value: may give more than three decimals, or exceed the max.
          return { logic: { '*': [v, k / 10000] } };
        default:
          return { logic: { '>=': [v, lo] } };
      }
    },
  }));

const ITEM_ARBS: Record<MethodName | 'logic', fc.Arbitrary<ProtoItem>> = {
  presence: arbPresence,
  'per-finding': arbPerFinding,
  'per-missing': arbPerMissing,
  threshold: arbThreshold,
  rate: arbRate,
  tiers: arbTiers,
  checklist: arbChecklist,
  'expert-grade': arbExpertGrade,
  logic: arbLogic,
};

/** An item prototype for one method (optionally with applicability and a merge policy). */
export function arbProtoItem(method?: MethodName | 'logic', extras = true): fc.Arbitrary<ProtoItem> {
  const base = method !== undefined ? ITEM_ARBS[method] : fc.oneof(...Object.values(ITEM_ARBS));
  if (!extras) return base;
  // A partner's own scoring: a method reading a field (not a grade, so findings fit both roles),
  // with params that fit any max.
  const partnerArb: fc.Arbitrary<NonNullable<ProtoItem['partner']>> = fc.oneof(
    fc.constant<NonNullable<ProtoItem['partner']>>({ fieldTypes: ['boolean'], make: ([f]) => ({ method: 'presence', params: { field: f } }) }),
    arbMilli(1, 2000).map((per) => ({ fieldTypes: ['integer' as FieldType], make: ([f]: readonly string[]) => ({ method: 'per-finding', params: { field: f, per: pts(per) } }) })),
    fc
      .record({ target: fc.integer({ min: 0, max: 100 }), per: arbMilli(1, 1000), step: fc.constantFrom(1, 5, 10), steps: fc.constantFrom('started', 'complete', 'linear') })
      .map((r) => ({ fieldTypes: ['rate' as FieldType], make: ([f]: readonly string[]) => ({ method: 'rate', params: { field: f, ...r, per: pts(r.per) } }) })),
  );
  return fc
    .record({
      item: base,
      applicability: optional(fc.constantFrom<readonly string[]>(['district'], ['county'], ['district', 'county']), 5),
      merge: optional(fc.constantFrom('both', 'larger', 'onsite-overrides', 'replace'), 4),
      checkMethods: optional(fc.constantFrom<readonly ('data-check' | 'onsite')[]>(['data-check'], ['onsite'], ['data-check', 'onsite']), 3),
      partner: optional(partnerArb, 4),
    })
    .map(({ item, applicability, merge, checkMethods, partner }) => ({
      ...item,
      ...(applicability === undefined ? {} : { applicability }),
      ...(merge === undefined ? {} : { merge }),
      ...(checkMethods === undefined ? {} : { checkMethods }),
      // Only on items that read fields, and with a partner scoring that can score the same max.
      ...(partner === undefined || item.fieldTypes.length === 0 || item.method === 'logic' ? {} : { partner }),
    }));
}

function arbProto(depth: number): fc.Arbitrary<Proto> {
  if (depth <= 1) return arbProtoItem();
  const group: fc.Arbitrary<Proto> = fc
    .record({
      mode: fc.constantFrom<ProtoGroup['mode']>('inherit', 'inherit', 'equal', 'cap'),
      capFrac: fc.oneof(fc.constant(1000), fc.integer({ min: 0, max: 1000 })),
      children: fc.array(arbProto(depth - 1), { minLength: 1, maxLength: 4 }),
    })
    .map((g) => ({ kind: 'group' as const, ...g }));
  return fc.oneof({ weight: 1, arbitrary: arbProtoItem() }, { weight: 2, arbitrary: group });
}

// ── building a ruleset from prototypes ────────────────────────────────────────────

interface Builder {
  fields: Json[];
  rootMode: 'equal' | 'cap';
}

function buildNode(p: Proto, id: string, b: Builder): { node: Json; max: number } {
  if (p.kind === 'item') {
    const names = p.fieldTypes.map((type) => {
      const name = `f${b.fields.length}`;
      b.fields.push({ name, type, title: { zh: `字段${name}` }, ...(type === 'rate' ? { unit: '%' } : {}) });
      return name;
    });
    const node: Json = { id, title: { zh: `指标${id}` }, max: pts(p.max), scoring: p.make(names) };
    if (p.applicability !== undefined) node['applicability'] = { kinds: [...p.applicability], reason: { zh: '不适用于该类单位', en: 'Not for this kind of unit' } };
    if (p.merge !== undefined) node['merge'] = p.merge;
    if (p.checkMethods !== undefined) node['checkMethods'] = [...p.checkMethods];
    if (p.partner !== undefined) {
      const own = p.partner.fieldTypes.map((type) => {
        const name = `f${b.fields.length}`;
        b.fields.push({ name, type, title: { zh: `配合字段${name}` }, ...(type === 'rate' ? { unit: '%' } : {}) });
        return name;
      });
      node['lead'] = 'yanta';
      node['partners'] = ['lintong'];
      node['partner'] = { standard: '按本单位承担的配合任务计分', scoring: p.partner.make(own) };
    }
    return { node, max: p.max };
  }
  const children = p.children.map((c, i) => buildNode(c, `${id}.${i + 1}`, b));
  const sum = children.reduce((s, c) => s + c.max, 0);
  const mode = p.mode === 'inherit' ? b.rootMode : p.mode;
  const max = mode === 'cap' ? Math.floor((sum * p.capFrac) / 1000) : sum;
  const node: Json = { id, title: { zh: `分类${id}` }, max: pts(max), children: children.map((c) => c.node) };
  if (p.mode !== 'inherit') node['childrenMax'] = p.mode;
  return { node, max };
}

export interface RulesetOptions {
  /** Maximum depth of the tree (1 = items only at the top). */
  maxDepth?: number;
  /** Allow `childrenMax: 'cap'` (default true). */
  cap?: boolean;
}

/** A valid ruleset: it compiles with `createEngine().compile` without issues. */
export function arbRuleset(options: RulesetOptions = {}): fc.Arbitrary<Ruleset> {
  const maxDepth = options.maxDepth ?? 3;
  const allowCap = options.cap ?? true;
  return fc
    .record({
      depth: fc.integer({ min: 1, max: maxDepth }),
      rootMode: optional(fc.constantFrom<'equal' | 'cap'>('equal', 'cap'), 3),
      bonus: optional(fc.record({ cap: arbMilli(0, 5000), items: fc.array(arbProto(2), { minLength: 1, maxLength: 3 }) }), 2),
      grades: optional(fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }), 2),
      normalize: optional(fc.constantFrom(100, 10, 1000, 1), 2),
      coverage: optional(fc.record({ min: arbMilli(1, 20000), rate: fc.integer({ min: 0, max: 100 }) }), 2),
    })
    .chain((r) => fc.record({ r: fc.constant(r), tree: fc.array(arbProto(r.depth), { minLength: 1, maxLength: 3 }) }))
    .map(({ r, tree }) => {
      const strip = (p: Proto): Proto => (p.kind === 'item' ? p : { ...p, mode: p.mode === 'cap' ? 'equal' : p.mode, children: p.children.map(strip) });
      const rootMode = allowCap ? r.rootMode : r.rootMode === 'cap' ? undefined : r.rootMode;
      const b: Builder = { fields: [], rootMode: rootMode ?? 'equal' };
      const nodes = (allowCap ? tree : tree.map(strip)).map((p, i) => buildNode(p, `${i + 1}`, b).node);
      const rs: Json = {
        id: 'prop/generated',
        version: '1.0.0',
        edition: 2022,
        title: { zh: '生成的细则', en: 'Generated ruleset' },
        unitKinds: [...UNIT_KINDS],
        fields: b.fields,
        tree: nodes,
      };
      if (rootMode !== undefined) rs['childrenMax'] = rootMode;
      if (r.bonus !== undefined) {
        const items = (allowCap ? r.bonus.items : r.bonus.items.map(strip)).map((p, i) => buildNode(p, `bonus.${i + 1}`, b).node);
        rs['bonus'] = { id: 'bonus', title: { zh: '加分项' }, cap: pts(r.bonus.cap), items };
      }
      if (r.grades !== undefined) {
        rs['grades'] = r.grades.map((min, i) => ({ id: `g${i}`, title: { zh: `等级${i}` }, min }));
      }
      if (r.normalize !== undefined) {
        // Coverage of the first top-level node (thin when its applicable max is below min).
        rs['normalize'] = r.coverage === undefined ? { scale: r.normalize } : { scale: r.normalize, coverage: { node: '1', min: pts(r.coverage.min), rate: r.coverage.rate } };
      }
      return rs as unknown as Ruleset;
    });
}

/** A ruleset with one top-level item of the given method (no applicability). */
export function arbSingleItemRuleset(method: MethodName | 'logic'): fc.Arbitrary<Ruleset> {
  return fc.record({ item: arbProtoItem(method, false), merge: optional(fc.constantFrom('both', 'larger', 'onsite-overrides'), 3) }).map(({ item, merge }) => {
    const b: Builder = { fields: [], rootMode: 'equal' };
    const { node } = buildNode(merge === undefined ? item : { ...item, merge }, '1', b);
    return { id: 'prop/single', version: '1.0.0', edition: 2022, title: { zh: '单项' }, unitKinds: [...UNIT_KINDS], fields: b.fields, tree: [node] } as unknown as Ruleset;
  });
}

// ── reading a ruleset back ────────────────────────────────────────────────────────

export interface ItemInfo {
  id: string;
  node: Json;
  bonus: boolean;
  method: string;
  params: Json;
  /** Fields the item reads, as the engine sees them. */
  fields: string[];
  /** Grades an assessor may give (expert-grade items). */
  grades?: string[];
  /** A partner's own fields, on an item with a partner scoring (责任唯一). */
  partnerFields?: string[];
  /** The check methods the item lists, when it lists some. */
  checkMethods?: ('data-check' | 'onsite')[];
}

function logicVars(rule: unknown, out: string[]): string[] {
  if (Array.isArray(rule)) rule.forEach((r) => logicVars(r, out));
  else if (rule !== null && typeof rule === 'object') {
    for (const [k, v] of Object.entries(rule)) {
      if (k === 'var' && typeof v === 'string') {
        if (!out.includes(v)) out.push(v);
      } else logicVars(v, out);
    }
  }
  return out;
}

/** Every item of a ruleset (tree, then bonus), with the fields it reads. */
export function itemsOf(rs: Ruleset): ItemInfo[] {
  const out: ItemInfo[] = [];
  const visit = (n: Json, bonus: boolean) => {
    if (Array.isArray(n['children'])) {
      for (const c of n['children'] as Json[]) visit(c, bonus);
      return;
    }
    const s = n['scoring'] as Scoring;
    const params = (s.params ?? {}) as Json;
    const fieldsOf = (sc: Scoring): string[] => {
      const ps = (sc.params ?? {}) as Json;
      if (sc.logic !== undefined) return logicVars(sc.logic, []);
      if (sc.method === 'checklist') return [...new Set((ps['points'] as Json[]).map((c) => c['field'] as string))];
      if (sc.method === 'expert-grade') return [];
      return [ps['field'] as string];
    };
    const fields = fieldsOf(s);
    const grades = s.method === 'expert-grade' ? Object.keys((params['grades'] as Json | undefined) ?? DEFAULT_GRADES) : undefined;
    const partner = n['partner'] as { scoring: Scoring } | undefined;
    const cm = n['checkMethods'] as ('data-check' | 'onsite')[] | undefined;
    out.push({
      id: n['id'] as string,
      node: n,
      bonus,
      method: s.method ?? 'logic',
      params,
      fields,
      ...(grades ? { grades } : {}),
      ...(partner ? { partnerFields: fieldsOf(partner.scoring) } : {}),
      ...(cm ? { checkMethods: cm } : {}),
    });
  };
  for (const n of rs.tree as unknown as Json[]) visit(n, false);
  for (const n of (rs.bonus?.items ?? []) as unknown as Json[]) visit(n, true);
  return out;
}

// ── evidence ──────────────────────────────────────────────────────────────────────

/** A value within a field's type (documents: a subset of the required list, plus maybe extras). */
export function arbFieldValue(type: FieldType, required: readonly string[] = []): fc.Arbitrary<FieldValue> {
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
    case 'rate':
      return arbMeasure(type);
    case 'documents':
      return fc.tuple(fc.subarray(required.slice()), fc.subarray(['其他文件1', '其他文件2'])).map(([a, b]) => [...a, ...b]);
    default:
      throw new Error(`no generator for field type ${type}`);
  }
}

/** Required documents of every documents field (from the per-missing items that read it). */
export function requiredDocs(rs: Ruleset): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const it of itemsOf(rs)) if (it.method === 'per-missing') m.set(it.params['field'] as string, it.params['required'] as string[]);
  return m;
}

/** A unit of one of the ruleset's kinds. */
export const arbUnit = (kinds: readonly string[] = UNIT_KINDS) =>
  fc.record({ id: fc.constantFrom('u1', 'yanta', 'lintong'), name: fc.constantFrom('雁塔区', '临潼区', '某县'), kind: fc.constantFrom(...kinds) });

/** Values for each declared field (sometimes absent, sometimes null), and a unit. */
export function arbEvidence(rs: Ruleset): fc.Arbitrary<UnitEvidence> {
  const docs = requiredDocs(rs);
  const values: Record<string, fc.Arbitrary<FieldValue | undefined>> = {};
  for (const f of rs.fields) {
    values[f.name] = fc.oneof(
      { weight: 8, arbitrary: arbFieldValue(f.type, docs.get(f.name) ?? []) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  }
  return fc.record({ unit: arbUnit(rs.unitKinds), values: fc.record(values) }).map(({ unit, values: v }) => ({
    unit,
    values: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as Record<string, FieldValue>,
  }));
}

// ── findings ──────────────────────────────────────────────────────────────────────

const arbSourceAny = fc.constantFrom<'data-check' | 'onsite'>('data-check', 'onsite');
const arbCheck = fc.constantFrom<'authenticity' | 'accuracy' | 'completeness' | 'compliance'>('authenticity', 'accuracy', 'completeness', 'compliance');

/** One finding about one item: a deduction, a rejection of a field it reads, or a grade. */
export function arbFinding(item: ItemInfo, kinds: { rejections?: boolean; grades?: boolean } = {}): fc.Arbitrary<Finding> {
  // Only from the checks the item lists.
  const arbSource = item.checkMethods !== undefined ? fc.constantFrom(...item.checkMethods) : arbSourceAny;
  const deduction = fc.record({ source: arbSource, points: arbMilli(1, 3000), reason: fc.constantFrom('现场发现问题', '台账不全', 'x') }).map(
    (d): Finding => ({ item: item.id, source: d.source, type: 'deduction', points: pts(d.points), reason: d.reason }),
  );
  const options: Array<{ weight: number; arbitrary: fc.Arbitrary<Finding> }> = [{ weight: 4, arbitrary: deduction }];
  // A rejection takes evidence out of the scoring: only of an item that reads some.
  if (kinds.rejections !== false && item.fields.length > 0 && (item.partnerFields === undefined || item.partnerFields.length > 0)) {
    // On an item scored by role, the fields depend on the unit: reject all its evidence.
    const field = item.partnerFields !== undefined ? fc.constant(undefined) : fc.option(fc.constantFrom(...item.fields), { nil: undefined, freq: 4 });
    const rejection = fc.record({ source: arbSource, field, check: arbCheck }).map((r): Finding => {
      const f: Finding = { item: item.id, source: r.source, type: 'rejected', check: r.check, reason: '材料不实' };
      return r.field === undefined ? f : { ...f, field: r.field };
    });
    options.push({ weight: 1, arbitrary: rejection });
  }
  if (kinds.grades !== false && item.grades !== undefined && item.grades.length > 0) {
    const grade = fc.record({ source: arbSource, grade: fc.constantFrom(...item.grades) }).map(
      (g): Finding => ({ item: item.id, source: g.source, type: 'grade', grade: g.grade, reason: '专家评定' }),
    );
    options.push({ weight: 4, arbitrary: grade });
  }
  return fc.oneof(...options);
}

/**
 * A few findings about the ruleset's items. At most one grade per item and source (two
 * different grades from the same check are an input error).
 */
export function arbFindings(rs: Ruleset, kinds: { rejections?: boolean; grades?: boolean; maxLength?: number } = {}): fc.Arbitrary<Finding[]> {
  const items = itemsOf(rs);
  return fc.array(fc.constantFrom(...items).chain((it) => arbFinding(it, kinds)), { maxLength: kinds.maxLength ?? 4 }).map((list) => {
    const seen = new Set<string>();
    return list.filter((f) => {
      if (f.type !== 'grade') return true;
      const key = `${f.item}\u0000${f.source}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
}

/** A ruleset with evidence and findings for it. */
export interface Scenario {
  ruleset: Ruleset;
  evidence: UnitEvidence;
  findings: Finding[];
}
export function arbScenario(options: RulesetOptions = {}): fc.Arbitrary<Scenario> {
  return arbRuleset(options).chain((ruleset) => fc.record({ ruleset: fc.constant(ruleset), evidence: arbEvidence(ruleset), findings: arbFindings(ruleset) }));
}
