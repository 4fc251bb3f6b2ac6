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

/**
 * Whether a number has at most three decimals (so it converts to thousandths exactly): points,
 * rates, a finding's points. Within a millionth of a thousandth, so a computed value (0.1 + 0.2)
 * counts, and within a few units in the last place of its thousandths above a million points,
 * where × 1000 alone errs by more (16777223.494 × 1000 = 16777223493.999998).
 */
export function hasAtMostThreeDecimals(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const m = n * SCALE;
  return Math.abs(m - Math.round(m)) < Math.max(1e-6, Math.abs(m) * 4 * Number.EPSILON);
}

/**
 * `a ÷ b` rounded half-up to an integer, for integers `a ≥ 0`, `b > 0`: exact, so no float
 * error decides a half.
 */
export function roundDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  const r = a - q * b;
  return 2 * r >= b ? q + 1 : q;
}

/**
 * `a × b ÷ c` rounded half-up, for integers `a, b ≥ 0`, `c > 0`: exact (through BigInt when the
 * product leaves the safe integers).
 */
export function mulDivRound(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= Number.MAX_SAFE_INTEGER) return roundDiv(p, c);
  const bp = BigInt(a) * BigInt(b);
  const bc = BigInt(c);
  const q = bp / bc;
  const r = bp - q * bc;
  return Number(2n * r >= bc ? q + 1n : q);
}

/**
 * Points given with any number of decimals (a JsonLogic result) → integer thousandths,
 * rounded half-up as the decimal text reads: 0.5005 → 501 and 0.5035 → 504, where rounding
 * the binary value would give 500 for the first (0.5005 is stored as 0.50049999…).
 */
export function roundToMilli(points: number): number {
  const m = points * SCALE;
  const r = Math.round(m);
  // Exact for points with at most three decimals (the common case), and for any value not near
  // a half thousandth: the decimal text and the binary value differ by far less than 1e-6
  // thousandths below 1e9, so they round alike. Only a near-half is read from its text.
  const off = Math.abs(m - r);
  if (off < 1e-7 || (off < 0.5 - 1e-6 && Math.abs(m) < 1e9)) return r;
  return decimalRound(points);
}

/** Round by the shortest decimal text of the number (what `String(n)` writes), half-up. */
function decimalRound(n: number): number {
  const negative = n < 0;
  const text = String(Math.abs(n));
  // mantissa digits and the power of ten of its last digit
  const [mant, expPart] = text.split('e') as [string, string | undefined];
  let exp = expPart === undefined ? 0 : Number(expPart);
  const dot = mant.indexOf('.');
  let digits = mant;
  if (dot >= 0) {
    digits = mant.slice(0, dot) + mant.slice(dot + 1);
    exp -= mant.length - dot - 1;
  }
  // value = digits × 10^exp; thousandths = digits × 10^(exp + 3)
  const shift = exp + 3;
  let result: number;
  if (shift >= 0) result = Number(digits + '0'.repeat(shift));
  else {
    const cut = digits.length + shift;
    const whole = cut > 0 ? digits.slice(0, cut) : '0';
    const next = cut >= 0 ? digits.charCodeAt(cut) - 48 : 0;
    result = Number(whole) + (next >= 5 ? 1 : 0);
  }
  // Half-up: towards +∞ (as `Math.round` and `normalized` round).
  if (!negative) return result;
  if (shift >= 0) return -result;
  const cut = digits.length + shift;
  const whole = cut > 0 ? Number(digits.slice(0, cut)) : 0;
  const rest = cut >= 0 ? digits.slice(cut) : digits;
  const isHalf = rest.charCodeAt(0) === 53 && /^5?0*$/.test(rest);
  const above = rest.charCodeAt(0) > 53 || (rest.charCodeAt(0) === 53 && !isHalf);
  return -(whole + (above ? 1 : 0));
}
