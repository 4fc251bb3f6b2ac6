/**
 * The rubrics the studio ships with: the Xi'an 2022 rubrics (whole rulesets) and the 2023
 * example edition (patches that extend them, compiled against their bases).
 */
import type { Ruleset } from '@safecity/engine';
import district2022 from '@safecity/ruleset-xian-2022/district.json';
import municipal2022 from '@safecity/ruleset-xian-2022/municipal.json';
import district2023 from '@safecity/ruleset-xian-2023-example/district.json';
import municipal2023 from '@safecity/ruleset-xian-2023-example/municipal.json';

/** One rubric the author can open. */
export interface Edition {
  /** `xian-2022/district` */
  readonly key: string;
  readonly label: { readonly zh: string; readonly en: string };
  /** The ruleset file, as published. */
  readonly json: unknown;
}

export const EDITIONS: readonly Edition[] = [
  { key: 'xian-2022/district', label: { zh: '2022版 · 区县（开发区）', en: '2022 · districts' }, json: district2022 },
  { key: 'xian-2022/municipal', label: { zh: '2022版 · 市级成员单位', en: '2022 · municipal units' }, json: municipal2022 },
  { key: 'xian-2023-example/district', label: { zh: '2023示例版 · 区县（开发区）', en: '2023 example · districts' }, json: district2023 },
  { key: 'xian-2023-example/municipal', label: { zh: '2023示例版 · 市级成员单位', en: '2023 example · municipal units' }, json: municipal2023 },
];

/** The whole rulesets a patch may extend (what `compile(…, { bases })` is given). */
export const BASES: readonly Ruleset[] = [district2022 as unknown as Ruleset, municipal2022 as unknown as Ruleset];

/** The text an edition opens with in the editor: the file as published, two-space indented. */
export function editionText(e: Edition): string {
  return JSON.stringify(e.json, null, 2) + '\n';
}
