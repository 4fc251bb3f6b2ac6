/**
 * The one-field shape of a scoring method (`ScoringMethod.kernel`): pure points now, the
 * explanation only when a card is rendered. The built-in single-field methods are written this
 * way, and a plugin's method written this way is scored exactly as fast.
 * @module
 */
import type { FieldValue } from './model.js';
import type { LocalText } from './text.js';

/** What a kernel's explanation says of the item's field (as `ctx.fieldTitle` / `ctx.fieldUnit`). */
export interface FieldText {
  readonly title: LocalText;
  readonly unit: string;
  /** The field's type (boolean, integer, documents, …). */
  readonly type?: string;
  /** How 否 / none reads (the field's `negative`). */
  readonly negative?: LocalText;
  /** How a count reads, a template with {count} (the field's `count`). */
  readonly count?: LocalText;
}

/**
 * A method that reads one field (the one its `meta.fields` names) and makes at most one
 * deduction, as two pure functions of its prepared params, the field's value and the item's
 * max (thousandths). `evaluate()` calls only `deduct`; `explain` runs when the card is rendered.
 * The engine handles "nothing reported" (`no-evidence`) before calling `deduct`; with findings,
 * the same two functions score the item the general way.
 */
export interface FieldKernel<P = any> {
  /** The message id of its one deduction (one of the method's `messages`). */
  readonly messageId: string;
  /** Points to deduct, integer thousandths ≥ 0; 0 = none. Pure: no state, no side effects. */
  deduct(params: P, value: FieldValue | undefined, max: number): number;
  /** The deduction's data for its message's templates (`{ zh, en }` values are picked when rendered). */
  explain(params: P, value: FieldValue | undefined, max: number, points: number, field: FieldText): Readonly<Record<string, unknown>>;
}

export const KERNEL_PRESENCE = 1;
export const KERNEL_PER_FINDING = 2;
export const KERNEL_PER_MISSING = 3;
export const KERNEL_THRESHOLD = 4;
export const KERNEL_RATE = 5;
export const KERNEL_TIERS = 6;
