/**
 * The changeset of a new edition (`.changeset/<name>.md`, read by `changeset version`): front
 * matter naming the ruleset's package and the bump the diff calls for, then one line that says
 * what changed. Written from the same diff `safecity diff` prints, so the release notes and the
 * semver verdict agree.
 * @module
 */
import type { Bump, RulesetDiff, Section } from './diff.js';

const SECTIONS: ReadonlyArray<[keyof Pick<RulesetDiff, 'items' | 'groups' | 'fields' | 'vetoes' | 'grades'>, string, string]> = [
  ['items', 'item', 'items'],
  ['groups', 'group', 'groups'],
  ['fields', 'field', 'fields'],
  ['vetoes', 'veto', 'vetoes'],
  ['grades', 'grade', 'grades'],
];

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "2 items changed, 1 item added": what a section's changes amount to. */
function sectionSummary(s: Section, one: string, many: string): string[] {
  const out: string[] = [];
  if (s.added.length > 0) out.push(`${count(s.added.length, one, many)} added`);
  if (s.removed.length > 0) out.push(`${count(s.removed.length, one, many)} removed`);
  if (s.renamed.length > 0) out.push(`${count(s.renamed.length, one, many)} renamed`);
  if (s.moved.length > 0) out.push(`${count(s.moved.length, one, many)} moved`);
  if (s.changed.length > 0) out.push(`${count(s.changed.length, one, many)} changed`);
  return out;
}

/**
 * The package a ruleset id belongs to by the repository's convention: `xian-2022/district` is
 * published in `@safecity/ruleset-xian-2022`.
 */
export function rulesetPackageName(rulesetId: string): string {
  return `@safecity/ruleset-${rulesetId.split('/')[0] ?? rulesetId}`;
}

/**
 * The changeset text for the edition `d.to`, given the diff from the edition before it. The bump
 * is the diff's verdict (`patch` when nothing that scores changed: a changeset has no "none");
 * the line names the ruleset, the counts of what changed and the most severe reasons. A single
 * line, as the repository's changesets are. `packageName` defaults to the convention of
 * {@link rulesetPackageName}.
 */
export function changesetText(d: RulesetDiff, packageName: string = rulesetPackageName(d.to.id)): string {
  const bump: Exclude<Bump, 'none'> = d.verdict.bump === 'none' ? 'patch' : d.verdict.bump;
  const parts: string[] = [];
  if (d.ruleset.length > 0) parts.push(`the ruleset's ${d.ruleset.map((c) => c.property).join(', ')} changed`);
  for (const [key, one, many] of SECTIONS) parts.push(...sectionSummary(d[key], one, many));
  const top = d.verdict.reasons.filter((r) => r.bump === d.verdict.bump).map((r) => r.reason);
  const why = top.length === 0 ? '' : ` (${top.slice(0, 3).join('; ')}${top.length > 3 ? `; and ${top.length - 3} more` : ''})`;
  const what = d.identical || parts.length === 0 ? 'no change to items, fields, vetoes or grades' : parts.join(', ');
  // One line: the reasons quote ids and titles, never line breaks.
  const line = `${d.to.id} ${d.to.version} (from ${d.from.version}): ${what}${why}.`.replace(/[\r\n]+/g, ' ');
  return `---\n${JSON.stringify(packageName)}: ${bump}\n---\n\n${line}\n`;
}
