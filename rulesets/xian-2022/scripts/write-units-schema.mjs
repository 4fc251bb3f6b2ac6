// Writes units.schema.json from the engine's TypeBox UnitSchema (never hand-written).
// `test/rulesets.test.ts` fails if the committed file drifts.
import { writeFileSync } from 'node:fs';
import { unitsJsonSchema } from '../dist/index.js';

writeFileSync(new URL('../units.schema.json', import.meta.url), JSON.stringify(unitsJsonSchema(), null, 2) + '\n');
