/**
 * The ScoreCard: a documented, stable JSON format. Points are numbers with at most three
 * decimals, converted from integer thousandths only here, at the edge.
 * @module
 */

/** One deduction (扣分) with its reason (扣分原因) and rectification suggestion (整改建议). */
export interface Deduction {
  /** Points deducted (after bounding by the item's max). */
  points: number;
  /** 扣分原因. */
  reason: string;
  /** 整改建议. */
  suggestion?: string;
  /** Where the evidence came from (file, sheet, cell), when known. */
  evidence?: string[];
  /** Who found it: a rule, the data check (数据核查), or the on-site check (现场检查). */
  source: 'rule' | 'data-check' | 'onsite';
  /** Message id (like an ESLint messageId), or `finding` for an assessor's own words. */
  code: string;
  /** Set when bounding by the max (or a merge policy) reduced this deduction: what it asked for. */
  requested?: number;
  /** Set when a merge policy kept this deduction for the record only (its points are 0). */
  superseded?: true;
}

/** A node of the scored tree. */
export interface ScoreNode {
  id: string;
  title: string;
  /** Applicable maximum (0 when not applicable). */
  max: number;
  earned: number;
  applicable: boolean;
  /** Why the node is 不适用. */
  notApplicableReason?: string;
  /**
   * Whose part of a city-wide indicator the unit is scored on (责任唯一), on items that declare
   * a lead: `lead` (牵头单位: the indicator itself) or `partner` (配合单位: its own contribution).
   */
  role?: 'lead' | 'partner';
  /** Scoring method of an item (`logic` for a JsonLogic expression). */
  method?: string;
  /** 整改建议 that applies to the whole item. */
  suggestion?: string;
  children?: ScoreNode[];
  deductions?: Deduction[];
  /**
   * What the unit claims of an applicable item (from its evidence's `claims`): that it does not
   * apply, with the unit's reason (不适用原因). It does not change the points; the checker
   * decides (the feedback list shows 单位称不适用：…).
   */
  claim?: { notApplicable: string };
}

/** A veto that fired. */
export interface VetoResult {
  id: string;
  title: string;
  reason: string;
  effect: 'zero' | 'cap' | 'grade' | 'flag';
  /** Where the evidence the veto read came from (file and place, or for a city the units), when known. */
  evidence?: string[];
}

/**
 * Thin coverage (`normalize.coverage`): the applicable points under `node` and, when below
 * `min`, the shortfall counted at `rate` % in `normalized`.
 */
export interface Coverage {
  node: string;
  title: string;
  /** Applicable points under the node. */
  max: number;
  min: number;
  rate: number;
  /** Whether `max < min`: the shortfall `min − max` was counted at `rate` %. */
  thin: boolean;
}

/** The scorecard of one unit under one ruleset. */
export interface ScoreCard {
  ruleset: { id: string; version: string; hash: string };
  unit: { id: string; name: string; kind: string };
  /** Hash of the unit's evidence and the check findings, so the card can be reproduced. */
  evidenceHash: string;
  /** Applicable maximum of the base tree (not-applicable items leave it). */
  max: number;
  /** Points of the base tree. */
  earned: number;
  /** Points of the bonus bucket, after its cap. */
  bonus: number;
  /** earned + bonus, after any veto's effect. */
  total: number;
  /** earned / max × scale + bonus, after any veto's effect, where the ruleset normalises. */
  normalized?: number;
  /** Where the ruleset weighs coverage (`normalize.coverage`): how much of the node applies. */
  coverage?: Coverage;
  /** Id of the grade band reached (or set by a veto); null when the ruleset has no bands. */
  grade: string | null;
  gradeTitle: string | null;
  vetoed: boolean;
  vetoes: VetoResult[];
  nodes: ScoreNode[];
}

/**
 * One unit's scoring, with every explanation recorded as data (which message, how many
 * points, of which item, from which source) but no text and no card tree built yet:
 * `ruleset.evaluate` returns it, `toScoreCard(lang)` renders the card `ruleset.score` gives.
 * Numbers are points as the card shows them (at most three decimals).
 *
 * It refers to the evidence and findings it was made from: rendering reads the evidence
 * again for the evidence hash, the sources it cites and the listed documents it names, so
 * change neither before calling `toScoreCard`.
 */
export interface Evaluation {
  readonly unit: { readonly id: string; readonly name: string; readonly kind: string };
  /** Applicable maximum of the base tree. */
  readonly max: number;
  /** Points of the base tree. */
  readonly earned: number;
  /** Points of the bonus bucket, after its cap. */
  readonly bonus: number;
  /** earned + bonus, after any veto's effect. */
  readonly total: number;
  /** Where the ruleset normalises: earned / max × scale + bonus, after any veto's effect; else undefined. */
  readonly normalized: number | undefined;
  /** Id of the grade band reached (or set by a veto); null when the ruleset has no bands. */
  readonly grade: string | null;
  readonly vetoed: boolean;
  /** An item's earned points as its card node shows them (0 when not applicable); undefined for an unknown id. */
  earnedOf(itemId: string): number | undefined;
  /** An item's deductions, rendered (as on its card node; [] when not applicable); undefined for an unknown id. */
  deductionsOf(itemId: string, lang?: 'zh' | 'en'): Deduction[] | undefined;
  /** The full ScoreCard, the same bytes `ruleset.score(evidence, { findings, lang })` gives. */
  toScoreCard(lang?: 'zh' | 'en'): ScoreCard;
}
