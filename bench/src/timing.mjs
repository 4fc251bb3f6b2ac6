// Interleaved timing: every runner of a group does the same work once per round, in an order
// rotated round by round, so drift (another process, GC, thermal) hits them all alike; a ratio
// is the median over rounds of the per-round ratio, with its p25–p75 spread.
import { performance } from 'node:perf_hooks';

/**
 * The clocks a slot can be timed with: `cpu` (this process's user + system CPU time, by
 * `process.cpuUsage`: what other processes on a shared machine do not inflate) or `wall`.
 */
export const CLOCKS = {
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  wall: () => performance.now(),
};

/** The q-quantile (0…1) of `xs`, linearly interpolated. */
export function quantile(xs, q) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

/** The median of `xs`. */
export const median = (xs) => quantile(xs, 0.5);

/** A ratio's summary: the median of per-round ratios and the p25–p75 spread. */
export function summarize(ratios) {
  return { value: median(ratios), p25: quantile(ratios, 0.25), p75: quantile(ratios, 0.75), rounds: ratios };
}

/**
 * One call of `fn` as a timed slot: `fn` repeated `reps` times (calibrated so a slot lasts about
 * `minSlotMs`), returning ms per call. Async functions are awaited call by call.
 */
async function calibrate(fn, minSlotMs, now) {
  let out = fn();
  const isAsync = out instanceof Promise;
  if (isAsync) out = await out;
  // Calls that fit in one slot, counted over a whole slot's time (one call's time is too noisy).
  let reps = 1;
  if (minSlotMs > 0) {
    reps = 0;
    const t0 = performance.now();
    do {
      out = isAsync ? await fn() : fn();
      reps++;
    } while (performance.now() - t0 < minSlotMs);
  }
  const slot = isAsync
    ? async () => {
        const t = now();
        for (let k = 0; k < reps; k++) await fn();
        return (now() - t) / reps;
      }
    : async () => {
        let sink;
        const t = now();
        for (let k = 0; k < reps; k++) sink = fn();
        const ms = (now() - t) / reps;
        if (sink === KEEP) throw new Error('unreachable');
        return ms;
      };
  return { reps, slot };
}
const KEEP = Symbol('keep');

/**
 * Time a group of runners `{ name, fn }` interleaved: `warmup` rounds, then `rounds` measured
 * ones, each runner once per round (one slot of `reps` calls), starting at a runner rotated
 * by the round. `clock`: `cpu` (default) or `wall` (see CLOCKS). Returns ms per call by runner
 * and round, and the reps of each slot.
 */
export async function interleave(runners, { rounds, warmup, minSlotMs, clock = 'cpu' }) {
  const now = CLOCKS[clock];
  const slots = [];
  for (const r of runners) slots.push({ name: r.name, ...(await calibrate(r.fn, minSlotMs, now)) });
  const samples = Object.fromEntries(runners.map((r) => [r.name, []]));
  const n = slots.length;
  for (let k = -warmup; k < rounds; k++) {
    const start = ((k % n) + n) % n;
    const round = new Array(n);
    for (let j = 0; j < n; j++) {
      const i = (start + j) % n;
      round[i] = await slots[i].slot();
    }
    if (k >= 0) slots.forEach((s, i) => samples[s.name].push(round[i]));
  }
  return { samples, reps: Object.fromEntries(slots.map((s) => [s.name, s.reps])), rounds, warmup, clock };
}

/** Per-round ratio `a / b` of an interleaved group, summarized. */
export function ratioOf(timed, a, b) {
  const xs = timed.samples[a];
  const ys = timed.samples[b];
  if (xs === undefined || ys === undefined) return summarize([]); // a runner that failed: NaN
  return summarize(xs.map((x, k) => x / ys[k]));
}

/** Per-round `(a − b) / c`: a difference of two runners (e.g. the input check) over a third. */
export function differenceRatio(timed, a, b, c) {
  const xs = timed.samples[a];
  const ys = timed.samples[b];
  const zs = timed.samples[c];
  if (xs === undefined || ys === undefined || zs === undefined) return summarize([]);
  return summarize(xs.map((x, k) => (x - ys[k]) / zs[k]));
}

/**
 * Median of `fn`'s time on `clock` (CLOCKS) over `times` calls (after `warm` unmeasured ones),
 * in ms; fewer calls (at least one) once `budgetMs` of wall time is spent.
 */
export async function medianMs(fn, times, warm = 1, budgetMs = Infinity, clock = 'wall') {
  const now = CLOCKS[clock];
  const start = performance.now();
  for (let k = 0; k < warm; k++) await fn();
  const t = [];
  for (let k = 0; k < times && (k === 0 || performance.now() - start < budgetMs); k++) {
    const t0 = now();
    await fn();
    t.push(now() - t0);
  }
  return { value: median(t), p25: quantile(t, 0.25), p75: quantile(t, 0.75), samples: t };
}
