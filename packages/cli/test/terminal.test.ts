// What the command prints reaches a terminal: no control character, escape sequence or bidi
// override from data, whatever the data (generated), in human and in --json output.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run, terminalJson, terminalText } from '../src/index.js';

/** What a terminal acts on, but line feed and tab (ours). */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const CONTROL_FRAGMENTS = [
  '\u001b[2J', // clear screen
  '\u001b[H',
  '\u001b]0;owned\u0007', // window title (OSC, BEL)
  '\u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\', // OSC 8 hyperlink, ST
  '\u009b31m', // C1 CSI
  '\u009d0;t\u009c', // C1 OSC … ST
  '\u0007',
  '\b\b\b',
  '\r',
  '\u007f',
  '\u0000',
  '\u202e', // right-to-left override
  '\u2066',
  '\u2069',
  '\u200f',
  '\u2028',
  '\n',
  '\t',
  '临潼区',
  'x',
];
const hostile = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...CONTROL_FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }), { minLength: 1, maxLength: 10 }).map((p) => p.join(''));

describe('terminalText', () => {
  it('leaves no control character but line feed and tab, and keeps every other character (property)', () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const shown = terminalText(`${t}\n`);
        expect(shown).not.toMatch(UNSAFE);
        // every line feed and tab kept; the rest of the text is there, controls as visible escapes
        expect(shown.split('\n').length).toBe(`${t}\n`.split('\n').length);
        expect(shown.split('\t').length).toBe(t.split('\t').length);
        // without backslashes of its own, undoing the visible escapes gives the text back
        if (!t.includes('\\')) expect(shown.replace(/\\x([0-9a-f]{2})|\\u([0-9a-f]{4})/g, (_, a?: string, b?: string) => String.fromCharCode(parseInt(a ?? b ?? '', 16)))).toBe(`${t}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it('shows escapes visibly', () => {
    expect(terminalText('a\u001b[2Jb\u202ec\n')).toBe('a\\x1b[2Jb\\u202ec\n');
    expect(terminalText('名称\u009b31m\u0007')).toBe('名称\\x9b31m\\x07');
  });

  it('keeps the carriage returns of a progress line (no line feed), and only those at its ends', () => {
    expect(terminalText('\r正在读取佐证材料 3/48 …')).toBe('\r正在读取佐证材料 3/48 …');
    expect(terminalText('\r' + ' '.repeat(4) + '\r')).toBe('\r    \r');
    expect(terminalText('\r正在读取\r覆盖 …')).toBe('\r正在读取\\x0d覆盖 …');
    expect(terminalText('行\r覆盖\n')).toBe('行\\x0d覆盖\n');
  });
});

describe('terminalJson', () => {
  it('JSON with any strings parses back to the same value and carries no control character (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.integer(), fc.array(hostile, { maxLength: 3 }))), (value) => {
        const text = terminalJson(JSON.stringify(value, null, 2) + '\n');
        expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
        expect(JSON.parse(text)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}

describe('the command, with hostile text in the data', () => {
  const ruleset = readFileSync(new URL('../../../examples/basic/ruleset.json', import.meta.url), 'utf8');

  /** A folder with the example ruleset, a registry naming 雁塔区 `name`, and its JSON evidence template. */
  async function folder(name: string): Promise<string> {
    const cwd = mkdtempSync(join(tmpdir(), 'safecity-terminal-'));
    writeFileSync(join(cwd, 'ruleset.json'), ruleset);
    writeFileSync(join(cwd, 'units.json'), JSON.stringify({ units: [{ id: 'yanta', name, kind: 'district' }] }));
    const t = await cli(['template', '--ruleset', 'ruleset.json', '--units', 'units.json', '--unit', 'yanta', '--out', 'e.json'], cwd);
    expect(t.code, t.err).toBe(0);
    expect(t.out.replace(/[\n\t]/g, '')).not.toMatch(UNSAFE);
    return cwd;
  }

  it('score prints the summary table with the unit’s name, no escape sequence reaching the terminal (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (name) => {
        const cwd = await folder(`雁塔区${name}`);
        const human = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'e.json'], cwd);
        expect(human.code, human.err).toBe(0);
        expect(human.out.replace(/[\n\t]/g, '')).not.toMatch(UNSAFE);
        expect(human.err.replace(/[\n\t]/g, '')).not.toMatch(UNSAFE);
        expect(human.out).toContain('雁塔区');
        const json = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'e.json', '--json'], cwd);
        expect(json.code, json.err).toBe(0);
        expect(json.out.replace(/\n/g, '')).not.toMatch(UNSAFE);
        // the name itself, exactly, to a program reading the JSON
        expect(JSON.parse(json.out).units[0].unit.name).toBe(`雁塔区${name}`);
      }),
      { numRuns: 10 },
    );
  }, 180_000);

  it('an error naming a field from the data names it without its escape sequences (exit 1, no stack)', async () => {
    const cwd = await folder('雁塔区');
    const field = 'x\u001b]0;owned\u0007\u001b[2J\u202e';
    const e = JSON.parse(readFileSync(join(cwd, 'e.json'), 'utf8'));
    const first = Object.keys(e.items)[0]!;
    e.items[first][field] = 1;
    writeFileSync(join(cwd, 'e.json'), JSON.stringify(e));
    const r = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'e.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err.replace(/[\n\t]/g, '')).not.toMatch(UNSAFE);
    expect(r.err).toContain('e.json');
    expect(r.err).toContain('x\\x1b]0;owned\\x07\\x1b[2J\\u202e');
    expect(r.err).not.toMatch(/\n\s+at /);
    const j = await cli(['score', '--ruleset', 'ruleset.json', '--units', 'units.json', '--evidence', 'e.json', '--json'], cwd);
    expect(j.code).toBe(1);
    expect(j.out.replace(/\n/g, '')).not.toMatch(UNSAFE);
    expect(JSON.stringify(JSON.parse(j.out))).toContain(JSON.stringify(field).slice(1, -1));
  });
});
