// Files the command writes: never outside --out whatever id a hostile file carries (a property
// over generated ids, for every writing command), never half-written (a failure injected on
// the Nth write, a folder where a file should go, a read-only place), manifests written last
// and read back, stale cards of the previous round removed, evidence paths recorded relative.
import * as nodeFs from 'node:fs';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUnitId, UNIT_ID_RULE } from '@safecity/engine';
import { run } from '../src/index.js';
import type { Io } from '../src/io.js';
import { MANIFEST, type OutputFs } from '../src/output.js';

function cli(argv: string[], cwd: string, fs?: OutputFs) {
  let out = '';
  let err = '';
  const io: Io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd, ...(fs ? { fs } : {}) };
  return run(argv, io).then((code) => ({ code, out, err }));
}
const example = fileURLToPath(new URL('../../../examples/xian-2022-city/', import.meta.url));
const dir = () => mkdtempSync(join(tmpdir(), 'safecity-outputs-'));
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

/** Every file and folder under `root`, relative, sorted, with sizes: what a command may not change. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.push(relative(root, p) + '/');
        walk(p);
      } else out.push(`${relative(root, p)} ${statSync(p).size}`);
    }
  };
  walk(root);
  return out.sort();
}

/** Ids a hostile file carries. */
const HOSTILE = ['', '.', '..', '../x', '../../x', '/tmp/safecity-escape', 'a/b', 'a\\b', 'a\u0000b', '.hidden', 'Lintong', '临潼', 'con', 'lpt1', 'a'.repeat(65), 'x\n', 'a b'];
const hostileId = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.array(fc.constantFrom('..', '.', 'a', '/', '\\', 'x', '\u0000', 'C:'), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
  fc.string({ maxLength: 80 }),
).filter((s) => !isUnitId(s));

/** The checks every refusal meets: exit 1, the place and the rule named, no stack trace, nothing written. */
function refused(r: { code: number; out: string; err: string }, place: string, before: string[], cwd: string): void {
  expect(r.code, r.err).toBe(1);
  expect(r.err).toContain(place);
  expect(r.err).toContain('单位编号只能由小写英文字母');
  expect(r.err).not.toMatch(/\n\s+at |内部错误/);
  expect(snapshot(cwd)).toEqual(before);
}

const BAQIAO = readJson(join(example, 'evidence/district/baqiao.json'));
/** A round folder: JSON evidence of three districts, and their cards scored into scores/. */
let round = '';
beforeAll(async () => {
  round = dir();
  mkdirSync(join(round, 'evidence'));
  for (const u of ['baqiao', 'chanba', 'gangwu']) cpSync(join(example, 'evidence/district', `${u}.json`), join(round, 'evidence', `${u}.json`));
  const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', 'evidence/chanba.json', 'evidence/gangwu.json', '--out', 'scores'], round);
  expect(r.code, r.err).toBe(0);
}, 120_000);
const copy = (): string => {
  const cwd = dir();
  cpSync(round, cwd, { recursive: true });
  return cwd;
};

