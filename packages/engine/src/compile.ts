/**
 * The compiler: validate a ruleset's shape (ajv, from the TypeBox schema), then its meaning,
 * reporting every problem at once with its JSON pointer; then build the closures that score.
 * @module
 */
import { RulesetError, ptr, type Issue } from './errors.js';
import { ajvIssues, shown } from './ajv-issues.js';
import type { LogicCompiler, LogicFn } from './logic/types.js';
import type { EvidenceField, FieldType, Node, Ruleset, VetoEffect } from './model.js';
import type { MergePolicy, MethodMessage, ScoringMethod } from './plugin.js';
import { builtinMergePolicies } from './merge.js';
import { hasAtMostThreeDecimals, toMilli, fromMilli } from './points.js';
import { PLACEHOLDER, pick, templateParams, type Lang, type LocalText } from './text.js';
import { contentHash } from './hash.js';
import type { FieldKernel, FieldText } from './kernel.js';
import { BUILTIN_KERNELS } from './methods/builtins.js';
import { rectificationIssues } from './rectification.js';
import type { Validator } from './validators/index.js';

/** What the compiler needs from an engine. */
export interface CompilerParts {
  validateRuleset: Validator;
  methods: ReadonlyMap<string, ScoringMethod>;
  /** By method name: precompiled for the built-ins' params, interpreted for a plugin's. */
  paramValidators: ReadonlyMap<string, Validator>;
  mergePolicies: ReadonlyMap<string, MergePolicy>;
  logic: LogicCompiler;
}

/** Messages the engine itself uses on any item (a ruleset may override their text per item). */
export const ENGINE_MESSAGES: Readonly<Record<string, MethodMessage>> = {
  'no-evidence': {
    reason: { zh: '未提供佐证材料（{fields}）', en: 'No evidence provided ({fields})' },
    suggestion: { zh: '补充提供{fields}的佐证材料', en: 'Provide evidence for {fields}' },
    data: ['fields', 'points'],
  },
  rejected: {
    reason: { zh: '佐证材料未通过核查（{checks}）：{reasons}', en: 'Evidence rejected by the checks ({checks}): {reasons}' },
    suggestion: { zh: '按核查意见重新提交真实、准确、完整的佐证材料', en: 'Resubmit authentic, accurate and complete evidence' },
    data: ['checks', 'reasons', 'points'],
  },
  logic: {
    reason: { zh: '按评分标准得{earned}分（满分{max}分），扣{points}分', en: 'By the scoring standard: {earned} of {max}; {points} deducted' },
    data: ['earned', 'max', 'points'],
  },
};

const COMMON_DATA = ['item', 'title', 'max', 'points'];

/** Applicability, compiled. */
export interface CompiledApplicability {
  kinds: ReadonlySet<string> | undefined;
  units: ReadonlySet<string> | undefined;
  except: ReadonlySet<string> | undefined;
  when: LogicFn | undefined;
  /** The evidence fields `when` reads (a template must ask for them too). */
  fields: readonly string[];
  reason: LocalText;
}

/** A scored item (三级指标), compiled. Points are thousandths. */
export interface CompiledItem {
  readonly kind: 'item';
  /** Position in `CompiledModel.items` (scoring order: the tree depth first, then the bonus items). */
  readonly index: number;
  readonly id: string;
  readonly title: LocalText;
  readonly max: number;
  readonly pointer: string;
  readonly bonus: boolean;
  readonly methodName: string | undefined;
  readonly method: ScoringMethod | undefined;
  readonly prepared: unknown;
  readonly logic: LogicFn | undefined;
  readonly fields: readonly string[];
  readonly applicability: CompiledApplicability | undefined;
  readonly merge: MergePolicy;
  readonly messages: Readonly<Record<string, MethodMessage>>;
  readonly suggestion: LocalText | undefined;
  readonly grades: ReadonlySet<string> | undefined;
  readonly monotonic: boolean;
  readonly node: Node;
  /** The item's texts per language, split into templates once (see `ItemText`). */
  readonly text: { readonly zh: ItemText; readonly en: ItemText };
  /** `fields` as indexes into `CompiledModel.fieldNames`. */
  readonly fieldIndexes: readonly number[];
  /** The method's kernel (see kernel.ts), when it is scored by one: without a context, explained at render. */
  readonly kernel: FieldKernel | undefined;
  /** Whether the merge policy is a built-in one (with no findings it gives the rule deductions as they are). */
  readonly builtinMerge: boolean;
  /** On an item with a lead (责任唯一): whose part this is — the lead's indicator or a partner's contribution. */
  readonly role: 'lead' | 'partner' | undefined;
  /** On the lead's item: how a partner is scored instead (the same item, its own scoring, fields and texts). */
  readonly partner: CompiledItem | undefined;
  /** On an item with a `partner` scoring: the partner units. */
  readonly partners: ReadonlySet<string> | undefined;
  /** The check methods the item lists (`checkMethods`); undefined when it lists none (any is accepted). */
  readonly checkMethods: ReadonlySet<string> | undefined;
}

/** A message's reason and suggestion in one language, as templates. */
export interface MessageText {
  readonly reason: Template;
  readonly suggestion: Template | undefined;
}

