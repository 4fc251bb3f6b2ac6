/**
 * `@safecity/ruleset-xian-2023-example` — an EXAMPLE next edition of the Xi'an rubrics, not an
 * official one: two patches that extend the 2022 rubrics (`xian-2022/district@2.0.0`,
 * `xian-2022/municipal@2.0.0`) with the changes a 2023 edition might make — items added
 * (城市生命线安全工程, 重大事故隐患专项排查整治2023行动, and for departments 安全生产十五条措施),
 * points moved, one item retired, a scoring standard reworded, one item renumbered. Every added
 * or changed number is `provenance.kind: "modelled"`.
 *
 * A patch is compiled against the edition it extends, given in `bases`:
 *
 * ```ts
 * import { createEngine } from '@safecity/engine';
 * import { district, bases } from '@safecity/ruleset-xian-2023-example';
 * const ruleset = createEngine().compile(district, { bases });
 * ruleset.migration; // what last year's items and fields became
 * ```
 * @packageDocumentation
 */
import type { RulesetPatch, Ruleset, Unit } from '@safecity/engine';
import * as xian2022 from '@safecity/ruleset-xian-2022';
import municipalJson from '../municipal.json' with { type: 'json' };
import districtJson from '../district.json' with { type: 'json' };

/** The example 2023 rubric for the 28 municipal member units: a patch on `xian-2022/municipal@2.0.0`. */
export const municipal: RulesetPatch = municipalJson as unknown as RulesetPatch;

/** The example 2023 rubric for the 20 districts, counties and development zones: a patch on `xian-2022/district@2.0.0`. */
export const district: RulesetPatch = districtJson as unknown as RulesetPatch;

/** Both patches by id, as the CLI names them. */
export const rulesets: Readonly<Record<'xian-2023-example/municipal' | 'xian-2023-example/district', RulesetPatch>> = {
  'xian-2023-example/municipal': municipal,
  'xian-2023-example/district': district,
};

/** The editions the patches extend (the 2022 district and municipal rubrics): pass them as `bases` to `compile`. */
export const bases: readonly Ruleset[] = [xian2022.district, xian2022.municipal];

/** The 48 units under evaluation: the 2022 registry, unchanged. */
export const units: readonly Unit[] = xian2022.units;

/** A unit by its id (e.g. `yanta`, `xiaofangzhidui`), or undefined: the 2022 registry's. */
export const unitById: (id: string) => Unit | undefined = xian2022.unitById;

/** The rubric a unit is evaluated under: municipal units by the municipal one, the rest by the district one. */
export function rulesetFor(unit: Pick<Unit, 'kind'>): RulesetPatch {
  return unit.kind === 'municipal' ? municipal : district;
}
