/**
 * Plugins: plain objects that contribute parts to ONE engine instance. The built-in
 * scoring methods are themselves a plugin.
 * @module
 */
import type { FieldKernel, FieldText } from './kernel.js';
import type { Static, TSchema } from 'typebox';
import type { LogicOperator } from './logic/types.js';
import type { FieldType, FieldValue } from './model.js';
import type { Issue } from './errors.js';
import type { LocalText } from './text.js';

/** A message of a scoring method: why points were lost, and what to do about it. */
export interface MethodMessage {
  /** 扣分原因 template, with `{name}` placeholders filled from the deduction's data. */
  reason: LocalText;
  /** 整改建议 template. */
  suggestion?: LocalText;
  /** The data names the templates may use (checked when an item overrides a template). */
  data: readonly string[];
}

/** A param that names an evidence field, found in an item's params. */
export interface FieldRef {
  /** The field name. */
  field: string;
  /** JSON pointer of the param, relative to `params`. */
  path: string;
  /** Field types this param accepts. */
  types: readonly FieldType[];
}

/** What a method sees of the item being compiled. */
export interface ItemInfo {
  /** The item's id. */
  id: string;
  /** The item's maximum, in thousandths. */
  max: number;
}

/**
 * What a method gets while scoring one item for one unit. One object is reused across
 * items (keep no reference to it). Points are integer thousandths.
 */
export interface ScoreContext<P = unknown> {
  /** The params as `prepare` returned them. */
  readonly params: P;
  /** The item's maximum, in thousandths. */
  readonly max: number;
  /** A field's value; `undefined` when not reported, or rejected by a check. */
  value(field: string): FieldValue | undefined;
  /** The assessor's grade for the item (on-site over data-check), if any. */
  grade(): string | undefined;
  /** The title of a declared field, for messages. */
  fieldTitle(field: string): LocalText;
  /** The unit of measure of a declared field ('' when none). */
  fieldUnit(field: string): string;
  /** How a declared field reads in explanations: title, unit, type, and its declared `negative` and `count` wording. */
  fieldText(field: string): FieldText;
  /** Who gave the item's grade: the on-site check (over the data check's), or undefined when ungraded. */
  gradeSource(): 'data-check' | 'onsite' | undefined;
  /** The assessors' reason for the grade that stands, when they gave one. */
  gradeReason(): string | undefined;
  /**
   * Record a deduction of `points` thousandths, explained by message `messageId` with `data`;
   * `fields` are the evidence fields it concerns (their sources are cited).
   */
  deduct(messageId: string, points: number, data: Readonly<Record<string, unknown>>, fields?: readonly string[], source?: 'rule' | 'data-check' | 'onsite'): void;
}

/**
 * A scoring method, shaped like an ESLint rule: `meta`, a params schema, messages by id
 * (zh/en), and how it scores: `kernel` for a method that reads one field and makes at most one
 * deduction (pure points, explained only when a card is rendered: the fast shape, the one every
 * built-in single-field method uses), or `score` for anything else (several fields, several
 * deductions, an assessor's grade). With both, `score` is used (so a copy of a method with its
 * own `score` scores its way).
 */
export interface ScoringMethod<P = any, Prepared = P, S extends TSchema = TSchema> {
  meta: {
    /** What the method scores, in the rubric's terms. */
    description: LocalText;
    /** Whether more or better evidence can never lower the score. */
    monotonic: boolean;
    /** The evidence fields the params name (checked against declared fields at compile time). */
    fields(params: P): FieldRef[];
    /** The grades an assessor may give (methods scored by an expert grade). */
    grades?(params: P): readonly string[];
  };
  /** TypeBox schema of the params (checked at compile time by TypeBox's interpreter: no code is generated). */
  params: S;
  /** Messages by id. */
  messages: Readonly<Record<string, MethodMessage>>;
  /** Checks beyond the schema (paths relative to `params`). */
  check?(params: P, item: ItemInfo): Issue[];
  /** Run once per item at compile time, e.g. to turn points into thousandths. */
  prepare?(params: P, item: ItemInfo): Prepared;
  /**
   * One field, at most one deduction: its points as a pure function of the prepared params, the
   * field's value and the item's max, and its explanation on demand. Needs `meta.fields` to
   * name exactly one field.
   */
  kernel?: FieldKernel<Prepared>;
  /** Score one item for one unit by reporting deductions through `ctx.deduct` (the general shape). */
  score?(ctx: ScoreContext<Prepared>): void;
}