/**
 * An item's texts in one language, split at compile time so scoring fills them without a
 * regular expression. A message id missing from `messages` (an inherited name, or a plugin's
 * text that is not a string) is rendered the general way from `CompiledItem.messages`.
 */
export interface ItemText {
  readonly messages: ReadonlyMap<string, MessageText>;
  readonly suggestion: Template | undefined;
}

/** A group (category / indicator), compiled. */
export interface CompiledGroup {
  readonly kind: 'group';
  /** Position in `CompiledModel.groups` (children before their parent). */
  readonly index: number;
  readonly id: string;
  readonly title: LocalText;
  readonly max: number;
  readonly capped: boolean;
  readonly children: readonly CompiledNode[];
}

export type CompiledNode = CompiledItem | CompiledGroup;

/** A compiled veto. */
export interface CompiledVeto {
  readonly id: string;
  readonly title: LocalText;
  readonly when: LogicFn;
  /** The evidence fields `when` reads (their sources are cited on the card). */
  readonly fields: readonly string[];
  readonly reason: LocalText;
  readonly effect: VetoEffect;
}

/** Everything the scorer needs, built once. */
export interface CompiledModel {
  readonly json: Ruleset;
  readonly hash: string;
  readonly tree: readonly CompiledNode[];
  readonly bonus: { id: string; title: LocalText; cap: number; items: readonly CompiledNode[] } | undefined;
  readonly items: readonly CompiledItem[];
  readonly itemById: ReadonlyMap<string, CompiledItem>;
  readonly fields: ReadonlyMap<string, EvidenceField>;
  readonly fieldCheck: ReadonlyMap<string, (v: unknown) => string | undefined>;
  readonly vetoes: readonly CompiledVeto[];
  readonly grades: ReadonlyArray<{ id: string; title: LocalText; min: number }>;
  readonly max: number;
  readonly unitKinds: ReadonlySet<string>;
  /** The evidence fields JsonLogic reads (`var`, `missing`, `missing_some` paths), in first-use order. */
  readonly logicFields: readonly string[];
  /** The declared field names in sorted (UTF-16) order, each with its JSON key (`"name":`). */
  readonly sortedFields: ReadonlyArray<{ readonly name: string; readonly key: string }>;
  /** The declared field names in declared order (internalised strings: compared by identity). */
  readonly fieldNames: readonly string[];
  /** Field name → its index in `fieldNames`. */
  readonly fieldIndex: ReadonlyMap<string, number>;
  /** Each declared field's value checker, by index. */
  readonly fieldChecks: ReadonlyArray<(v: unknown) => string | undefined>;
  /**
   * Each declared field's check as a code the scorer tests inline (`FIELD_*`): the same
   * acceptance as its checker, for the common types without a range; `FIELD_OTHER` calls it.
   */
  readonly fieldKinds: readonly number[];
  /**
   * Each declared field's accepted range, `[min, max]` at `2i`, as its checker applies it: the
   * declared minimum and maximum, an integer without a minimum from 0, otherwise ±Infinity.
   */
  readonly fieldRange: readonly number[];
  /**
   * One entry per declared field, all undefined, of generic elements: a unit's values array
   * is a copy, so storing a number, then a boolean or a list never converts its storage.
   */
  readonly emptyValues: readonly unknown[];
  /** Each declared field's title and unit for explanations, by index. */
  readonly fieldTexts: readonly FieldText[];
  /** Every group (tree and bonus), children before their parent. */
  readonly groups: readonly CompiledGroup[];
  /** The scoring plan `evaluate` runs: the tree as flat arrays. */
  readonly plan: ScoringPlan;
  /** `normalize.coverage`, compiled: the node's reference, `min` in thousandths, `rate` in thousandths of a percent. */
  readonly coverage: { node: string; title: LocalText; ref: number | undefined; min: number; rate: number } | undefined;
}

/** How `evaluate` scores an item (`ScoringPlan.op`): a built-in kernel's id (`KERNEL_*`), or one of these. */
export const PLAN_GENERAL = 0;
/** A kernel that is not one of the built-in ones: called through `kernel.deduct`. */
export const PLAN_KERNEL = 7;
export const PLAN_LOGIC = 8;
/** An item scored by role (责任唯一): the lead's or a partner's scoring, chosen per unit. */
export const PLAN_ROLE = 9;
/** Added to the op of an item with an applicability condition. */
export const PLAN_CONDITIONAL = 16;

/**
 * The tree as flat arrays indexed by item (and group) index, so scoring a unit reads a few
 * small arrays instead of walking objects. A node reference is an item index (≥ 0) or
 * `-(group index) - 1`.
 */
export interface ScoringPlan {
  /** Per item: `PLAN_*` or a kernel id, plus `PLAN_CONDITIONAL` when it has an applicability condition. */
  readonly op: Uint8Array;
  /** Per item: the index of the field a kernel reads (−1 for the others). */
  readonly field: Int32Array;
  /** Per item: its max, thousandths. */
  readonly max: readonly number[];
  /** Per item: its method's prepared params. */
  readonly prepared: readonly unknown[];
  /** Per group, in `groups` order: at `groupStart[g]`, the number of children, then their references. */
  readonly groupChildren: Int32Array;
  readonly groupStart: Int32Array;
  readonly groupMax: readonly number[];
  readonly groupCapped: Uint8Array;
  /** References of the tree's top nodes, and of the bonus bucket's. */
  readonly roots: Int32Array;
  readonly bonusRoots: Int32Array;
}

