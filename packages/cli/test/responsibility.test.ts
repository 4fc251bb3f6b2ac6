// 责任唯一 at the command: a partner's figure for a city-wide indicator that contradicts the
// lead's is printed as an inconsistency naming both files; the partner is not scored on it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@safecity/engine';
import { jsonTemplate } from '@safecity/evidence-json';
import { run } from '../src/index.js';
import fixture from '../../engine/test/fixtures/partner-round.json' with { type: 'json' };

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

// A lead and a partner of one city-wide indicator, shared with the JSON adapter's test.
const { units, ruleset } = fixture as { units: { id: string; name: string; kind: string }[]; ruleset: object };

describe('safecity score: a partner’s figure that contradicts the lead’s', () => {
  it('is printed with both files, exit 0, and the partner is scored on its own part', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-partner-'));
    writeFileSync(join(cwd, 'ruleset.json'), JSON.stringify(ruleset));
    writeFileSync(join(cwd, 'units.json'), JSON.stringify({ units }));
    const rs = createEngine().compile(ruleset);
    const lead = jsonTemplate(rs, units[0]!) as any;
    lead.items['3.1.2.4.2'].renovationRate = 85;
    const partner = jsonTemplate(rs, units[1]!) as any;
    partner.items['3.1.2.4.2'].partnerTaskRate = 90;
    partner.items['3.1.2.4.2'].renovationRate = 74;
    writeFileSync(join(cwd, 'chengguanju.json'), JSON.stringify(lead));
    writeFileSync(join(cwd, 'shuiwuju.json'), JSON.stringify(partner));
    const r = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'chengguanju.json', 'shuiwuju.json'], cwd);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      '不一致（责任唯一）：3.1.2.4.2“老旧管网改造”由市城管局牵头，老旧管网改造率以牵头单位报送的85%为准（chengguanju.json#/items/3.1.2.4.2/renovationRate）；配合单位市水务局报送74%（shuiwuju.json#/items/3.1.2.4.2/renovationRate），二者不一致（配合单位不按此数计分），请核实',
    );
    expect(r.out).toMatch(/shuiwuju\s+市水务局\s+1\s+0\.8/);
    const j = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'chengguanju.json', 'shuiwuju.json', '--json'], cwd);
    const body = JSON.parse(j.out);
    expect(body.inconsistencies).toHaveLength(1);
    expect(body.inconsistencies[0]).toMatchObject({ item: '3.1.2.4.2', field: 'renovationRate', lead: { unit: { id: 'chengguanju' }, value: 85 }, partner: { unit: { id: 'shuiwuju' }, value: 74 } });
  });
});