/** A deduction before it is bounded and rendered (points in thousandths). */
export interface DeductionDraft {
  points: number;
  source: 'rule' | 'data-check' | 'onsite';
  /** Message id (for rule deductions) or `finding` (for check findings). */
  code: string;
  data: Readonly<Record<string, unknown>>;
  fields?: readonly string[];
  /** Free text from an assessor (findings). */
  text?: { reason: string; suggestion?: string; evidence?: readonly string[] };
  /** Set by a merge policy: kept for the record, but its points do not count. */
  superseded?: boolean;
}

/**
 * How rule deductions and the two check methods' findings combine for one item. Returns
 * the deductions to apply, in order; the engine then bounds their sum by the item's max.
 * Drop nothing: mark what does not count as `superseded`.
 */
export type MergePolicy = (input: {
  rule: readonly DeductionDraft[];
  dataCheck: readonly DeductionDraft[];
  onsite: readonly DeductionDraft[];
  max: number;
}) => DeductionDraft[];

/** An evidence parser (registered here, used by the evidence packages). */
export interface EvidenceParser {
  /** File extensions it reads, e.g. `['.xlsx']`. */
  extensions: readonly string[];
  parse(input: Uint8Array | string, context: { file: string; [key: string]: unknown }): unknown;
}

/** A reporter (registered here, used by the report package). */
export interface Reporter {
  /** Output format, e.g. `'md'`. */
  format: string;
  render(input: unknown, context: { [key: string]: unknown }): unknown;
}

/** A plugin: contributes parts to one engine. */
export interface Plugin {
  name: string;
  methods?: Readonly<Record<string, ScoringMethod>>;
  operators?: Readonly<Record<string, LogicOperator>>;
  parsers?: Readonly<Record<string, EvidenceParser>>;
  reporters?: Readonly<Record<string, Reporter>>;
  mergePolicies?: Readonly<Record<string, MergePolicy>>;
  /**
   * Parts this plugin knowingly replaces, as `kind/name`, e.g. `"methods/rate"` or
   * `"operators/+"`. Naming an existing part without declaring it is an error.
   */
  overrides?: readonly string[];
}

/** Types a plugin (identity at run time). */
export function definePlugin<const T extends Plugin>(plugin: T): T {
  return plugin;
}

/**
 * Types a scoring method (identity at run time). The params' type is inferred from the TypeBox
 * schema in `params`: `meta.fields`, `check` and `prepare` get `Static<typeof schema>`, and
 * `score`/`kernel` get what `prepare` returns (the params themselves without a `prepare`).
 *
 * ```ts
 * const perDay = defineMethod({
 *   params: Type.Object({ field: Type.String(), per: Type.Number() }),
 *   meta: { description: { zh: '每超期一天扣x分' }, monotonic: true,
 *           fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }] }, // p: { field: string; per: number }
 *   // …
 * });
 * ```
 *
 * A `params` whose `Static` is `unknown` (cast by hand, or `Type.Unknown()`) is left to the
 * overload that takes the params' type by hand (the `unknown extends Static<S>` guard).
 */
export function defineMethod<const S extends TSchema, Prepared = Static<S>>(
  method: ScoringMethod<Static<S>, Prepared, S> & (unknown extends Static<S> ? never : unknown),
): ScoringMethod<Static<S>, Prepared, S>;
/**
 * Types a scoring method whose params are typed by hand (`defineMethod<Params, Prepared>(…)`),
 * e.g. when the schema is not a TypeBox one.
 */
export function defineMethod<P, Prepared = P>(method: ScoringMethod<P, Prepared>): ScoringMethod<P, Prepared>;
export function defineMethod(method: ScoringMethod): ScoringMethod {
  return method;
}