const ref = (n: CompiledNode): number => (n.kind === 'item' ? n.index : -n.index - 1);

function scoringPlan(items: readonly CompiledItem[], groups: readonly CompiledGroup[], tree: readonly CompiledNode[], bonus: readonly CompiledNode[]): ScoringPlan {
  const n = items.length;
  const op = new Uint8Array(n);
  const field = new Int32Array(n).fill(-1);
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
  }
  const groupStart = new Int32Array(groups.length);
  const children: number[] = [];
  for (const g of groups) {
    groupStart[g.index] = children.length;
    children.push(g.children.length, ...g.children.map(ref));
  }
  return {
    op,
    field,
    max: Array.from(items, (i) => i.max),
    prepared: Array.from(items, (i) => i.prepared),
    groupChildren: Int32Array.from(children),
    groupStart,
    groupMax: Array.from(groups, (g) => g.max),
    groupCapped: Uint8Array.from(groups, (g) => (g.capped ? 1 : 0)),
    roots: Int32Array.from(tree, ref),
    bonusRoots: Int32Array.from(bonus, ref),
  };
}

/** Field check codes (`CompiledModel.fieldKinds`); numbers are also checked against `fieldRange`. */
export const FIELD_OTHER = 0;
export const FIELD_BOOLEAN = 1;
/** An integer (≥ 0 unless the field has a minimum). */
export const FIELD_INTEGER = 2;
/** A finite number. */
export const FIELD_NUMBER = 3;
/** A rate: 0–100 with at most three decimals. */
export const FIELD_RATE = 4;
/** Documents: a list of distinct non-empty texts. */
export const FIELD_DOCUMENTS = 5;

function fieldKind(f: EvidenceField): number {
  switch (f.type) {
    case 'boolean':
      return FIELD_BOOLEAN;
    case 'integer':
      return FIELD_INTEGER;
    case 'number':
      return FIELD_NUMBER;
    case 'rate':
      return FIELD_RATE;
    case 'documents':
      return FIELD_DOCUMENTS;
    default:
      return FIELD_OTHER;
  }
}

/** The same text as an internalised string (a property key), so equal names are one string. */
function internal(s: string): string {
  return Object.keys({ [s]: 0 })[0] as string;
}

/** The built-in merge policies: with no findings, each gives the rule deductions unchanged. */
const BUILTIN_MERGE: ReadonlySet<MergePolicy> = new Set(Object.values(builtinMergePolicies));

const ITEM_ONLY = ['content', 'standard', 'evidenceKinds', 'checkMethods', 'applicability', 'messages', 'suggestion', 'merge', 'monotonic', 'partner'] as const;

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A checker for one field's reported values: returns a message, or undefined when fine. */
function fieldChecker(f: EvidenceField): (v: unknown) => string | undefined {
  const range = (n: number): string | undefined => {
    if (f.minimum !== undefined && n < f.minimum) return `expected at least ${f.minimum}, found ${n}`;
    if (f.maximum !== undefined && n > f.maximum) return `expected at most ${f.maximum}, found ${n}`;
    return undefined;
  };
  switch (f.type) {
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? undefined : `expected true or false, found ${shown(v)}`);
    case 'integer':
      return (v) =>
        typeof v === 'number' && Number.isInteger(v) ? (v < 0 && f.minimum === undefined ? `expected a count ≥ 0, found ${v}` : range(v)) : `expected an integer, found ${shown(v)}`;
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? range(v) : `expected a number, found ${shown(v)}`);
    case 'rate':
      // At most three decimals, so rates compare exactly in thousandths of a percentage point.
      return (v) =>
        typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100
          ? hasAtMostThreeDecimals(v)
            ? range(v)
            : `expected a rate with at most three decimals, found ${v}`
          : `expected a rate from 0 to 100 (%), found ${shown(v)}`;
    case 'date':
      return (v) => (typeof v === 'string' && isDate(v) ? undefined : `expected a date as YYYY-MM-DD, found ${shown(v)}`);
    case 'enum': {
      const allowed = new Set(f.values ?? []);
      return (v) => (typeof v === 'string' && allowed.has(v) ? undefined : `expected one of ${[...allowed].map((a) => JSON.stringify(a)).join(', ')}, found ${shown(v)}`);
    }
    case 'documents':
      return (v) => {
        if (!Array.isArray(v)) return `expected a list of document names, found ${shown(v)}`;
        const bad = v.findIndex((d) => typeof d !== 'string' || d.length === 0);
        if (bad >= 0) return `expected document names (non-empty text), found ${shown(v[bad])} at index ${bad}`;
        const dup = v.findIndex((d, i) => v.indexOf(d) !== i);
        return dup >= 0 ? `document "${String(v[dup])}" is listed twice` : undefined;
      };
  }
}

