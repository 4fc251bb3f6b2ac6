/**
 * Points are kept as integers of thousandths inside the engine, so sums never drift;
 * they become numbers with at most three decimals only at the edge (the ScoreCard).
 */

/** Thousandths per point. */
export const SCALE = 1000;

/** Points as a number (≤ 3 decimals) → integer thousandths. */
export function toMilli(points: number): number {
  return Math.round(points * SCALE);
}

/** Integer thousandths → points as a number with at most three decimals. */
export function fromMilli(milli: number): number {
  return milli / SCALE;
}

/** Whether a number has at most three decimals (so it converts to thousandths exactly). */
export function hasAtMostThreeDecimals(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n * SCALE - Math.round(n * SCALE)) < 1e-6;
}
