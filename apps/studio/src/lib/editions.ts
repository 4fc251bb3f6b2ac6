/**
 * The rubrics the studio ships with: the Xi'an 2022 rubrics (whole rulesets) and the 2023
 * example edition (patches that extend them, compiled against their bases). Each is its own
 * chunk, loaded when opened: the page starts with the engine and the editor only.
 */
import type { Ruleset } from '@safecity/engine';

/** One rubric the author can open. */
export interface Edition {
  /** `xian-2022/district` */
  readonly key: string;
  readonly label: { readonly zh: string; readonly en: string };
  /** The ruleset file, as published. */
  load(): Promise<unknown>;
}

const json = (m: { default: unknown }): unknown => m.default;

export const EDITIONS: readonly Edition[] = [
  { key: 'xian-2022/district', label: { zh: '2022版 · 区县（开发区）', en: '2022 · districts' }, load: () => import('@safecity/ruleset-xian-2022/district.json').then(json) },
  { key: 'xian-2022/municipal', label: { zh: '2022版 · 市级成员单位', en: '2022 · municipal units' }, load: () => import('@safecity/ruleset-xian-2022/municipal.json').then(json) },
  { key: 'xian-2023-example/district', label: { zh: '2023示例版 · 区县（开发区）', en: '2023 example · districts' }, load: () => import('@safecity/ruleset-xian-2023-example/district.json').then(json) },
  { key: 'xian-2023-example/municipal', label: { zh: '2023示例版 · 市级成员单位', en: '2023 example · municipal units' }, load: () => import('@safecity/ruleset-xian-2023-example/municipal.json').then(json) },
];

let bases: Promise<readonly Ruleset[]> | undefined;

/** The whole rulesets a patch may extend (what `compile(…, { bases })` is given), loaded once. */
export function loadBases(): Promise<readonly Ruleset[]> {
  bases ??= Promise.all([EDITIONS[0]!.load(), EDITIONS[1]!.load()]) as Promise<readonly Ruleset[]>;
  return bases;
}

/** Whether a ruleset file is a patch (it `extends` another edition, so it needs the bases). */
export function isPatch(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'extends' in value;
}

/** The text an edition opens with in the editor: the file as published, two-space indented. */
export function editionText(json: unknown): string {
  return JSON.stringify(json, null, 2) + '\n';
}
