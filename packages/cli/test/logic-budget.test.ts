// A rule that runs over its step budget while scoring (issue 14): a plain input problem naming
// the unit and the rule, exit 1, no stack trace, and no "internal error".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@safecity/engine';
import { jsonTemplate } from '@safecity/evidence-json';
import { run } from '../src/index.js';

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

const units = [{ id: 'yanta', name: '雁塔区', kind: 'district' }];
// Accepted at compile time (the estimate assumes lists of at most 1,000 names: about 800,000
// steps); a unit that lists many more names runs the rule over its 1,000,000 steps.
const ruleset = {
  id: 'test/budget',
  version: '1.0.0',
  edition: 2022,
  title: { zh: '测试细则' },
  unitKinds: ['district'],
  fields: [{ name: 'docs', type: 'documents', document: false, title: { zh: '文件清单' } }],
  tree: [
    {
      id: 'g',
      title: { zh: '组' },
      max: 1,
      children: [
        {
          id: 'docs-check',
          title: { zh: '文件项' },
          max: 1,
          scoring: { logic: { if: [{ some: [{ var: 'docs' }, { some: [Array.from({ length: 200 }, (_, i) => i), { '==': [{ var: '' }, -1] }] }] }, 0, 1] } },
        },
      ],
    },
  ],
};

describe('safecity score: a rule over its step budget', () => {
  it('is an input problem at the unit and the rule (exit 1), with no stack trace', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-budget-'));
    writeFileSync(join(cwd, 'ruleset.json'), JSON.stringify(ruleset));
    writeFileSync(join(cwd, 'units.json'), JSON.stringify({ units }));
    const rs = createEngine().compile(ruleset);
    for (const [n, code] of [[50, 0], [3_000, 1]] as const) {
      const evidence = jsonTemplate(rs, units[0]!) as any;
      evidence.items['docs-check'].docs = Array.from({ length: n }, (_, i) => `文件${i}`);
      writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(evidence));
      const r = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'yanta.json'], cwd);
      expect(r.code).toBe(code);
      if (code === 0) continue;
      expect(r.err).toContain('unit yanta/tree/0/children/0/scoring/logic/if/0/some/1/some: 雁塔区（yanta）评分项 docs-check：规则运算超过 1,000,000 步的上限（maxLogicSteps），在此处停止');
      expect(r.err).not.toMatch(/内部错误|\n\s+at /);
      const j = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'yanta.json', '--json'], cwd);
      expect(j.code).toBe(1);
      expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems: [{ place: 'unit yanta/tree/0/children/0/scoring/logic/if/0/some/1/some' }] });
    }
  });

  it('lists every unit whose rule stopped, in one pass, beside the units that scored', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-budget-'));
    const three = [...units, { id: 'beilin', name: '碑林区', kind: 'district' }, { id: 'lianhu', name: '莲湖区', kind: 'district' }];
    writeFileSync(join(cwd, 'ruleset.json'), JSON.stringify(ruleset));
    writeFileSync(join(cwd, 'units.json'), JSON.stringify({ units: three }));
    const rs = createEngine().compile(ruleset);
    const files = three.map((u, k) => {
      const evidence = jsonTemplate(rs, u) as any;
      evidence.items['docs-check'].docs = Array.from({ length: k === 1 ? 50 : 3_000 }, (_, i) => `文件${i}`);
      writeFileSync(join(cwd, `${u.id}.json`), JSON.stringify(evidence));
      return `${u.id}.json`;
    });
    const r = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', ...files, '--json'], cwd);
    expect(r.code).toBe(1);
    const places = (JSON.parse(r.out) as { problems: { place: string }[] }).problems.map((p) => p.place.split('/')[0]);
    expect(places.sort()).toEqual(['unit lianhu', 'unit yanta']);
  });
});
