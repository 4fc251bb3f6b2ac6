/** The 48 units of the Xi'an registry: their names for the tree's lead and partner units, and the registry evidence files are checked against. */
import type { Unit } from '@safecity/engine';
import unitsJson from '@safecity/ruleset-xian-2022/units.json';

export const UNITS: readonly Unit[] = (unitsJson as { units: Unit[] }).units;

/** A unit's name by id (the id itself when the registry does not know it). */
export const UNIT_NAMES: ReadonlyMap<string, string> = new Map(UNITS.map((u) => [u.id, u.name]));
