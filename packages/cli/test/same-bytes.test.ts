// Same input, same bytes, through the command: every file `template`, `self-template`, `score`,
// `feedback` and `report` write is byte for byte the same when the command runs again hours
// later the same day (the feedback .xlsx differed by its zip entries' times, the report's charts
// by zrender's class counters when written twice in one process).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

/** Every file under a folder (recursively), by its path inside it. */
function files(dir: string, under = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(join(dir, under), { withFileTypes: true })) {
    const rel = under === '' ? e.name : `${under}/${e.name}`;
    if (e.isDirectory()) for (const [k, v] of files(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

/** One round of the commands into `out/`, at a given time of day. */
async function round(cwd: string, out: string, at: Date): Promise<void> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
  const steps = [
    ['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', `${out}/yanta-template.xlsx`],
    ['self-template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', `${out}/yanta-self.xlsx`],
    ['score', '--ruleset', 'xian-2022/district', '--evidence', 'yanta.json', '--out', `${out}/scores`],
    ['feedback', '--scores', `${out}/scores`, '--out', `${out}/feedback`],
    ['report', '--scores', `${out}/scores`, '--out', `${out}/report/city.html`],
    ['report', '--scores', `${out}/scores`, '--out', `${out}/report/city.docx`],
  ];
  for (const argv of steps) {
    const r = await cli(argv, cwd);
    expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
  }
  vi.useRealTimers();
}

describe('same input, same bytes', () => {
  it('every file written, in two runs hours apart the same day', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-same-bytes-'));
    const t = await cli(['template', '--ruleset', 'xian-2022/district', '--unit', 'yanta', '--out', 'yanta.json'], cwd);
    expect(t.code, t.err).toBe(0);
    const e = JSON.parse(readFileSync(join(cwd, 'yanta.json'), 'utf8'));
    e.items['3.1.1.1'].planFindings = 2;
    writeFileSync(join(cwd, 'yanta.json'), JSON.stringify(e));
    // the same folder both times: the report names where its cards came from
    await round(cwd, 'out', new Date(2024, 5, 1, 9, 0, 1));
    const a = files(join(cwd, 'out'));
    await round(cwd, 'out', new Date(2024, 5, 1, 17, 31, 8));
    const b = files(join(cwd, 'out'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()].filter((k) => /\.(xlsx|docx)$/.test(k)).length).toBeGreaterThanOrEqual(5);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
  }, 300_000);
});
