// Types of the bench's public functions (the bench itself is plain ESM).
import type { Engine, Ruleset, UnitEvidence } from '@safecity/engine';

export interface Workload {
  /** `city` (the default), `second`, `logic`. */
  name?: string;
  seed: number;
  units: number;
  items: number;
  /** Items as drawn (method or kind, field, params). */
  spec: Array<Record<string, unknown> & { index: number; max: number; field: { name: string; type: string } }>;
  ruleset: Ruleset;
  evidence: UnitEvidence[];
}

export interface BenchEngine {
  name: string;
  label?: string;
  /** Runs once; returns a function scoring the whole city: each unit's total in thousandths. */
  prepare(workload: Workload, engine?: Engine): () => number[] | Promise<number[]>;
}

export interface Disagreement {
  /** The workload, when it has a name. */
  workload?: string;
  unit: string;
  engine: string;
  expected: number;
  actual: number;
  reference: string;
}

/** A ratio or a figure: the median of per-round ratios and its p25–p75 spread. */
export interface Summary {
  value: number;
  p25: number;
  p75: number;
  rounds: number[];
}

/** One goal of issue 13, as measured. */
export interface Goal {
  id: string;
  what: string;
  /** Null when it could not be measured (a note says why). */
  value: number | null;
  unit: 'ratio' | 'ms' | 'bytes' | 'MB';
  /** The value is to be at most this (null: reported, no target). */
  target: number | null;
  /** `value ≤ target`; null without a target or a value (the bundle's: it imports no Node built-in). */
  ok: boolean | null;
  spread?: { p25: number; p75: number };
  /** How the target reads when it is not a plain bound (e.g. `≈ 1.0`). */
  targetText?: string;
  [detail: string]: unknown;
}

export interface RunnerFigures {
  label: string;
  msPerCity: number;
  /** Median of per-round ratios to the workload's hand-written scorer. */
  ratioVsHand?: number;
  ratioVsJsonLogicEngine?: number;
  prepareMs?: number;
  callsPerRound?: number;
  samplesMs: number[];
}

export interface BenchResult {
  goals: Goal[];
  workloads: Record<string, { units: number; items: number; seed: number; methods: Record<string, number>; engines: string[] }>;
  machine: { node: string; nproc: number; cpu: string };
  timing: { rounds: number; warmup: number; minSlotMs: number; clock: 'cpu' | 'wall' };
  details: {
    city: { engines: Record<string, RunnerFigures>; cardBytesPerUnit: number; cardFloorByHand: boolean; checkedFields: number };
    second: { engines: Record<string, RunnerFigures>; cardBytesPerUnit: number; cardFloorByHand: boolean; checkedFields: number };
    logic: { engines: Record<string, RunnerFigures> };
    compile: { small: { value: number; samples: number[]; items: number }; large: { value: number; samples: number[]; items: number } };
    createEngine: { value: number; p25: number; p75: number; samples: number[] };
    /** Figures outside the engine, by name (`bundle`, `excel`, `json`, `cli`, `demo`), or `{ error }`. */
    outside: Record<string, unknown>;
  };
  seconds: number;
  phases: Record<string, number>;
  maxRssMB: number;
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
  minSlotMs?: number;
  smoke?: boolean;
  /** Figures outside the engine to leave out: names from OUTSIDE. */
  skip?: string[];
  /** Also run `npm run demo` (wall time and peak RSS). */
  demo?: boolean;
  /** Also time json-rules-engine (it always takes part in the agreement). */
  rulesEngine?: boolean;
  /** How slots are timed: this process's CPU time (default) or wall time. */
  clock?: 'cpu' | 'wall';
}

export interface Timed {
  samples: Record<string, number[]>;
  reps: Record<string, number>;
  rounds: number;
  warmup: number;
  clock: 'cpu' | 'wall';
}

export const SMOKE: { units: number; items: number; rounds: number; compileItems: [number, number] };
export const OUTSIDE: readonly string[];
export const ENGINES: BenchEngine[];
export const SECOND_ENGINES: BenchEngine[];
export const LOGIC_ENGINES: BenchEngine[];
export function makeWorkload(options?: { units?: number; items?: number; seed?: number }): Workload;
export function makeSecondWorkload(options?: { units?: number; items?: number; seed?: number }): Workload;
export function makeLogicWorkload(options?: { units?: number; items?: number; seed?: number }): Workload;
/** An engine (not the reference) that threw while scoring: reported, not timed. */
export interface EngineFailure {
  workload?: string;
  engine: string;
  /** The error's first line. */
  error: string;
}
/** Every engine scores the workload once; totals compared with the first engine's (which must run). */
export function checkAgreement(
  workload: Workload,
  engines?: BenchEngine[],
  engine?: Engine,
): Promise<{ totals: Record<string, number[]>; disagreements: Disagreement[]; failures: EngineFailure[] }>;
/** Time runners interleaved: each once per round, in an order rotated round by round. */
export function interleave(runners: Array<{ name: string; fn: () => unknown }>, options: { rounds: number; warmup: number; minSlotMs: number; clock?: 'cpu' | 'wall' }): Promise<Timed>;
/** The median over rounds of the per-round ratio `a / b`, with its spread. */
export function ratioOf(timed: Timed, a: string, b: string): Summary;
export function summarize(ratios: number[]): Summary;
/** When engines disagree, only `workloads`, `agree: false`, `disagreements`, `goals: []` and `notes` are set. */
export function runBench(options?: BenchOptions): Promise<BenchResult>;
export function formatReport(result: BenchResult): string;