describe('no hostile unit id makes a path outside --out, for every writing command (property over generated ids)', () => {
  const RUNS = { numRuns: 10 };

  it('score, migrate and sample: a JSON evidence file whose unit.id is hostile', async () => {
    const cwd = copy();
    await fc.assert(
      fc.asyncProperty(hostileId, async (id) => {
        writeFileSync(join(cwd, 'bad.json'), JSON.stringify({ ...BAQIAO, unit: { ...BAQIAO.unit, id } }));
        const before = snapshot(cwd);
        refused(await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'bad.json', '--out', 'out'], cwd), 'bad.json#/unit/id', before, cwd);
        refused(await cli(['migrate', '--from', 'xian-2022/district', '--to', 'xian-2022/district', '--evidence', 'bad.json', '--out', 'out'], cwd), 'bad.json#/unit/id', before, cwd);
        refused(await cli(['sample', '--units', 'baqiao', '--seed', '1', '--groups', '1', '--evidence', 'bad.json', '--out', 'out'], cwd), 'bad.json#/unit/id', before, cwd);
        rmSync(join(cwd, 'bad.json'));
      }),
      RUNS,
    );
  }, 300_000);

  it('score, template and self-template: a --units registry entry whose id is hostile', async () => {
    const cwd = copy();
    await fc.assert(
      fc.asyncProperty(hostileId, async (id) => {
        writeFileSync(join(cwd, 'units.json'), JSON.stringify({ units: [{ id: 'baqiao', name: '灞桥区', kind: 'district' }, { id, name: '某区', kind: 'district' }] }));
        const before = snapshot(cwd);
        const place = 'units.json#/units/1/id';
        refused(await cli(['score', '--ruleset', 'xian-2022/district', '--units', 'units.json', '--evidence', 'evidence/baqiao.json', '--out', 'out'], cwd), place, before, cwd);
        refused(await cli(['template', '--ruleset', 'xian-2022/district', '--units', 'units.json', '--unit', 'baqiao', '--out', 'out/t.json'], cwd), place, before, cwd);
        refused(await cli(['self-template', '--ruleset', 'xian-2022/district', '--units', 'units.json', '--unit', 'baqiao', '--out', 'out/s.xlsx'], cwd), place, before, cwd);
      }),
      RUNS,
    );
  }, 300_000);

  it('score: a findings file keyed by a hostile id', async () => {
    const cwd = copy();
    await fc.assert(
      fc.asyncProperty(hostileId, async (id) => {
        writeFileSync(join(cwd, 'findings.json'), JSON.stringify({ [id]: [] }));
        const before = snapshot(cwd);
        refused(await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--findings', 'findings.json', '--out', 'out'], cwd), 'findings.json#/', before, cwd);
      }),
      RUNS,
    );
  }, 300_000);

  it('feedback, report, city and ledger: a scorecard whose unit.id is hostile', async () => {
    const cwd = copy();
    const card = readJson(join(cwd, 'scores/baqiao.scorecard.json'));
    mkdirSync(join(cwd, 'cards'));
    writeFileSync(join(cwd, 'ledger.xlsx'), 'not read: the cards are refused first');
    await fc.assert(
      fc.asyncProperty(hostileId, async (id) => {
        // A folder of cards written by hand (no manifest), one of them edited.
        writeFileSync(join(cwd, 'cards/x.scorecard.json'), JSON.stringify({ ...card, unit: { ...card.unit, id } }));
        const before = snapshot(cwd);
        const place = 'cards/x.scorecard.json#/unit/id';
        refused(await cli(['feedback', '--scores', 'cards', '--out', 'out'], cwd), place, before, cwd);
        refused(await cli(['report', '--scores', 'cards', '--out', 'out/r.html'], cwd), place, before, cwd);
        refused(await cli(['city', '--ruleset', 'xian-2022/city', '--scores', 'cards', '--out', 'out'], cwd), place, before, cwd);
        refused(await cli(['ledger', '--ledgers', 'ledger.xlsx', '--scores', 'cards', '--date', '2023-05-20', '--out', 'out/r.md'], cwd), place, before, cwd);
      }),
      RUNS,
    );
  }, 300_000);

  it("score: an xlsx whose _meta unit id was edited, named at its cell", async () => {
    const cwd = copy();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(example, 'evidence/district/beilin.xlsx'));
    const meta = wb.getWorksheet('_meta')!;
    let row = 0;
    meta.eachRow((r, n) => {
      if (String(r.getCell(1).value) === 'unitId') row = n;
    });
    expect(row).toBeGreaterThan(0);
    for (const id of ['../../x', '/tmp/safecity-escape', 'a\\b', 'CON']) {
      meta.getRow(row).getCell(2).value = id;
      writeFileSync(join(cwd, 'bad.xlsx'), new Uint8Array(await wb.xlsx.writeBuffer()));
      const before = snapshot(cwd);
      refused(await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'bad.xlsx', '--out', 'out'], cwd), `bad.xlsx!_meta!B${row}`, before, cwd);
    }
  }, 120_000);
});

