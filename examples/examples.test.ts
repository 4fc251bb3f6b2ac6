// Every example runs, as a user would run it, and does what its README says.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('examples', () => {
  it('basic: scores one unit and prints every deduction with its reason', () => {
    const out = node(['examples/basic/score.mjs']);
    expect(out).toContain('1.2.4b 老旧管网改造  0 / 1');
    expect(out).toContain('老旧管网改造率为78.5%（≤80%），扣1分');
    expect(out).toContain('earned 1.6 / 9, bonus 1, total 2.6, normalized 18.778, grade 不合格');
    expect(node(['examples/basic/score.mjs', '--en'])).toContain('grade fail');
  });

  it('xian-2022-city: scores all 48 units and writes scorecards, feedback lists and the city report', { timeout: 120_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'safecity-demo-'));
    const printed = node(['examples/xian-2022-city/demo.mjs', '--out', out]);
    expect(printed).toMatch(/city average [\d.]+ over 48 units/);
    const scores = [...readdirSync(join(out, 'scores', 'municipal')), ...readdirSync(join(out, 'scores', 'district'))];
    expect(scores).toHaveLength(48);
    expect(readdirSync(join(out, 'feedback')).filter((f) => f.endsWith('.xlsx'))).toHaveLength(48);
    const gaoling = JSON.parse(readFileSync(join(out, 'scores', 'district', 'gaoling.scorecard.json'), 'utf8'));
    expect(gaoling).toMatchObject({ vetoed: true, grade: 'fail' });
    const html = readFileSync(join(out, 'city-report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(existsSync(join(out, 'city-report.md'))).toBe(true);
  });
});
