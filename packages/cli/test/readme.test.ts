// Every `safecity …` line of the READMEs' shell blocks works when pasted: each block is run, line
// by line, in a fresh copy of the folder it names (a `cd <folder>` line in the block, or a
// `# from <folder>` comment), through bash — globs, comments and redirections as a user's shell
// has them — with `safecity` (and `npx safecity`) the built command. Needs `npm run build` first,
// as the README says. Lines that are not `safecity` commands (npm …) are left to their own tests.
//
// A block that scores the demo's whole round (`score … --evidence evidence/district/*`) takes a
// minute or more on a shared machine: it is run with SAFECITY_README=full (as the integrator and
// CI should); without it, every file and glob its lines read is checked to exist in the folder
// (or to be written by an earlier line), which is what a fresh clone needs of it.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** One shell block of a README: its folder (relative to the repository root) and its `safecity` lines. */
interface Block {
  readme: string;
  folder: string;
  lines: string[];
}

/**
 * The shell blocks of a Markdown file and the folder each runs in. `cd` carries over to the next
 * blocks of the same file (as in a terminal); `# from <folder>` names it for a block on its own.
 */
function shellBlocks(readme: string, markdown: string, start = '.'): Block[] {
  const blocks: Block[] = [];
  let folder = start;
  for (const m of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    const lines: string[] = [];
    for (const raw of (m[1] ?? '').split('\n')) {
      const line = raw.trim();
      const from = /^#\s*from\s+([^\s,]+)/.exec(line);
      if (from !== null) folder = (from[1] as string).replace(/\/$/, '');
      const cd = /^cd\s+(\S+)/.exec(line);
      if (cd !== null) folder = join(folder, cd[1] as string);
      if (/^(npx\s+)?safecity\s/.test(line)) lines.push(line.replace(/^npx\s+/, ''));
    }
    if (lines.length > 0) blocks.push({ readme, folder, lines });
  }
  return blocks;
}

/** A `safecity` on PATH that runs the built command, as `npm install -g` or `npx` would. */
function shim(): string {
  const bin = mkdtempSync(join(tmpdir(), 'safecity-bin-'));
  writeFileSync(join(bin, 'safecity'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'packages/cli/bin/safecity.js')}" "$@"\n`);
  chmodSync(join(bin, 'safecity'), 0o755);
  return bin;
}

