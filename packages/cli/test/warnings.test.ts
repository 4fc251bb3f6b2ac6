// Warnings shown with errors: when a reader refuses a file, what it also noticed (EvidenceError's
// warnings) is printed after the errors, marked 提醒, and is under `warnings` with --json — so a
// clerk fixes both in one round. The JSON reader is stubbed here to throw such an error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, vi } from 'vitest';
import { EvidenceError } from '@safecity/engine';
import { run } from '../src/index.js';

vi.mock('@safecity/evidence-json', async (importOriginal) => {
  const real = await importOriginal<typeof import('@safecity/evidence-json')>();
  return {
    ...real,
    parseJsonEvidence: (input: Uint8Array, options: { file: string }) => {
      if (!options.file.startsWith('stub')) return real.parseJsonEvidence(input, options as Parameters<typeof real.parseJsonEvidence>[1]);
      throw new EvidenceError(
        [{ path: `${options.file}#/items/3.1.1.1/planFindings`, message: '应为不小于0的整数，实际为 -1' }],
        `佐证材料 ${options.file} 有 1 处问题`,
        [{ path: `${options.file}#/items/3.1.2.4.2/remark`, message: '备注中填了数值（85%），填报值为空：数值请填在填报值中' }],
      );
    },
  };
});

function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTTY: false, cwd };
  return run(argv, io).then((code) => ({ code, out, err }));
}
function folder(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'safecity-warnings-'));
  writeFileSync(join(cwd, 'stub-yanta.json'), '{}');
  return cwd;
}

describe('a reader’s warnings are shown with its errors', () => {
  it('score: the error, then 提醒 with the warning; exit 1', async () => {
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'stub-yanta.json'], folder());
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      [
        '佐证材料有问题（共1个文件）：共1处问题，另有1条提醒',
        '  stub-yanta.json#/items/3.1.1.1/planFindings: 应为不小于0的整数，实际为 -1',
        '  提醒：stub-yanta.json#/items/3.1.2.4.2/remark: 备注中填了数值（85%），填报值为空：数值请填在填报值中',
        '',
      ].join('\n'),
    );
  });
  it('score --json: under warnings, beside the problems', async () => {
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'stub-yanta.json', '--json'], folder());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      ok: false,
      title: '佐证材料有问题（共1个文件）',
      problems: [{ place: 'stub-yanta.json#/items/3.1.1.1/planFindings', message: '应为不小于0的整数，实际为 -1' }],
      warnings: [{ place: 'stub-yanta.json#/items/3.1.2.4.2/remark', message: '备注中填了数值（85%），填报值为空：数值请填在填报值中' }],
    });
  });
  it('sample --evidence (files of several rulesets): the same', async () => {
    const r = await cli(['sample', '--units', 'yanta', '--groups', '1', '--seed', '1', '--evidence', 'stub-yanta.json', '--json'], folder());
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out);
    expect(body.problems).toEqual([{ place: 'stub-yanta.json#/items/3.1.1.1/planFindings', message: '应为不小于0的整数，实际为 -1' }]);
    // Tried under both rubrics: the warnings of the first attempt, as its problems.
    expect(body.warnings).toEqual([{ place: 'stub-yanta.json#/items/3.1.2.4.2/remark', message: expect.stringContaining('备注中填了数值') }]);
  });
  it('no warnings: no 提醒 and an empty list', async () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'plain.json'), '{ "unit": 1 }');
    const r = await cli(['score', '--ruleset', 'xian-2022/district', '--evidence', 'plain.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('提醒');
    expect(r.err).toMatch(/^佐证材料有问题（共1个文件）：共\d+处问题\n/);
  });
});
