// Places in JSON evidence are JSON pointers built with the engine's one escaping: a key with
// `/`, `~` or `~1` in it is named exactly, and every place reads back with parsePointer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePointer } from '@safecity/engine';
import { jsonTemplate, parseJsonEvidence } from '../src/index.js';
import { clone, districtRs, issuesOf, unit } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The tokens of a place `yanta.json#/items/…`, or undefined when it is not one. */
const tokensOf = (place: string) => (place.startsWith('yanta.json#') ? parsePointer(place.slice('yanta.json#'.length)) : undefined);
const yanta = unit('yanta');
/** Keys an attacker writes: pointer syntax, escapes that look escaped already, unicode. */
const hostileKey = fc
  .string({ unit: fc.constantFrom('/', '~', '0', '1', 'a', '.', '𠮷', '"', ' ') as fc.Arbitrary<string>, minLength: 1, maxLength: 8 })
  .filter((k) => /[/~]/.test(k) && k !== '__proto__');

describe('hostile keys in JSON evidence are named exactly', () => {
  it('an unknown item and an unknown field: each at a pointer that reads back to the key', () => {
    fc.assert(
      fc.property(hostileKey, hostileKey, (item, name) => {
        const t = clone(jsonTemplate(districtRs, yanta)) as Json;
        t['items'][item] = { x: 1 };
        t['items']['1.2.1'][name] = 1;
        const issues = issuesOf(() => parseJsonEvidence(JSON.stringify(t), { file: 'yanta.json', ruleset: districtRs }));
        const places = issues.map((i) => tokensOf(i.path));
        // Every place is a pointer.
        expect(places.every((p) => p !== undefined), JSON.stringify(issues)).toBe(true);
        expect(places).toContainEqual(['items', item]);
        expect(places).toContainEqual(['items', '1.2.1', name]);
        // Bounded: the two problems, not one per character of the keys.
        expect(issues.length).toBeLessThanOrEqual(4);
      }),
      { numRuns: 100 },
    );
  });

  it('a key given twice: the earlier entry is named under its own key, unescaped', () => {
    fc.assert(
      fc.property(hostileKey, (name) => {
        const t = clone(jsonTemplate(districtRs, yanta)) as Json;
        const key = JSON.stringify(name);
        const text = JSON.stringify(t).replace('"policyDocs":', `${key}:1,${key}:2,"policyDocs":`);
        const issues = issuesOf(() => parseJsonEvidence(text, { file: 'yanta.json', ruleset: districtRs }));
        const twice = issues.filter((i) => i.message.includes('出现了两次'));
        expect(twice.length, JSON.stringify(issues)).toBeGreaterThanOrEqual(1);
        for (const i of twice) {
          expect(tokensOf(i.path)).toEqual(['items', '1.2.1', name]);
          expect(i.message).toContain(`键 ${key}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
