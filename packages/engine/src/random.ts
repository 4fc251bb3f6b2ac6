/**
 * A seeded pseudo-random stream, for reproducible draws (`safecity sample`'s 现场抽查) and for
 * generated test data. NOT for secrets, tokens or anything an attacker must not predict: 32 bits
 * of state, and the seed gives the whole stream.
 * @module
 */

/**
 * mulberry32: a small, fast 32-bit generator. The same seed gives the same stream on every
 * platform; the seed is taken as an unsigned 32-bit integer (`seed >>> 0`: 2³² + 1 draws as 1,
 * −1 as 4294967295, a fraction or NaN as its integer part or 0). Each call returns a number in [0, 1).
 *
 * Not for security: see the module's note.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
