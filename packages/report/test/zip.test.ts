/**
 * deflateStoredZip: the workbooks are written stored by exceljs and deflated in one call per
 * entry; the files inside must be exactly those exceljs wrote.
 */
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { deflateStoredZip } from '../src/util.js';

const deflate = (d: Uint8Array) => deflateRawSync(d);

async function storedZip(files: Record<string, string>, compression: 'STORE' | 'DEFLATE' = 'STORE'): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(files)) zip.file(name, text);
  return zip.generateAsync({ type: 'uint8array', compression });
}

async function contents(bytes: Uint8Array): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  const out: Record<string, string> = {};
  for (const [name, f] of Object.entries(zip.files)) if (!f.dir) out[name] = await f.async('string');
  return out;
}

describe('deflateStoredZip', () => {
  it('keeps every file, its name and order, and deflates it', async () => {
    const files = { '[Content_Types].xml': '<Types>' + 'x'.repeat(2000) + '</Types>', 'xl/worksheets/sheet1.xml': '<sheet>临潼区 问题整改台账</sheet>', 'xl/empty.xml': '' };
    const stored = await storedZip(files);
    const packed = deflateStoredZip(stored, deflate);
    expect(packed.length).toBeLessThan(stored.length);
    expect(await contents(packed)).toEqual(files);
    expect(Object.keys((await JSZip.loadAsync(packed)).files)).toEqual(Object.keys((await JSZip.loadAsync(stored)).files));
  });

  it('round-trips any files (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8}){0,2}\.xml$/), fc.string({ unit: 'grapheme', maxLength: 300 }), { maxKeys: 6 }), async (files) => {
        expect(await contents(deflateStoredZip(await storedZip(files), deflate))).toEqual(files);
      }),
      { numRuns: 40 },
    );
  });

  it('returns a zip it does not recognise as it is', async () => {
    const deflated = await storedZip({ 'a.xml': '<a/>'.repeat(50) }, 'DEFLATE');
    expect(deflateStoredZip(deflated, deflate)).toBe(deflated);
    const garbage = new Uint8Array([1, 2, 3, 4, 5]);
    expect(deflateStoredZip(garbage, deflate)).toBe(garbage);
    const truncated = (await storedZip({ 'a.xml': '<a/>' })).slice(0, 20);
    expect(deflateStoredZip(truncated, deflate)).toBe(truncated);
  });
});
