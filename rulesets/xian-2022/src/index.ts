/**
 * `@safecity/ruleset-xian-2022` — the Xi'an 2022 rubrics (评价细则 2022版) as data: one for
 * the 28 municipal member units (市级成员单位), one for the 20 districts, counties and
 * development zones (区县、开发区), and the registry of all 48 units (评价对象).
 *
 * Numbers marked `provenance.kind: "modelled"` are ours, not official: the Xi'an 2022 rubric
 * itself is not public. Text marked `quoted` is verbatim from the national 2019 rubric.
 * @packageDocumentation
 */
import { UnitSchema, type Ruleset, type Unit } from '@safecity/engine';
import municipalJson from '../municipal.json' with { type: 'json' };
import districtJson from '../district.json' with { type: 'json' };
import unitsJson from '../units.json' with { type: 'json' };

/** The rubric for the 28 municipal member units (`xian-2022/municipal`). */
export const municipal: Ruleset = municipalJson as unknown as Ruleset;

/** The rubric for the 20 districts, counties and development zones (`xian-2022/district`). */
export const district: Ruleset = districtJson as unknown as Ruleset;

/** The 48 units under evaluation, with stable pinyin ids and their names as the plan writes them. */
export const units: readonly Unit[] = unitsJson.units as Unit[];

/** Both rubrics by id, as the CLI names them. */
export const rulesets: Readonly<Record<'xian-2022/municipal' | 'xian-2022/district', Ruleset>> = {
  'xian-2022/municipal': municipal,
  'xian-2022/district': district,
};

/** A unit by its id (e.g. `yanta`, `xiaofangzhidui`), or undefined. */
export function unitById(id: string): Unit | undefined {
  return units.find((u) => u.id === id);
}

/** The rubric a unit is evaluated under: municipal units by the municipal one, the rest by the district one. */
export function rulesetFor(unit: Pick<Unit, 'kind'>): Ruleset {
  return unit.kind === 'municipal' ? municipal : district;
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