/** node:fs with a failure (`code`) injected on the `n`th write call. */
function failingFs(n: number, code: string): OutputFs & { calls: () => number } {
  let calls = 0;
  return {
    ...nodeFs,
    writeSync: (fd: number, data: Uint8Array, offset: number, length: number) => {
      calls++;
      if (calls === n) {
        // Half the bytes reach the disk first, as a full disk does.
        nodeFs.writeSync(fd, data, offset, Math.floor(length / 2));
        throw Object.assign(new Error(`${code}: injected`), { code });
      }
      return nodeFs.writeSync(fd, data, offset, length);
    },
    calls: () => calls,
  } as OutputFs & { calls: () => number };
}

/** Every file of a folder that is not whole: a temporary file left, or a card or manifest that does not parse. */
function partial(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => {
    if (f.endsWith('.tmp')) return true;
    if (!f.endsWith('.json')) return false;
    try {
      JSON.parse(readFileSync(join(folder, f), 'utf8'));
      return false;
    } catch {
      return true;
    }
  });
}

describe('outputs are never half-written', () => {
  it('score: a full disk on the Nth write leaves only whole files, no manifest, and a plain message naming the file (every N)', async () => {
    const cwd = copy();
    const argv = (out: string) => ['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', 'evidence/chanba.json', 'evidence/gangwu.json', '--out', out];
    // 3 cards and the manifest: 4 writes.
    for (let n = 1; n <= 4; n++) {
      const out = `full-${n}`;
      const r = await cli(argv(out), cwd, failingFs(n, 'ENOSPC'));
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain('无法写出文件');
      expect(r.err).toContain('磁盘空间不足');
      expect(r.err).toMatch(new RegExp(`${out}/(baqiao|chanba|gangwu)\\.scorecard\\.json|${out}/${MANIFEST}`));
      expect(r.err).not.toMatch(/\n\s+at |内部错误/);
      expect(partial(join(cwd, out))).toEqual([]);
      expect(existsSync(join(cwd, out, MANIFEST))).toBe(false);
      // Whatever was written is whole; a reader of the folder says it has no manifest.
      expect(readdirSync(join(cwd, out)).length).toBe(n - 1);
    }
  }, 120_000);

  it('each file-system error is a plain message with the path and what to do, exit 1', async () => {
    const cwd = copy();
    const cases: Array<[string, string]> = [
      ['EACCES', '没有写入权限'],
      ['EPERM', '没有写入权限'],
      ['EROFS', '只读'],
      ['ENAMETOOLONG', '路径过长'],
      ['EMFILE', '同时打开的文件过多'],
      ['EEXIST', '已有同名'],
      ['EIO', '无法写入（EIO）'],
    ];
    for (const [code, says] of cases) {
      const r = await cli(['feedback', '--scores', 'scores', '--out', `fb-${code}`], cwd, failingFs(2, code));
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain(says);
      // Named: the file it failed on, and the one written before it.
      expect(r.err).toContain(`fb-${code}/baqiao.xlsx: 无法写出`);
      expect(r.err).toContain(`此前已写完1个文件：fb-${code}/baqiao.md`);
      expect(r.err).not.toMatch(/\n\s+at |内部错误/);
      expect(partial(join(cwd, `fb-${code}`))).toEqual([]);
    }
  }, 180_000);

  it('a folder where a file should go, or a file where the folder should be: refused before anything is written', async () => {
    const cwd = copy();
    mkdirSync(join(cwd, 'fb/chanba.docx'), { recursive: true });
    const before = snapshot(cwd);
    const r = await cli(['feedback', '--scores', 'scores', '--out', 'fb'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('fb/chanba.docx: 无法写出：此处已有同名的文件夹');
    expect(snapshot(cwd)).toEqual(before); // not even baqiao's three files
    writeFileSync(join(cwd, 'afile'), 'x');
    for (const argv of [
      ['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'afile'],
      ['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'afile/sub'],
      ['report', '--scores', 'scores', '--out', 'afile/r.html'],
      ['template', '--ruleset', 'xian-2022/district', '--unit', 'baqiao', '--out', 'afile/t.xlsx'],
    ]) {
      const b = snapshot(cwd);
      const x = await cli(argv, cwd);
      expect(x.code, argv.join(' ')).toBe(1);
      expect(x.err).toContain('输出位置应为文件夹，但此处（或路径中的某一级）是一个文件');
      expect(x.err).not.toMatch(/\n\s+at |内部错误/);
      expect(snapshot(cwd)).toEqual(b);
    }
  }, 120_000);

  it('a read-only folder: a plain message, nothing left behind', async () => {
    if (process.getuid?.() === 0) return; // root writes anyway: covered by the injected EACCES above
    const cwd = copy();
    mkdirSync(join(cwd, 'ro'));
    nodeFs.chmodSync(join(cwd, 'ro'), 0o555);
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'ro'], cwd);
    nodeFs.chmodSync(join(cwd, 'ro'), 0o755);
    expect(r.code).toBe(1);
    expect(r.err).toContain('ro: 无法写出：没有写入权限');
    expect(readdirSync(join(cwd, 'ro'))).toEqual([]);
  });

  it('a symlink planted where a card goes is replaced, never written through', async () => {
    const cwd = copy();
    mkdirSync(join(cwd, 'out'));
    writeFileSync(join(cwd, 'victim.txt'), 'keep me');
    nodeFs.symlinkSync(join(cwd, 'victim.txt'), join(cwd, 'out/baqiao.scorecard.json'));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'out'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(cwd, 'victim.txt'), 'utf8')).toBe('keep me');
    expect(nodeFs.lstatSync(join(cwd, 'out/baqiao.scorecard.json')).isFile()).toBe(true);
  });
});

