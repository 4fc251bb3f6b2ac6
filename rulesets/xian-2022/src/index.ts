/**
 * `@safecity/ruleset-xian-2022` — the Xi'an 2022 rubrics (评价细则 2022版) as data: one for
 * the 28 municipal member units (市级成员单位), one for the 20 districts, counties and
 * development zones (区县、开发区), the registry of all 48 units (评价对象), and the city's own
 * rubric on the national 2019 rubric (城市自评, `xian-2022/city`), whose evidence is the
 * units' results (see the engine's `roundEvidence`).
 *
 * Numbers marked `provenance.kind: "modelled"` are ours, not official: the Xi'an 2022 rubric
 * itself is not public. Text marked `quoted` is verbatim from the national 2019 rubric.
 * @packageDocumentation
 */
import { UnitSchema, type Ruleset, type Unit } from '@safecity/engine';
import municipalJson from '../municipal.json' with { type: 'json' };
import districtJson from '../district.json' with { type: 'json' };
import cityJson from '../city.json' with { type: 'json' };
import unitsJson from '../units.json' with { type: 'json' };

/** The rubric for the 28 municipal member units (`xian-2022/municipal`). */
export const municipal: Ruleset = municipalJson as unknown as Ruleset;

/** The rubric for the 20 districts, counties and development zones (`xian-2022/district`). */
export const district: Ruleset = districtJson as unknown as Ruleset;

/**
 * The city's own rubric (`xian-2022/city`): the national 2019 rubric's 工作成效 (100) and
 * 鼓励项 (5), computed from the units' scorecards — each national item half by the municipal
 * leads' score rate, half by the districts' mean score rate; vetoes of any unit reach the city;
 * consistency checks of the city-wide figures against the districts'. Generated from the two
 * rubrics by `scripts/write-city.mjs`; every number modelled.
 *
 * ```ts
 * const evidence = roundEvidence(engine.compile(city), cityUnit, { cards, evidence, rulesets });
 * ```
 */
export const city: Ruleset = cityJson as unknown as Ruleset;

/** The city itself, the unit the city rubric scores (not one of the 48 units under evaluation). */
export const cityUnit: Unit = Object.freeze({ id: 'xian', name: '西安市', kind: 'city', nameEn: "Xi'an" });

/** The 48 units under evaluation, with stable pinyin ids and their names as the plan writes them. */
export const units: readonly Unit[] = unitsJson.units as Unit[];

/** The rubrics by id, as the CLI names them: the two the units are scored under, and the city's. */
export const rulesets: Readonly<Record<'xian-2022/municipal' | 'xian-2022/district' | 'xian-2022/city', Ruleset>> = {
  'xian-2022/municipal': municipal,
  'xian-2022/district': district,
  'xian-2022/city': city,
};

/** A unit by its id (e.g. `yanta`, `xiaofangzhidui`), or undefined. */
export function unitById(id: string): Unit | undefined {
  return units.find((u) => u.id === id);
}

/** The rubric a unit is evaluated under: municipal units by the municipal one, the city by its own, the rest by the district one. */
export function rulesetFor(unit: Pick<Unit, 'kind'>): Ruleset {
  return unit.kind === 'municipal' ? municipal : unit.kind === 'city' ? city : district;
}

/** The JSON Schema of `units.json`, built from the engine's TypeBox `UnitSchema`. */
export function unitsJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'safecity unit registry (评价对象)',
    type: 'object',
    required: ['units'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      source: { type: 'string', description: 'Where the list of units comes from' },
      units: { type: 'array', items: JSON.parse(JSON.stringify(UnitSchema)) },
    },
  };
}
