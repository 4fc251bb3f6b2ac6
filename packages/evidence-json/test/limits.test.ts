// Issue 14: hostile JSON evidence — nested 200,000 deep, 100,000 unknown item ids, values of
// 200,000 adversarial characters — ends in a JsonEvidenceError naming the place (file#/pointer)
// and the limit, in time linear in the input (vitest's timeout is the bound; no clock asserted).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_LIMITS } from '@safecity/engine';
import { JsonEvidenceError, jsonTemplate, parseJsonEvidence } from '../src/index.js';
import { clone, districtRs, unit } from './helpers.js';

const yanta = unit('yanta');
const template = jsonTemplate(districtRs, yanta) as { items: Record<string, Record<string, unknown>> };

function error(text: string, options: { maxDepth?: number; maxProblems?: number } = {}): JsonEvidenceError {
  try {
    parseJsonEvidence(text, { file: 'yanta.json', ruleset: districtRs, ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(JsonEvidenceError);
    expect(String((e as Error).message)).not.toMatch(/call stack/i);
    return e as JsonEvidenceError;
  }
  throw new Error('expected a JsonEvidenceError');
}

/** The template's text with `inner` as the value of a field. */
function withValue(inner: string): string {
  const t = clone(template);
  (t.items['1.1.1'] as Record<string, unknown>)['leadingGroupDoc'] = '@@';
  return JSON.stringify(t).replace('"@@"', inner);
}

describe('nesting past maxJsonDepth, refused before parsing', () => {
  it.each([DEFAULT_LIMITS.maxJsonDepth + 1, 1_000, 5_000, 200_000])('a value nested %i deep: its pointer and the limit', (n) => {
    for (const [open, close, step] of [['[', ']', '/0'], ['{"k":', '}', '/k']] as const) {
      const e = error(withValue(open.repeat(n) + (open === '[' ? '' : '1') + close.repeat(n)));
      expect(e.issues).toHaveLength(1);
      // The file's root is level 1, items 2, the item 3: the value's own nesting starts at 4.
      expect(e.issues[0]?.path).toBe('yanta.json#/items/1.1.1/leadingGroupDoc' + step.repeat(DEFAULT_LIMITS.maxJsonDepth - 3));
      expect(e.issues[0]?.message).toContain('maxJsonDepth');
    }
  });

  it('text that is not JSON besides: the line and column instead', () => {
    const e = error('{\n"items": ' + '['.repeat(100_000));
    expect(e.issues[0]?.path).toBe('yanta.json');
    expect(e.issues[0]?.message).toMatch(/第 2 行第 \d+ 列/);
    expect(e.issues[0]?.message).toContain('maxJsonDepth');
  });

  it('maxDepth is an option: within it the file reads, past it it does not', () => {
    const text = JSON.stringify(template);
    expect(() => parseJsonEvidence(text, { file: 'yanta.json', ruleset: districtRs, maxDepth: 3 })).not.toThrow();
    expect(error(text, { maxDepth: 2 }).issues[0]?.path).toBe('yanta.json#/items/1.1.1');
  });
});

describe('many problems in one file: every one found in linear time, the message bounded', () => {
  it.each([1_000, 100_000])('%i unknown item ids', (n) => {
    const t = clone(template) as { items: Record<string, unknown> };
    for (let i = 0; i < n; i++) t.items[`x${i}`] = {};
    const e = error(JSON.stringify(t), { maxProblems: 50 });
    expect(e.issues).toHaveLength(n);
    expect(e.issues[0]).toEqual({ path: 'yanta.json#/items/x0', message: expect.stringContaining('没有评分项 "x0"') });
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(1 + 50 + 1);
    expect(lines.at(-1)).toContain(`${(n - 50).toLocaleString('en-US')} more of the same kind`);
  });
});

describe('values of long adversarial text: every check answers (linear patterns)', () => {
  const n = 200_000;
  const fillers = [' ', '\t', '0', '1', '.', '%', '-', ' %', '1 ', '是', '"', '\\\\', '/', '年'];
  const fields = [
    ['1.3.1', 'systemReportingRate'],
    ['1.1.2', 'leadershipMeetings'],
    ['1.1.1', 'leadingGroupDoc'],
  ] as const;

  it('a number written as text: "1", 200,000 blanks, "x" (took 112 s)', () => {
    const t = clone(template);
    (t.items['1.3.1'] as Record<string, unknown>)['systemReportingRate'] = '1' + ' '.repeat(n) + 'x';
    const e = error(JSON.stringify(t));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]?.path).toBe('yanta.json#/items/1.3.1/systemReportingRate');
  });

  it('generated: a prefix, 200,000 of a filler, a suffix, in every kind of field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fillers), fc.constantFrom('', '1', '-1.5', '是'), fc.constantFrom('', 'x', '%', '日'), fc.constantFrom(...fields), (filler, prefix, suffix, [item, field]) => {
        const t = clone(template);
        (t.items[item] as Record<string, unknown>)[field] = prefix + filler.repeat(Math.ceil(n / filler.length)) + suffix;
        const e = error(JSON.stringify(t));
        expect(e.issues.length).toBeGreaterThan(0);
        expect(e.issues[0]?.path.startsWith(`yanta.json#/items/${item}/${field}`)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('a key of 200,000 characters', () => {
    const t = clone(template) as { items: Record<string, unknown> };
    t.items['1 '.repeat(n / 2) + 'x'] = {};
    expect(error(JSON.stringify(t)).issues).toHaveLength(1);
  });
});