describe('manifests', () => {
  it('score writes the manifest last: every card with its bytes and sha256, the ruleset named', () => {
    const m = readJson(join(round, 'scores', MANIFEST));
    expect(m).toMatchObject({ format: 'safecity-manifest/1', command: 'score', rulesets: [{ id: 'xian-2022/district', version: expect.any(String), hash: expect.stringMatching(/^sha256:/) }] });
    expect(m.files.map((f: { name: string }) => f.name)).toEqual(['baqiao.scorecard.json', 'chanba.scorecard.json', 'gangwu.scorecard.json']);
    for (const f of m.files) {
      const bytes = readFileSync(join(round, 'scores', f.name));
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('stale cards: re-scoring fewer units removes the card the previous manifest listed, says so, and never touches other files', async () => {
    const cwd = copy();
    writeFileSync(join(cwd, 'scores/notes.txt'), 'mine');
    writeFileSync(join(cwd, 'scores/handmade.scorecard.json'), readFileSync(join(cwd, 'scores/gangwu.scorecard.json')));
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', 'evidence/chanba.json', '--out', 'scores'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('已删除上一轮写出、本轮不再有的评分卡1份：scores/gangwu.scorecard.json');
    expect(readdirSync(join(cwd, 'scores')).sort()).toEqual(['baqiao.scorecard.json', 'chanba.scorecard.json', 'handmade.scorecard.json', 'notes.txt', MANIFEST].sort());
    // The report counts the two listed cards, not the hand-made one, and says so.
    const rep = await cli(['report', '--scores', 'scores', '--out', 'r.html', '--json'], cwd);
    expect(rep.code, rep.err).toBe(0);
    expect(JSON.parse(rep.out).units).toBe(2);
    expect(rep.err).toContain('提醒：scores: 1份评分卡未列在 safecity-manifest.json 中，未读取');
    expect(rep.err).toContain('handmade.scorecard.json');
  }, 120_000);

  it('a stale card changed by hand since is kept and said, not removed', async () => {
    const cwd = copy();
    writeFileSync(join(cwd, 'scores/gangwu.scorecard.json'), readFileSync(join(cwd, 'scores/gangwu.scorecard.json'), 'utf8') + ' ');
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'scores', '--json'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ removed: ['scores/chanba.scorecard.json'], kept: ['scores/gangwu.scorecard.json'] });
    expect(existsSync(join(cwd, 'scores/gangwu.scorecard.json'))).toBe(true);
  }, 60_000);

  it('feedback reads what the manifest lists: a listed card missing or changed is named (exit 1); no manifest is a warning', async () => {
    const cwd = copy();
    rmSync(join(cwd, 'scores/chanba.scorecard.json'));
    writeFileSync(join(cwd, 'scores/gangwu.scorecard.json'), readFileSync(join(cwd, 'scores/gangwu.scorecard.json'), 'utf8').replace('"total"', '"total" ').trim());
    const r = await cli(['feedback', '--scores', 'scores', '--out', 'fb'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('scores/chanba.scorecard.json: safecity-manifest.json 列出了这份评分卡，但文件不存在');
    expect(r.err).toContain('scores/gangwu.scorecard.json: 与 safecity-manifest.json 记录的不一致');
    expect(existsSync(join(cwd, 'fb'))).toBe(false);
    rmSync(join(cwd, 'scores', MANIFEST));
    const ok = await cli(['feedback', '--scores', 'scores', '--out', 'fb', '--json'], cwd);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.err).toContain('提醒：scores: 没有 safecity-manifest.json');
    expect(JSON.parse(ok.out).units).toBe(2);
    // The feedback run has its own manifest: its six files.
    const m = readJson(join(cwd, 'fb', MANIFEST));
    expect(m.command).toBe('feedback');
    expect(m.files.map((f: { name: string }) => f.name)).toEqual(['baqiao.docx', 'baqiao.md', 'baqiao.xlsx', 'gangwu.docx', 'gangwu.md', 'gangwu.xlsx']);
    // A second command's files are not mixed into a folder another command's manifest owns.
    const mixed = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'fb'], cwd);
    expect(mixed.code).toBe(1);
    expect(mixed.err).toContain('该文件夹存放的是 safecity feedback 写出的文件');
  }, 180_000);

  it('a manifest that is not one is named', async () => {
    const cwd = copy();
    writeFileSync(join(cwd, 'scores', MANIFEST), '{"files": "all"}');
    const r = await cli(['report', '--scores', 'scores', '--out', 'r.html'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`scores/${MANIFEST}: 不是 safecity 写出的文件清单`);
  });
});

describe('evidence paths recorded in cards', () => {
  it('relative to the working folder (or --base-dir), never absolute: a relative and an absolute name give the same card bytes', async () => {
    const cwd = copy();
    const a = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'evidence/baqiao.json', '--out', 'rel'], cwd);
    const b = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', join(cwd, 'evidence/baqiao.json'), '--out', 'abs'], cwd);
    const c = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', './evidence/../evidence/baqiao.json', '--out', 'dots'], cwd);
    for (const r of [a, b, c]) expect(r.code, r.err).toBe(0);
    const rel = readFileSync(join(cwd, 'rel/baqiao.scorecard.json'), 'utf8');
    expect(readFileSync(join(cwd, 'abs/baqiao.scorecard.json'), 'utf8')).toBe(rel);
    expect(readFileSync(join(cwd, 'dots/baqiao.scorecard.json'), 'utf8')).toBe(rel);
    expect(rel).toContain('"evidence/baqiao.json#/items/');
    expect(rel).not.toContain(cwd);
    expect(rel).not.toContain(tmpdir());
    // From a sub-folder, with --base-dir naming the round's folder: the same bytes again.
    mkdirSync(join(cwd, 'work'));
    const d = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', '../evidence/baqiao.json', '--base-dir', '..', '--out', '../based'], join(cwd, 'work'));
    expect(d.code, d.err).toBe(0);
    expect(readFileSync(join(cwd, 'based/baqiao.scorecard.json'), 'utf8')).toBe(rel);
    // A file outside the base is recorded by its name alone.
    const e = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', join(cwd, 'evidence/baqiao.json'), '--base-dir', 'work', '--out', 'outside'], cwd);
    expect(e.code, e.err).toBe(0);
    const outside = readFileSync(join(cwd, 'outside/baqiao.scorecard.json'), 'utf8');
    expect(outside).toContain('"baqiao.json#/items/');
    expect(outside).not.toContain(cwd);
  }, 120_000);
});

it('no command writes with anything but output.ts (grep)', () => {
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  const offenders: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && e.name !== 'output.ts' && /\b(writeFileSync|mkdirSync|appendFileSync|createWriteStream|renameSync|unlinkSync|rmSync|copyFileSync|writeFile|mkdir)\b/.test(readFileSync(p, 'utf8'))) offenders.push(relative(src, p));
    }
  };
  walk(src);
  expect(offenders).toEqual([]);
  expect(UNIT_ID_RULE.zh).toContain('单位编号');
});
