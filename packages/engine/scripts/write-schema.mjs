// Writes schema/ruleset.schema.json from the TypeBox model (the one source of truth).
// Run after the build; `test/schema.test.ts` fails if the committed file drifts.
import { writeFileSync, mkdirSync } from 'node:fs';
import { rulesetJsonSchema } from '../dist/index.js';

const out = new URL('../schema/ruleset.schema.json', import.meta.url);
mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(out, JSON.stringify(rulesetJsonSchema(), null, 2) + '\n');