/** Which field types an aggregate's result can be declared as, by what it reads and how it combines. */
function checkAggregate(f: EvidenceField, at: string): Issue[] {
  const a = f.aggregate!;
  const issues: Issue[] = [];
  const reads = 'node' in a.of ? 'node' : 'field' in a.of ? 'field' : 'score' in a.of ? 'score' : 'veto';
  let types: readonly string[];
  switch (a.op) {
    case 'pooled':
      types = reads === 'node' ? ['rate'] : [];
      if (reads !== 'node') issues.push({ path: `${at}/op`, message: '"pooled" (Σ earned ÷ Σ max) is of an item or group: "of": { "node": … }' });
      break;
    case 'share':
      types = ['rate'];
      break;
    case 'count':
      types = ['integer'];
      break;
    case 'any':
      types = ['boolean'];
      break;
    case 'sum':
      types = reads === 'node' ? [] : reads === 'veto' ? ['integer'] : ['integer', 'number'];
      if (reads === 'node') issues.push({ path: `${at}/op`, message: 'a sum of score rates means nothing; use "mean", "pooled", "min" or "max"' });
      break;
    default:
      types = reads === 'node' ? ['rate'] : reads === 'veto' ? ['integer'] : ['integer', 'number', 'rate'];
  }
  if (a.op === 'mean' && types.includes('integer')) types = types.filter((t) => t !== 'integer');
  if (types.length > 0 && !types.includes(f.type)) {
    issues.push({ path: at.replace(/\/aggregate$/, '/type'), message: `field "${f.name}" is ${f.type}, but its aggregate (${a.op} of ${reads}) gives ${types.join(' or ')}` });
  }
  if (a.from.lead === true && reads !== 'node') issues.push({ path: `${at}/from/lead`, message: '"lead" picks the lead of each item under "of": { "node": … }' });
  if (a.bar !== undefined && a.op !== 'share' && a.op !== 'count') issues.push({ path: `${at}/bar`, message: `"bar" is for "share" and "count", not "${a.op}"` });
  return issues;
}

function checkPoints(n: number, path: string, issues: Issue[]): void {
  if (!hasAtMostThreeDecimals(n)) issues.push({ path, message: `points have at most three decimals, found ${n}` });
}

/**
 * A message template split once into literal text and parameter names: `[text, name, text,
 * name, …, text]` (names at odd indices), so filling it needs no regular expression.
 */
export type Template = readonly string[];


/** A text split at its `{name}` placeholders: the same matches `format` replaces. */
export function compileTemplate(template: string): Template {
  const parts: string[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index), m[1] as string);
    last = (m.index as number) + m[0].length;
  }
  parts.push(template.slice(last));
  return parts;
}

/** Split an item's texts in one language into templates (`cache`: one split per distinct text). */
function itemText(
  messages: Readonly<Record<string, MethodMessage>>,
  suggestion: LocalText | undefined,
  lang: Lang,
  cache: Map<string, Template>,
): ItemText {
  const split = (text: string): Template => {
    let t = cache.get(text);
    if (t === undefined) cache.set(text, (t = compileTemplate(text)));
    return t;
  };
  const out = new Map<string, MessageText>();
  const text = (t: unknown): string | undefined =>
    typeof t === 'string' ? t : t !== null && typeof t === 'object' ? (pick(t as LocalText, lang) as unknown as string | undefined) : undefined;
  for (const id of Object.keys(messages)) {
    // Only what renders exactly as `format(pick(…))` would; anything odd (a plugin's text that is
    // not a string) keeps the general path, and fails, if it does, where it always did.
    try {
      const m = messages[id] as MethodMessage | undefined;
      if (m === null || typeof m !== 'object') continue;
      const reason = text(m.reason);
      if (typeof reason !== 'string') continue;
      let s: Template | undefined;
      if (m.suggestion) {
        const sText = text(m.suggestion);
        if (typeof sText !== 'string') continue;
        s = split(sText);
      }
      out.set(id, { reason: split(reason), suggestion: s });
    } catch {
      continue;
    }
  }
  return { messages: out, suggestion: suggestion === undefined ? undefined : split(pick(suggestion, lang)) };
}

