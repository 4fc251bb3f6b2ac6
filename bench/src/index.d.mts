// Types of the bench's public functions (the bench itself is plain ESM).
import type { Ruleset, UnitEvidence } from '@safecity/engine';

export interface Workload {
  seed: number;
  units: number;
  items: number;
  /** Items as drawn: method, field, params in integer thousandths. */
  spec: Array<Record<string, unknown> & { index: number; method: string; max: number; field: { name: string; type: string } }>;
  ruleset: Ruleset;
  evidence: UnitEvidence[];
}

export interface BenchEngine {
  name: string;
  label?: string;
  /** Runs once; returns a function scoring the whole city: each unit's total in thousandths. */
  prepare(workload: Workload): () => number[] | Promise<number[]>;
}

export interface Disagreement {
  unit: string;
  engine: string;
  expected: number;
  actual: number;
  reference: string;
}

export interface EngineFigures {
  label: string;
  msPerCity: number;
  ratioVsHand: number;
  ratioVsJsonLogicEngine: number;
  itemScoresPerSecond: number;
  prepareMs: number;
  citiesPerRound: number;
  samplesMs: number[];
}

export interface BenchResult {
  workload: { units: number; items: number; seed: number; methods: Record<string, number> };
  machine: { node: string; nproc: number; cpu: string };
  rounds: number;
  warmup: number;
  /** What `ratioVsHand` and `ratioVsJsonLogicEngine` measure: safecity's `evaluate()`. */
  safecityMode: 'evaluate (explanations recorded; rendered on demand)';
  /** safecity `evaluate()`'s ms per city over the hand-written code's. */
  ratioVsHand: number;
  /** safecity `evaluate()`'s ms per city over json-logic-engine's. */
  ratioVsJsonLogicEngine: number;
  /** What the `…Rendered` ratios measure: safecity's `score()`. */
  renderedMode: 'score (full ScoreCard rendered)';
  /** safecity `score()`'s ms per city over the hand-written code's. */
  ratioVsHandRendered: number;
  /** safecity `score()`'s ms per city over json-logic-engine's. */
  ratioVsJsonLogicEngineRendered: number;
  handVsJsonLogicEngine: number;
  /** By engine name: `hand`, `safecity` (evaluate), `safecity-score` (score), `json-logic-engine`, `json-logic-js`, `json-rules-engine`. */
  engines: Record<string, EngineFigures>;
  /** JSON.parse of safecity's cards for the city: what building objects of the card's size costs; `safecityOverFloor` is score()'s. */
  cardFloor: { what: string; msPerCity: number; cardBytesPerUnit: number; safecityOverFloor: number; ratioVsHand: number };
  /** Object.keys of every unit's values: what the evidence check costs at the very least; `safecityOverFloor` is evaluate()'s. */
  keysFloor: { what: string; msPerCity: number; keysPerUnit: number; ratioVsHand: number; safecityOverFloor: number };
  compile: Record<string, { ms: number; items: number } | null>;
  maxRssMiB: number;
  agree: boolean;
  disagreements: Disagreement[];
  notes: string[];
}

export interface BenchOptions {
  units?: number;
  items?: number;
  seed?: number;
  rounds?: number;
  warmup?: number;
  minRoundMs?: number;
  smoke?: boolean;
}

export const SMOKE: { units: number; items: number; rounds: number };
export const SAFECITY_MODE: 'evaluate (explanations recorded; rendered on demand)';
export const ENGINES: BenchEngine[];
export function makeWorkload(options?: { units?: number; items?: number; seed?: number }): Workload;
export function checkAgreement(workload: Workload, engines?: BenchEngine[]): Promise<{ totals: Record<string, number[]>; disagreements: Disagreement[] }>;
/** When engines disagree, only `workload`, `agree: false` and `disagreements` are set. */
export function runBench(options?: BenchOptions): Promise<BenchResult>;
export function formatReport(result: BenchResult): string;
