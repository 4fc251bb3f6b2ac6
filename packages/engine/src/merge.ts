/** Built-in merge policies: how rule deductions and the two check methods' findings combine. */
import type { DeductionDraft, MergePolicy } from './plugin.js';

const sum = (list: readonly DeductionDraft[]) => list.reduce((s, d) => s + d.points, 0);

/** Default: rule deductions, then data-check, then on-site findings all apply (bounded by max). */
export const mergeBoth: MergePolicy = ({ rule, dataCheck, onsite }) => [...rule, ...dataCheck, ...onsite];

/**
 * The larger of the two check methods' totals applies (they often find the same problem
 * twice); the other side is kept, marked superseded. Rule deductions always apply.
 */
export const mergeLarger: MergePolicy = ({ rule, dataCheck, onsite }) => {
  const onsiteWins = sum(onsite) >= sum(dataCheck);
  const mark = (list: readonly DeductionDraft[]) => list.map((d) => ({ ...d, superseded: true }));
  return onsiteWins ? [...rule, ...mark(dataCheck), ...onsite] : [...rule, ...dataCheck, ...mark(onsite)];
};

/** On-site findings, when there are any, replace the data check's for the item. */
export const mergeOnsiteOverrides: MergePolicy = ({ rule, dataCheck, onsite }) =>
  onsite.length > 0 ? [...rule, ...dataCheck.map((d) => ({ ...d, superseded: true })), ...onsite] : [...rule, ...dataCheck];

/**
 * A check's own count replaces the unit's: when the data check or the on-site check made a
 * deduction on the item, the deductions the rule worked out from the unit's own figure are kept
 * for the record only (superseded), so the same problem is not deducted twice (the unit reported
 * 3 faulty hydrants, the group found 2 of them). Without findings the rule deductions apply.
 * Deductions for a missing submission, rejected evidence or an assessor's grade are never set aside.
 */
export const mergeReplace: MergePolicy = ({ rule, dataCheck, onsite }) =>
  dataCheck.length + onsite.length > 0 ? [...rule.map((d) => (replaceable(d) ? { ...d, superseded: true } : d)), ...dataCheck, ...onsite] : [...rule];

/**
 * What a check's count replaces: the rule's deductions worked out from the unit's own figures.
 * Not a missing submission (the check's finding is no substitute for the unit's evidence), not
 * evidence a check rejected, not an assessor's grade.
 */
const replaceable = (d: DeductionDraft): boolean => d.source === 'rule' && d.code !== 'no-evidence' && d.code !== 'rejected' && d.code !== 'ungraded';

export const builtinMergePolicies = { both: mergeBoth, larger: mergeLarger, 'onsite-overrides': mergeOnsiteOverrides, replace: mergeReplace } as const;