/** Validate and compile a ruleset; throws RulesetError listing every problem. */
export function compileModel(json: unknown, parts: CompilerParts): CompiledModel {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new RulesetError([{ path: '', message: `expected a ruleset object, found ${shown(json)}` }]);
  }
  if (!parts.validateRuleset(json)) {
    throw new RulesetError(ajvIssues(parts.validateRuleset.errors, json));
  }
  const rs = json as Ruleset;
  const issues: Issue[] = [];

  // Fields.
  const fields = new Map<string, EvidenceField>();
  const fieldCheck = new Map<string, (v: unknown) => string | undefined>();
  rs.fields.forEach((f, i) => {
    const at = ptr('fields', i);
    if (fields.has(f.name)) issues.push({ path: `${at}/name`, message: `field "${f.name}" is declared twice` });
    if (f.name === 'unit') issues.push({ path: `${at}/name`, message: '"unit" is reserved (JsonLogic reads the unit under it)' });
    else if (f.name in Object.prototype || f.name === 'prototype') {
      issues.push({ path: `${at}/name`, message: `"${f.name}" is reserved (it names a property every JavaScript object has)` });
    }
    if (f.type === 'enum' && f.values === undefined) issues.push({ path: at, message: 'an enum field needs "values"' });
    if (f.type !== 'enum' && f.values !== undefined) issues.push({ path: `${at}/values`, message: `"values" is only for enum fields, this one is ${f.type}` });
    if (f.minimum !== undefined && f.maximum !== undefined && f.minimum > f.maximum) {
      issues.push({ path: `${at}/minimum`, message: `minimum ${f.minimum} is above maximum ${f.maximum}` });
    }
    fields.set(f.name, f);
    fieldCheck.set(f.name, fieldChecker(f));
  });
  const unitKinds = new Set(rs.unitKinds);
  const fieldNames = [...fields.keys()].map(internal);
  // Name → index, so each item finds its fields in constant time (compile stays linear in size).
  const fieldIndex = new Map<string, number>(fieldNames.map((n, i) => [n, i]));
  const templates = new Map<string, Template>();
  // Every field any JsonLogic reads (compiled closures read nothing else: every var is a literal path).
  const logicFields = new Set<string>();

  const checkLogic = (rule: unknown, at: string): { fn: LogicFn; vars: string[] } => {
    const r = parts.logic.compile(rule, at, fieldIndex);
    issues.push(...r.issues);
    for (const p of r.dynamicVars) issues.push({ path: p, message: 'a computed var path cannot be checked; name an evidence field' });
    const vars: string[] = [];
    for (const v of r.vars) {
      const head = v.path.split('.')[0] as string;
      if (v.path === '') {
        issues.push({ path: v.pointer, message: 'var "" reads the whole evidence; name an evidence field' });
      } else if (head === 'unit') {
        const rest = v.path.slice(5);
        if (rest !== '' && !['id', 'name', 'kind'].includes(rest)) {
          issues.push({ path: v.pointer, message: `unknown unit property "${rest}" (unit has id, name, kind)` });
        }
      } else if (!fields.has(head)) {
        issues.push({ path: v.pointer, message: `var "${v.path}" names no declared evidence field` });
      } else {
        logicFields.add(head);
        if (!vars.includes(head)) vars.push(head);
      }
    }
    return { fn: r.fn, vars };
  };

  // Tree.
  const ids = new Map<string, string>();
  const items: CompiledItem[] = [];
  const groups: CompiledGroup[] = [];
  const defaultChildrenMax = rs.childrenMax ?? 'equal';

  const compileNode = (node: Node, at: string, bonus: boolean): CompiledNode => {
    if (ids.has(node.id)) issues.push({ path: `${at}/id`, message: `id "${node.id}" is already used at ${ids.get(node.id)}` });
    else ids.set(node.id, at);
    checkPoints(node.max, `${at}/max`, issues);
    const max = toMilli(node.max);
    const hasChildren = node.children !== undefined;
    const hasScoring = node.scoring !== undefined;
    if (hasChildren && hasScoring) issues.push({ path: at, message: 'a node has either "children" (a group) or "scoring" (an item), not both' });
    if (!hasChildren && !hasScoring) issues.push({ path: at, message: 'a node needs "children" (a group) or "scoring" (an item)' });

    if (hasChildren) {
      for (const k of ITEM_ONLY) if (node[k] !== undefined) issues.push({ path: `${at}/${k}`, message: `"${k}" is only for items (nodes with "scoring")` });
      const children = (node.children as Node[]).map((c, i) => compileNode(c as Node, `${at}/children/${i}`, bonus));
      const sum = children.reduce((s, c) => s + c.max, 0);
      const mode = node.childrenMax ?? defaultChildrenMax;
      if (mode === 'equal' && sum !== max) {
        issues.push({ path: `${at}/max`, message: `children's maxima sum to ${fromMilli(sum)}, but this node's max is ${fromMilli(max)} (childrenMax "equal")` });
      }
      if (mode === 'cap' && sum < max) {
        issues.push({ path: `${at}/max`, message: `children's maxima sum to ${fromMilli(sum)}, less than this node's max ${fromMilli(max)}: it could never be reached` });
      }
      const group: CompiledGroup = { kind: 'group', index: groups.length, id: node.id, title: node.title, max, capped: mode === 'cap', children };
      groups.push(group);
      return group;
    }
    if (node.childrenMax !== undefined) issues.push({ path: `${at}/childrenMax`, message: '"childrenMax" is only for groups' });
    return compileItem(node, at, max, bonus);
  };

  /** What scores an item for one role: its method or logic, the fields they read, its texts. */
  interface Variant {
    methodName: string | undefined;
    method: ScoringMethod | undefined;
    prepared: unknown;
    logic: LogicFn | undefined;
    fields: string[];
    grades: Set<string> | undefined;
    messages: Record<string, MethodMessage>;
    suggestion: LocalText | undefined;
    monotonic: boolean;
    text: { readonly zh: ItemText; readonly en: ItemText };
    kernel: FieldKernel | undefined;
    fieldIndexes: number[];
  }

  const ENGINE_MESSAGES_COPY: Record<string, MethodMessage> = { ...ENGINE_MESSAGES };
  const baseMessages = new Map<ScoringMethod, Record<string, MethodMessage>>();
  const sharedText = new Map<object, { readonly zh: ItemText; readonly en: ItemText }>();
  const textOf = (messages: Record<string, MethodMessage>, suggestion: LocalText | undefined): { readonly zh: ItemText; readonly en: ItemText } => {
    const make = () => ({ zh: itemText(messages, suggestion, 'zh', templates), en: itemText(messages, suggestion, 'en', templates) });
    if (suggestion !== undefined) return make();
    let t = sharedText.get(messages);
    if (t === undefined) sharedText.set(messages, (t = make()));
    return t;
  };

  const compileVariant = (
    spec: { id: string; scoring?: Node['scoring']; messages?: Node['messages']; suggestion?: LocalText; monotonic?: boolean },
    at: string,
    max: number,
  ): Variant => {
    const scoring = spec.scoring ?? {};
    let method: ScoringMethod | undefined;
    let prepared: unknown;
    let logic: LogicFn | undefined;
    let messagesBase: Record<string, MethodMessage> = ENGINE_MESSAGES_COPY;
    const itemFields: string[] = [];
    let grades: Set<string> | undefined;
    const sAt = `${at}/scoring`;
    if (scoring.method !== undefined && scoring.logic !== undefined) {
      issues.push({ path: sAt, message: 'scoring has either "method" (with "params") or "logic", not both' });
    } else if (scoring.method === undefined && scoring.logic === undefined) {
      issues.push({ path: sAt, message: 'scoring needs "method" (with "params") or "logic"' });
    } else if (scoring.method !== undefined) {
      method = parts.methods.get(scoring.method);
      if (method === undefined) {
        issues.push({ path: `${sAt}/method`, message: `unknown scoring method "${scoring.method}"; this engine has ${[...parts.methods.keys()].sort().join(', ')}` });
      } else {
        const validate = parts.paramValidators.get(scoring.method)!; // one per method, made with the methods
        const params = scoring.params ?? {};
        if (!validate(params)) {
          issues.push(...ajvIssues(validate.errors, params, `${sAt}/params`));
        } else {
          const info = { id: spec.id, max };
          for (const i of method.check?.(params, info) ?? []) issues.push({ path: `${sAt}/params${i.path}`, message: i.message });
          const refs = method.meta.fields(params);
          for (const ref of refs) {
            const f = fields.get(ref.field);
            if (f === undefined) issues.push({ path: `${sAt}/params${ref.path}`, message: `"${ref.field}" names no declared evidence field` });
            else if (!ref.types.includes(f.type as FieldType)) {
              issues.push({ path: `${sAt}/params${ref.path}`, message: `field "${ref.field}" is ${f.type}, but method "${scoring.method}" needs ${ref.types.join(' or ')}` });
            } else if (!itemFields.includes(ref.field)) itemFields.push(ref.field);
          }
          for (const k of ['per', 'cap', 'deduct'] as const) {
            const v = (params as Record<string, unknown>)[k];
            if (typeof v === 'number') checkPoints(v, `${sAt}/params/${k}`, issues);
          }
          if (method.score === undefined && refs.length !== 1) {
            issues.push({ path: `${sAt}/method`, message: `method "${scoring.method}" scores one field (its kernel), but its params name ${refs.length}` });
          }
          prepared = method.prepare ? method.prepare(params, info) : params;
          const g = method.meta.grades?.(params);
          if (g !== undefined) grades = new Set(g);
        }
        // One merged table per method, shared by its items (never changed after this).
        const m = method;
        messagesBase = baseMessages.get(m) ?? baseMessages.set(m, { ...ENGINE_MESSAGES, ...m.messages }).get(m)!;
      }
    } else {
      if (scoring.params !== undefined) issues.push({ path: `${sAt}/params`, message: '"params" go with "method", not with "logic"' });
      const r = checkLogic(scoring.logic, `${sAt}/logic`);
      logic = r.fn;
      itemFields.push(...r.vars);
    }

    // Message overrides: known ids, known template params.
    // Without overrides an item shares its method's table (and its split texts, below).
    const messages: Record<string, MethodMessage> = spec.messages === undefined ? messagesBase : { ...messagesBase };
    for (const [id, o] of Object.entries(spec.messages ?? {})) {
      const base = messagesBase[id];
      const mAt = `${at}/messages/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (base === undefined) {
        issues.push({ path: mAt, message: `unknown message id "${id}"; this item's messages are ${Object.keys(messagesBase).sort().join(', ')}` });
        continue;
      }
      const known = new Set([...base.data, ...COMMON_DATA]);
      for (const part of ['reason', 'suggestion'] as const) {
        const t = o[part];
        if (t === undefined) continue;
        for (const lang of ['zh', 'en'] as const) {
          const text = t[lang];
          if (text === undefined) continue;
          for (const p of templateParams(text)) {
            if (!known.has(p)) issues.push({ path: `${mAt}/${part}/${lang}`, message: `unknown template parameter {${p}}; "${id}" has ${[...known].map((k) => `{${k}}`).join(', ')}` });
          }
        }
      }
      messages[id] = { reason: o.reason ?? base.reason, suggestion: o.suggestion ?? base.suggestion, data: base.data } as MethodMessage;
    }
    for (const lang of ['zh', 'en'] as const) {
      const t = spec.suggestion?.[lang];
      if (t !== undefined) {
        for (const p of templateParams(t)) {
          if (!COMMON_DATA.includes(p)) issues.push({ path: `${at}/suggestion/${lang}`, message: `unknown template parameter {${p}}; an item suggestion has ${COMMON_DATA.map((k) => `{${k}}`).join(', ')}` });
        }
      }
    }
    return {
      methodName: scoring.method,
      method,
      prepared,
      logic,
      fields: itemFields,
      grades,
      messages,
      suggestion: spec.suggestion,
      monotonic: spec.monotonic ?? (method ? method.meta.monotonic : false),
      text: textOf(messages, spec.suggestion),
      kernel: method !== undefined && method.score === undefined && itemFields.length === 1 ? method.kernel : undefined,
      fieldIndexes: itemFields.map((f) => fieldIndex.get(f) as number),
    };
  };

  const compileItem = (node: Node, at: string, max: number, bonus: boolean): CompiledItem => {
    const main = compileVariant(node, at, max);

    // Applicability.
    let applicability: CompiledApplicability | undefined;
    if (node.applicability !== undefined) {
      const a = node.applicability;
      a.kinds?.forEach((k, i) => {
        if (!unitKinds.has(k)) issues.push({ path: `${at}/applicability/kinds/${i}`, message: `unit kind "${k}" is not one of the ruleset's unitKinds (${rs.unitKinds.join(', ')})` });
      });
      let when: LogicFn | undefined;
      let whenFields: string[] = [];
      if (a.when !== undefined) {
        const r = checkLogic(a.when, `${at}/applicability/when`);
        when = r.fn;
        whenFields = r.vars;
      }
      if (node.partner !== undefined && a.units !== undefined) {
        const missing = [node.lead, ...(node.partners ?? [])].filter((u): u is string => u !== undefined && !a.units!.includes(u));
        if (missing.length > 0) issues.push({ path: `${at}/applicability/units`, message: `the lead and partners must be among the units the item applies to; missing ${missing.join(', ')}` });
      }
      applicability = {
        fields: whenFields,
        kinds: a.kinds ? new Set(a.kinds) : undefined,
        units: a.units ? new Set(a.units) : undefined,
        except: a.exceptUnits ? new Set(a.exceptUnits) : undefined,
        when,
        reason: a.reason,
      };
    }

    let merge = parts.mergePolicies.get('both') as MergePolicy;
    if (node.merge !== undefined) {
      const m = parts.mergePolicies.get(node.merge);
      if (m === undefined) issues.push({ path: `${at}/merge`, message: `unknown merge policy "${node.merge}"; this engine has ${[...parts.mergePolicies.keys()].sort().join(', ')}` });
      else merge = m;
    }

    // 责任唯一: one value per city-wide indicator, reported by its lead; partners are judged on
    // their own contribution, so an item that names partners must say how.
    const partnerIds = node.partners ?? [];
    if (node.lead !== undefined && partnerIds.includes(node.lead)) {
      issues.push({ path: `${at}/partners`, message: `"${node.lead}" is the lead (牵头单位); it cannot also be a partner` });
    }
    const dup = partnerIds.find((p, i) => partnerIds.indexOf(p) !== i);
    if (dup !== undefined) issues.push({ path: `${at}/partners`, message: `partner "${dup}" is listed twice` });
    if (node.partner !== undefined && node.lead === undefined) {
      issues.push({ path: `${at}/partner`, message: 'a partner scoring needs the item\'s "lead" (牵头单位)' });
    }
    if (node.partner !== undefined && partnerIds.length === 0) {
      issues.push({ path: `${at}/partner`, message: 'a partner scoring needs "partners" (配合单位) to apply to' });
    }
    if (node.partner === undefined && partnerIds.length > 0) {
      issues.push({
        path: `${at}/partners`,
        message:
          'an item with partners (配合单位) needs "partner": how a partner is judged on its own contribution (责任唯一: the indicator\'s value is the lead\'s alone)',
      });
    }
    const checkMethods = node.checkMethods !== undefined ? new Set<string>(node.checkMethods) : undefined;
    // Built as one literal, every item the same shape (spreading two objects per item was a
    // tenth of compiling a large ruleset).
    const make = (v: Variant, pointer: string, role: 'lead' | 'partner' | undefined, partner: CompiledItem | undefined, partners: ReadonlySet<string> | undefined): CompiledItem => ({
      kind: 'item',
      index: items.length,
      id: node.id,
      title: node.title,
      max,
      bonus,
      applicability,
      merge,
      node,
      builtinMerge: BUILTIN_MERGE.has(merge),
      checkMethods,
      methodName: v.methodName,
      method: v.method,
      prepared: v.prepared,
      logic: v.logic,
      fields: v.fields,
      messages: v.messages,
      suggestion: v.suggestion,
      grades: v.grades,
      monotonic: v.monotonic,
      text: v.text,
      fieldIndexes: v.fieldIndexes,
      kernel: v.kernel,
      pointer,
      role,
      partner,
      partners,
    });
    let partner: CompiledItem | undefined;
    if (node.partner !== undefined) {
      const p = node.partner;
      const v = compileVariant({ id: node.id, scoring: p.scoring, messages: p.messages, suggestion: p.suggestion, monotonic: node.monotonic }, `${at}/partner`, max);
      partner = make(v, `${at}/partner`, 'partner', undefined, undefined);
    }
    const item = make(main, at, node.lead !== undefined ? 'lead' : undefined, partner, partner !== undefined ? new Set(partnerIds) : undefined);
    items.push(item);
    return item;
  };

  const tree = rs.tree.map((n, i) => compileNode(n, `/tree/${i}`, false));
  const max = tree.reduce((s, n) => s + n.max, 0);

  let bonus: CompiledModel['bonus'];
  if (rs.bonus !== undefined) {
    const b = rs.bonus;
    if (ids.has(b.id)) issues.push({ path: '/bonus/id', message: `id "${b.id}" is already used at ${ids.get(b.id)}` });
    else ids.set(b.id, '/bonus');
    checkPoints(b.cap, '/bonus/cap', issues);
    const bItems = b.items.map((n, i) => compileNode(n, `/bonus/items/${i}`, true));
    bonus = { id: b.id, title: b.title, cap: toMilli(b.cap), items: bItems };
  }

  // Grade bands.
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

  // Vetoes.
  const vetoIds = new Set<string>();
  const vetoes: CompiledVeto[] = (rs.vetoes ?? []).map((v, i) => {
    const at = `/vetoes/${i}`;
    if (vetoIds.has(v.id)) issues.push({ path: `${at}/id`, message: `veto "${v.id}" is declared twice` });
    vetoIds.add(v.id);
    const { fn, vars } = checkLogic(v.when, `${at}/when`);
    if (v.effect.type === 'grade' && !gradeIds.has(v.effect.grade)) {
      issues.push({ path: `${at}/effect/grade`, message: `grade "${v.effect.grade}" is not one of the ruleset's grades (${[...gradeIds].join(', ') || 'none declared'})` });
    }
    if (v.effect.type === 'cap') checkPoints(v.effect.total, `${at}/effect/total`, issues);
    return { id: v.id, title: v.title, when: fn, fields: vars, reason: v.reason, effect: v.effect };
  });

  // Coverage (normalize.coverage): a node of the base tree.
  const coverage = rs.normalize?.coverage;
  if (coverage !== undefined) {
    checkPoints(coverage.min, '/normalize/coverage/min', issues);
    const at = ids.get(coverage.node);
    if (at === undefined) issues.push({ path: '/normalize/coverage/node', message: `"${coverage.node}" names no item or group of the tree` });
    else if (!at.startsWith('/tree/')) issues.push({ path: '/normalize/coverage/node', message: `"${coverage.node}" is in the bonus bucket; coverage is of the base tree` });
  }

  // 整改类型 and 整改时限 (rectification): days where a due date needs them, none where there is no end.
  issues.push(...rectificationIssues(rs));

  // Fields computed from other units' results (a city ruleset).
  rs.fields.forEach((f, i) => {
    if (f.aggregate !== undefined) issues.push(...checkAggregate(f, `/fields/${i}/aggregate`));
  });
  (rs.consistency ?? []).forEach((c, i) => {
    const at = `/consistency/${i}`;
    if ((c.figure.unit === undefined) === (c.figure.leadOf === undefined)) {
      issues.push({ path: `${at}/figure`, message: 'name the figure\'s unit with either "unit" or "leadOf" (an item whose lead reports it)' });
    }
    if (rs.consistency!.findIndex((x) => x.id === c.id) !== i) issues.push({ path: `${at}/id`, message: `consistency check "${c.id}" is declared twice` });
  });

  if (issues.length > 0) throw new RulesetError(issues);

  const { $schema: _ignored, ...content } = rs;
  // Hashed when first asked for (the first card, or `hash`): hashing a large ruleset costs more
  // than compiling it, and linting one never needs it.
  let hash: string | undefined;
  return {
    json: rs,
    get hash() {
      return (hash ??= contentHash(content));
    },
    tree,
    bonus,
    items,
    itemById: new Map(items.map((i) => [i.id, i])),
    fields,
    fieldCheck,
    vetoes,
    grades,
    max,
    unitKinds,
    logicFields: [...logicFields],
    sortedFields: [...fields.keys()].sort().map((name) => ({ name, key: `${JSON.stringify(name)}:` })),
    fieldNames,
    fieldIndex,
    fieldChecks: fieldNames.map((n) => fieldCheck.get(n) as (v: unknown) => string | undefined),
    fieldKinds: fieldNames.map((n) => fieldKind(fields.get(n) as EvidenceField)),
    fieldRange: fieldNames.flatMap((n) => {
      const f = fields.get(n) as EvidenceField;
      return [f.minimum ?? (f.type === 'integer' ? 0 : -Infinity), f.maximum ?? Infinity];
    }),
    emptyValues: new Array<unknown>(fieldNames.length).fill(undefined),
    fieldTexts: fieldNames.map((n) => {
      const f = fields.get(n) as EvidenceField;
      const t: { title: LocalText; unit: string; type: string; negative?: LocalText; count?: LocalText } = { title: f.title ?? { zh: n }, unit: f.unit ?? '', type: f.type };
      if (f.negative !== undefined) t.negative = f.negative;
      if (f.count !== undefined) t.count = f.count;
      return t;
    }),
    groups,
    plan: scoringPlan(items, groups, tree, bonus?.items ?? []),
    coverage: compiledCoverage(rs, items, groups),
  };
}

function compiledCoverage(rs: Ruleset, items: readonly CompiledItem[], groups: readonly CompiledGroup[]): CompiledModel['coverage'] {
  const c = rs.normalize?.coverage;
  if (c === undefined) return undefined;
  const node: CompiledNode | undefined = items.find((i) => i.id === c.node) ?? groups.find((g) => g.id === c.node);
  return { node: c.node, title: node?.title ?? { zh: c.node }, ref: node === undefined ? undefined : ref(node), min: toMilli(c.min), rate: toMilli(c.rate) };
}
