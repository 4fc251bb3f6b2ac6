/**
 * 整改类型 and 整改时限 of a ruleset's items: each item's own `rectification`, else the nearest
 * group's above it, else the ruleset's default. Pure functions of the ruleset JSON, so the
 * compiler and the reporters (which get the ruleset's source) resolve it the same way.
 * @module
 */
import type { Issue } from './errors.js';
import type { Node, Rectification, Ruleset } from './model.js';
import { isIsoDate, parseIsoDate } from './dates.js';

/** Days a 立行立改 (`immediate`) problem is due in when its declaration gives none. */
export const IMMEDIATE_DAYS = 7;

/** The Chinese names of the three rectification types, as the plan writes them. */
export const RECTIFICATION_TYPE_TITLES: Readonly<Record<Rectification['type'], string>> = {
  immediate: '立行立改',
  deadline: '限期整改',
  ongoing: '长期坚持',
};

/** The most days a rectification may be due in: ten years (longer work is 长期坚持, reviewed each round). */
const MAX_DAYS = 3650;

/**
 * Problems of the `rectification` declarations (each with its JSON pointer): a 限期整改 without
 * `days`, a 长期坚持 with `days` (it has no end date), `days` beyond ten years; and a
 * `rectificationDeadline` that is not a real day (2023-02-30). The schema already checks that
 * `days` is a positive integer and the deadline is written YYYY-MM-DD.
 */
export function rectificationIssues(ruleset: Ruleset): Issue[] {
  const issues: Issue[] = [];
  const check = (r: Rectification | undefined, at: string): void => {
    if (r === undefined) return;
    if (r.type === 'deadline' && r.days === undefined) issues.push({ path: `${at}/days`, message: 'a 限期整改 ("deadline") rectification needs "days": how many days after the feedback date it is due' });
    if (r.type === 'ongoing' && r.days !== undefined) issues.push({ path: `${at}/days`, message: 'a 长期坚持 ("ongoing") rectification has no end date (it is reviewed each round): remove "days"' });
    if (r.days !== undefined && !(Number.isInteger(r.days) && r.days >= 1)) issues.push({ path: `${at}/days`, message: `expected a positive whole number of days, found ${String(r.days)}` });
    else if (r.days !== undefined && r.days > MAX_DAYS) issues.push({ path: `${at}/days`, message: `expected at most ${MAX_DAYS} days (ten years; longer work is "ongoing", 长期坚持), found ${r.days}` });
  };
  const deadline: unknown = ruleset.rectificationDeadline;
  if (deadline !== undefined && !isIsoDate(deadline)) issues.push({ path: '/rectificationDeadline', message: `expected a real day written YYYY-MM-DD, found ${JSON.stringify(deadline)}` });
  check(ruleset.rectification, '/rectification');
  const walk = (nodes: readonly Node[], at: string): void =>
    nodes.forEach((n, i) => {
      // The pointer is built only for a declaration (most nodes have none).
      if (n.rectification !== undefined) check(n.rectification, `${at}/${i}/rectification`);
      if (Array.isArray(n.children)) walk(n.children as Node[], `${at}/${i}/children`);
    });
  walk(ruleset.tree, '/tree');
  if (ruleset.bonus !== undefined) walk(ruleset.bonus.items, '/bonus/items');
  return issues;
}

/**
 * Each item's resolved rectification, by item id: its own, else the nearest ancestor group's,
 * else the ruleset's default; items with none of these are not in the map (their due date is
 * the round's `rectificationDeadline`).
 */
export function itemRectifications(ruleset: Ruleset): Map<string, Rectification> {
  const out = new Map<string, Rectification>();
  const walk = (nodes: readonly Node[], inherited: Rectification | undefined): void => {
    for (const n of nodes) {
      const r = n.rectification ?? inherited;
      if (Array.isArray(n.children) && n.children.length > 0) walk(n.children as Node[], r);
      else if (r !== undefined) out.set(n.id, r);
    }
  };
  walk(ruleset.tree, ruleset.rectification);
  if (ruleset.bonus !== undefined) walk(ruleset.bonus.items, ruleset.rectification);
  return out;
}

/**
 * The due date (YYYY-MM-DD) of a problem fed back on `issued` (YYYY-MM-DD) under rectification
 * `r`: `issued` + `days` (立行立改 without days: + {@link IMMEDIATE_DAYS}); undefined for 长期坚持
 * (no end date), an `issued` that is not a real day (2023-02-30), or a due date past 9999-12-31.
 */
export function rectificationDue(r: Rectification, issued: string): string | undefined {
  if (r.type === 'ongoing') return undefined;
  const d = parseIsoDate(issued);
  if (d === undefined) return undefined;
  const days = r.days ?? IMMEDIATE_DAYS;
  const due = new Date(d.time + days * 86_400_000);
  // Past year 9999 (or past what a Date holds) there is no YYYY-MM-DD to give.
  return due.getUTCFullYear() <= 9999 ? due.toISOString().slice(0, 10) : undefined;
}
