import { afterEach, describe, expect, it, vi } from 'vitest';
import { district } from '@safecity/ruleset-xian-2022';
import { jsonTemplate, parseJsonEvidence } from '../src/index.js';
import { clone, engine, issuesOf, unit, units } from './helpers.js';

// Count the validators built: the package's own Validator, wrapped (vi.mock is hoisted above the imports).
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('@cfworker/json-schema', async (importOriginal) => {
  const original = await importOriginal<typeof import('@cfworker/json-schema')>();
  class Counted extends original.Validator {
    constructor(...args: ConstructorParameters<typeof original.Validator>) {
      super(...args);
      built.count++;
    }
  }
  return { ...original, Validator: Counted };
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the schema validator', () => {
  it('is built once per ruleset, shared by every unit read against it', () => {
    // A ruleset of its own, so that no other test has built its validator already.
    const rs = engine.compile(district);
    built.count = 0;
    const ids = ['yanta', 'beilin', 'lintong', 'gaoxin'];
    for (const id of ids) {
      const r = parseJsonEvidence(JSON.stringify(jsonTemplate(rs, unit(id))), { file: `${id}.json`, ruleset: rs, units });
      expect(r.part.unit.id).toBe(id);
    }
    expect(built.count).toBe(1);
    // Another compiled ruleset gets its own.
    const again = engine.compile(district);
    parseJsonEvidence(JSON.stringify(jsonTemplate(again, unit('yanta'))), { file: 'yanta.json', ruleset: again, units });
    expect(built.count).toBe(2);
  });

  it('shared by the units, still tells a file of one unit read as another, in its own words', () => {
    const rs = engine.compile(district);
    // 雁塔区's file with 碑林区's id: the name is the registry's for another unit.
    const t = clone(jsonTemplate(rs, unit('yanta'))) as { unit: Record<string, unknown> };
    t.unit['id'] = 'beilin';
    const issues = issuesOf(() => parseJsonEvidence(JSON.stringify(t), { file: 'f.json', ruleset: rs, units }));
    expect(issues).toContainEqual({
      path: 'f.json#/unit/name',
      message: '单位 "beilin" 在名录中名为“碑林区”，文件中写作“雁塔区”（“雁塔区”在名录中的 id 是 "yanta"：这是另一个单位的文件？）',
    });
    for (const i of issues) expect(i.message).not.toContain('不符合 evidenceJsonSchema');
    // A unit with an English name that the file gives wrong, and a kind the file gives wrong.
    const u = clone(jsonTemplate(rs, unit('yanta'))) as { unit: Record<string, unknown> };
    u.unit['nameEn'] = 'Beilin District';
    u.unit['kind'] = 'county';
    const more = issuesOf(() => parseJsonEvidence(JSON.stringify(u), { file: 'g.json', ruleset: rs, units }));
    expect(more.map((i) => i.path)).toEqual(expect.arrayContaining(['g.json#/unit/kind', 'g.json#/unit/nameEn']));
    for (const i of more) expect(i.message).not.toContain('不符合 evidenceJsonSchema');
  });
});