function sh(line: string, cwd: string, bin: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) =>
    execFile('bash', ['-c', line], { cwd, env: { ...process.env, NODE_OPTIONS: '', PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` }, maxBuffer: 64 << 20 }, (e, out, err) =>
      done({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    ),
  );
}

/** A line's words, without its comment. */
const words = (line: string): string[] => line.replace(/\s+#.*$/, '').split(/\s+/).filter((w) => w !== '');

/** Does a path with at most one `*` in its last segment match a file or folder under `cwd`? */
function matches(path: string, cwd: string): boolean {
  const p = path.replace(/\/$/, '');
  if (!p.includes('*')) return existsSync(join(cwd, p));
  const at = p.lastIndexOf('/');
  const folder = at < 0 ? '.' : p.slice(0, at);
  const re = new RegExp(`^${p.slice(at + 1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return existsSync(join(cwd, folder)) && readdirSync(join(cwd, folder)).some((f) => re.test(f));
}

/**
 * The files and globs the lines read that are in neither the folder nor an earlier line's
 * `--out`: a path is a word with a `*`, a trailing `/` or a file extension (ruleset ids have none).
 */
function missingNames(lines: readonly string[], cwd: string): string[] {
  const written: string[] = [];
  const missing: string[] = [];
  for (const line of lines) {
    const w = words(line);
    for (const [i, word] of w.entries()) {
      if (w[i - 1] === '--out' || w[i - 1] === '>' || w[i - 1] === '>>') {
        written.push(word.replace(/\/$/, ''));
        continue;
      }
      if (word.startsWith('-') || !/\*|\/$|\.(json|xlsx|html|md)$/.test(word)) continue;
      const w0 = word.replace(/\/$/, '');
      const later = written.some((o) => w0 === o || w0.startsWith(o + '/') || o.startsWith(w0 + '/'));
      if (!later && !matches(word, cwd)) missing.push(`${line} → ${word}`);
    }
  }
  return missing;
}
const wholeRound = (b: Block): boolean => b.lines.some((l) => /^safecity score .*--evidence \S*\*/.test(l));
const FULL = process.env['SAFECITY_README'] === 'full';

const READMES = ['README.md', 'packages/cli/README.md'];
const blocks = READMES.flatMap((f) => shellBlocks(f, readFileSync(join(root, f), 'utf8')));

describe('README commands work when pasted on a fresh clone', () => {
  it('finds the blocks, each with the folder it runs in', () => {
    // Every README names its commands' folder, and each exists in the repository.
    for (const b of blocks) expect(() => readFileSync(join(root, b.folder, 'README.md')), `${b.readme}: ${b.folder}`).not.toThrow();
    expect(blocks.map((b) => `${b.readme} ${b.folder}`)).toContain('README.md examples/xian-2022-city');
    expect(blocks.map((b) => `${b.readme} ${b.folder}`)).toContain('packages/cli/README.md examples/xian-2022-city');
    expect(blocks.reduce((n, b) => n + b.lines.length, 0)).toBeGreaterThan(20);
  });

  const bin = shim();
  for (const [n, b] of blocks.entries()) {
    it(`${b.readme}, block ${n + 1} (from ${b.folder}): every file it reads is there`, () => {
      expect(missingNames(b.lines, join(root, b.folder))).toEqual([]);
    });
    it.skipIf(wholeRound(b) && !FULL)(`${b.readme}, block ${n + 1} (from ${b.folder}): ${b.lines.length} command${b.lines.length === 1 ? '' : 's'}, each exit 0${wholeRound(b) ? ' (the whole round: SAFECITY_README=full)' : ''}`, { timeout: 600_000 }, async () => {
      const cwd = join(mkdtempSync(join(tmpdir(), 'safecity-readme-')), 'here');
      mkdirSync(cwd);
      cpSync(join(root, b.folder), cwd, { recursive: true, filter: (src) => !src.includes('node_modules') });
      for (const line of b.lines) {
        const r = await sh(line, cwd, bin);
        expect(r.code, `${b.readme}: ${line}\n${r.err}${r.out.slice(0, 2000)}`).toBe(0);
      }
    });
  }
});

describe('missingNames', () => {
  it('names files and globs that are not there, unless an earlier line writes them', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-names-'));
    mkdirSync(join(cwd, 'evidence'));
    writeFileSync(join(cwd, 'evidence', 'yanta.xlsx'), '');
    expect(
      missingNames(
        [
          'safecity score --ruleset xian-2022/district --evidence evidence/* beilin.json --out scores/',
          'safecity report --scores scores/ --self-scores self.json --out r.html  # self.json is not there',
          'safecity migrate --evidence evidence/*.json --out next/',
        ],
        cwd,
      ),
    ).toEqual([
      'safecity score --ruleset xian-2022/district --evidence evidence/* beilin.json --out scores/ → beilin.json',
      'safecity report --scores scores/ --self-scores self.json --out r.html  # self.json is not there → self.json',
      'safecity migrate --evidence evidence/*.json --out next/ → evidence/*.json',
    ]);
  });
});

describe('shellBlocks', () => {
  it('reads cd and # from, keeps safecity lines only, drops npx', () => {
    const md = ['```sh', 'npm run build', 'cd examples/x', 'npx safecity validate a  # ok', '```', 'text', '```sh', 'safecity diff a b', '```', '```ts', 'safecity(x)', '```', '```sh', '# from examples/y', 'safecity score', '```'].join('\n');
    expect(shellBlocks('R.md', md)).toEqual([
      { readme: 'R.md', folder: 'examples/x', lines: ['safecity validate a  # ok'] },
      { readme: 'R.md', folder: 'examples/x', lines: ['safecity diff a b'] },
      { readme: 'R.md', folder: 'examples/y', lines: ['safecity score'] },
    ]);
  });
});
