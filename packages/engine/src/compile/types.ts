/**
 * What the compiler produces (the compiled model the scorer reads) and the codes it shares
 * with the scorer. The passes that build it are the other files of this folder.
 * @module
 */
import type { LogicCompiler, LogicFn } from '../logic/types.js';
import type { EngineLimits } from '../limits.js';
import type { EvidenceField, Node, Ruleset, VetoEffect } from '../model.js';
import type { MergePolicy, MethodMessage, ScoringMethod } from '../plugin.js';
import type { LocalText } from '../text.js';
import type { FieldKernel, FieldText } from '../kernel.js';
import type { Validator } from '../validators/index.js';

/** What the compiler needs from an engine. */
export interface CompilerParts {
  validateRuleset: Validator;
  methods: ReadonlyMap<string, ScoringMethod>;
  /** By method name: precompiled for the built-ins' params, interpreted for a plugin's. */
  paramValidators: ReadonlyMap<string, Validator>;
  mergePolicies: ReadonlyMap<string, MergePolicy>;
  logic: LogicCompiler;
  /** The engine's limits on untrusted input (depths, counts, the cost of rules). */
  limits: Readonly<EngineLimits>;
}

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
  /** The compiling engine's limits: scoring checks evidence and findings against them. */
  readonly limits: Readonly<EngineLimits>;
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

/**
 * A message template split once into literal text and parameter names: `[text, name, text,
 * name, …, text]` (names at odd indices), so filling it needs no regular expression.
 */
export type Template = readonly string[];
