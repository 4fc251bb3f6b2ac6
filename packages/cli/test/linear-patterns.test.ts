// Issue 14, "quadratic work": every regular expression in the engine, the JSON reader, the
// command and the reports answers on long adversarial text. Each pattern of the sources runs on
// generated strings of 100,000 characters (runs of blanks, digits, separators, quotes, brackets
// after likely prefixes); a backtracking pattern takes minutes there, a linear one milliseconds,
// so vitest's per-test timeout is the bound (no clock is read).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseLedgerDate, unquoteCell } from '@safecity/report';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folders = ['engine/src', 'evidence-json/src', 'cli/src', 'report/src'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every regular expression literal of the sources, with its place. */
function patterns(): Array<{ at: string; re: RegExp }> {
  const out: Array<{ at: string; re: RegExp }> = [];
  for (const file of folders.flatMap((d) => files(join(root, d)))) {
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = n.getText(src);
        const end = text.lastIndexOf('/');
        const line = src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
        out.push({ at: `${file.slice(root.length)}:${line} ${text}`, re: new RegExp(text.slice(1, end), text.slice(end + 1).replace('g', '') + 'g') });
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

const N = 100_000;
const FILLERS = [' ', '\u3000', 'a', '1', '.', '/', '#/', '/set', '(', '（', '<', '"', '“', '【待填写', '!a', 'a/', '-/.', "' argument '", '~1'];
const PREFIXES = ['', '1', '2023-1-1', 'a.json#', '<br'];
const SUFFIXES = ['x', '\n'];
const adversarial = PREFIXES.flatMap((p) => FILLERS.flatMap((f) => SUFFIXES.map((s) => p + f.repeat(Math.ceil(N / f.length)) + s)));

describe('every pattern of the sources is linear on long adversarial text', () => {
  const all = patterns();
  it('finds the patterns', () => {
    expect(all.length).toBeGreaterThan(50);
  });
  it.each(all.map((p) => [p.at, p.re] as const))('%s', (_at, re) => {
    for (const s of adversarial) {
      re.lastIndex = 0;
      s.replace(re, '');
    }
  }, 20_000);
});

describe('the readers of ledger cells keep their meaning and answer on long text', () => {
  it('dates', () => {
    expect(parseLedgerDate(' 2023年3月31日 ')).toBe('2023-03-31');
    expect(parseLedgerDate('2023-3-31')).toBe('2023-03-31');
    expect(parseLedgerDate('2023 / 04 / 5')).toBe('2023-04-05');
    expect(parseLedgerDate('2023-1-1' + ' '.repeat(N) + 'x')).toBeUndefined();
    expect(parseLedgerDate('2023-1-1' + ' '.repeat(N))).toBe('2023-01-01');
  });
  it('trimmed cells', () => {
    expect(unquoteCell('　 a b　 ')).toBe('a b');
    expect(unquoteCell("'=1")).toBe('=1');
    expect(unquoteCell('a' + ' '.repeat(N) + 'b')).toBe('a' + ' '.repeat(N) + 'b');
  });
});
