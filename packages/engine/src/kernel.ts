/**
 * Kernels: the built-in single-field methods' scoring as two pure functions, so that
 * `evaluate()` records a deduction's points now and builds its explanation data only when
 * the card is rendered. Internal: the public plugin contract is `ScoringMethod.score`; a
 * method has a kernel only while it is the very built-in object, with its own `score`.
 * @module
 */
import type { FieldValue } from './model.js';
import type { ScoringMethod } from './plugin.js';
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
 * A method that reads one field and makes at most one deduction, as pure functions of its
 * prepared params, the field's value and the item's max (thousandths). The method's `score`
 * is written with these same functions, so the two agree by construction.
 */
export interface FieldKernel<P = any> {
  /** A built-in kernel's number (`KERNEL_*`), so the scorer calls its `deduct` directly. */
  readonly id: number;
  /** The message id of its one deduction. */
  readonly messageId: string;
  /** Points to deduct, integer thousandths; 0 = none. */
  deduct(params: P, value: FieldValue | undefined, max: number): number;
  /** The deduction's data (the same object `score` passes to `ctx.deduct`). */
  explain(params: P, value: FieldValue | undefined, max: number, points: number, field: FieldText): Readonly<Record<string, unknown>>;
}

export const KERNEL_PRESENCE = 1;
export const KERNEL_PER_FINDING = 2;
export const KERNEL_PER_MISSING = 3;
export const KERNEL_THRESHOLD = 4;
export const KERNEL_RATE = 5;
export const KERNEL_TIERS = 6;

const kernels = new WeakMap<object, { kernel: FieldKernel; score: ScoringMethod['score'] }>();

/** Register the kernel a method's `score` is written with. */
export function registerKernel(method: ScoringMethod, kernel: FieldKernel): void {
  kernels.set(method, { kernel, score: method.score });
}

/**
 * The kernel of a method, if it is a built-in object whose `score` is still the one the
 * kernel agrees with (a copy or a changed method is scored the general way).
 */
export function kernelOf(method: ScoringMethod): FieldKernel | undefined {
  const k = kernels.get(method);
  return k !== undefined && k.score === method.score ? k.kernel : undefined;
}
