/**
 * What the jobs of scoring share: the findings grouped per item, an item's result before
 * rendering, the per-unit numbers' markers, and the words for checks and their sources.
 * @module
 */
import type { CompiledItem } from '../compile.js';
import type { DeductionDraft } from '../plugin.js';
import type { LocalText } from '../text.js';

/** The words for what a check found wrong with evidence (a rejection's `check`). */
export const CHECK_TEXT: Record<string, LocalText> = {
  authenticity: { zh: '真实性', en: 'authenticity' },
  accuracy: { zh: '准确性', en: 'accuracy' },
  completeness: { zh: '完整性', en: 'completeness' },
  compliance: { zh: '达标率', en: 'compliance rate' },
};
/** The words for where a finding came from. */
export const SOURCE_TEXT: Record<string, LocalText> = {
  'data-check': { zh: '数据核查', en: 'data check' },
  onsite: { zh: '现场检查', en: 'on-site check' },
};

/** Shared empty list (never handed out: output arrays are always fresh). */
export const NONE: readonly never[] = Object.freeze([]);

/** An item's number in the per-unit array when it is not applicable. */
export const NOT_APPLICABLE = -1;
/** An item's number when none of its fields was reported (it loses its max: 未提供佐证材料). */
export const NO_EVIDENCE = -2;

/** A rejection of evidence by the data check or the on-site check (a finding of type `rejected`). */
export interface Rejection {
  field: string | undefined;
  check: string;
  reason: string;
  source: 'data-check' | 'onsite';
}

/** The findings on one item, grouped (see `groupFindings`). */
export interface ItemFindings {
  dataCheck: DeductionDraft[];
  onsite: DeductionDraft[];
  rejections: Rejection[];
  grade: string | undefined;
  onsiteGrade: { grade: string; index: number; reason: string | undefined } | undefined;
  dataCheckGrade: { grade: string; index: number; reason: string | undefined } | undefined;
}

/** An item scored the general way, before rendering. */
export interface ItemResult {
  item: CompiledItem;
  applicable: boolean;
  /** Applicable maximum (0 when not applicable). */
  max: number;
  earned: number;
  /** The merged deductions, in order, and the points each one applies after bounding. */
  deductions: readonly DeductionDraft[];
  applied: readonly number[];
  rejections: readonly Rejection[];
}

/** What a card node's item needs to render: deductions, and the points each applies. */
export interface ItemDeductions {
  deductions: readonly DeductionDraft[];
  applied: readonly number[];
  rejections: readonly Rejection[];
}

/** The item as it is scored for a unit: a partner's own scoring on an item it is a partner of (责任唯一), else the item. */
export function variantFor(item: CompiledItem, unitId: string): CompiledItem {
  const p = item.partner;
  return p !== undefined && item.partners!.has(unitId) ? p : item;
}
