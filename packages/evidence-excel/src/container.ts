/**
 * Checks on the raw bytes of an uploaded workbook, and its one inflation: the file size, what
 * kind of file it is (zip, OLE2, PDF, text…), the zip's central directory and declared sizes,
 * and a capped inflation of every entry, so that a zip bomb whose headers lie is refused after
 * inflating at most the cap. The entries inflated here are the ones the reader parses: nothing
 * is inflated twice.
 * @module
 */
import { Inflate, inflateSync } from 'fflate';
import { DEFAULT_LIMITS } from '@safecity/engine';
import { DEFAULT_XLSX_LIMITS } from './xlsx.js';

/**
 * Limits for one workbook, each checked before the work it bounds: the bytes before the zip is
 * opened, the rest while the sheets' XML is streamed (before the rows and cells it counts are
 * built). A workbook over one is refused with the limit and the sheet it was reached in.
 */
export interface WorkbookLimits {
  /** Largest accepted file, in bytes (default 20 MB). */
  maxFileBytes?: number;
  /** Largest accepted total of all zip entries once decompressed, in bytes (default 200 MB). */
  maxUncompressedBytes?: number;
  /** Rows with content in one worksheet (default 100,000; a template has a few hundred). */
  maxRows?: number;
  /** Cells read in the workbook: with content, formatted, covered by a merged range, merged ranges and hyperlinks (default 1,000,000). */
  maxCells?: number;
  /** Characters of one text: a shared string, an inline string, a formula (default 32,767, Excel's own limit for a cell). */
  maxStringLength?: number;
  /** Characters of decoded text: the shared strings table plus the text each cell holds or refers to, counted once per cell (default 20,000,000). */
  maxTextLength?: number;
  /** Strings in the shared strings table (default 1,000,000). */
  maxSharedStrings?: number;
  /** Sheets the workbook declares (default 256; a template has 6). */
  maxSheets?: number;
  /** Problems (and, apart, warnings) listed for one workbook before the rest are counted (default 100, the engine's `maxProblems`). */
  maxProblems?: number;
}

/** Default largest accepted workbook file: 20 MB. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Default largest accepted total size of a workbook's zip entries once decompressed: 200 MB. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;

/** Every workbook limit's default. */
export const DEFAULT_WORKBOOK_LIMITS: Readonly<Required<WorkbookLimits>> = Object.freeze({
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  maxUncompressedBytes: DEFAULT_MAX_UNCOMPRESSED_BYTES,
  ...DEFAULT_XLSX_LIMITS,
  maxProblems: DEFAULT_LIMITS.maxProblems,
});

/**
 * The defaults with the caller's overrides. Each must be a positive whole number: a limit of 0,
 * NaN or Infinity would switch its protection off without a word.
 * @throws TypeError naming the limit, for an unknown one or a value that is not a positive whole number.
 */
export function resolveWorkbookLimits(limits: WorkbookLimits | undefined): Required<WorkbookLimits> {
  const out: Required<WorkbookLimits> = { ...DEFAULT_WORKBOOK_LIMITS };
  if (limits === undefined) return out;
  for (const [key, value] of Object.entries(limits)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_WORKBOOK_LIMITS, key)) {
      throw new TypeError(`WorkbookLimits: unknown limit "${key}" (known: ${Object.keys(DEFAULT_WORKBOOK_LIMITS).join(', ')})`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`WorkbookLimits: limit "${key}" must be a positive whole number, got ${String(value)}`);
    out[key as keyof WorkbookLimits] = value;
  }
  return out;
}
/** More entries than any workbook of ours needs; more is refused before reading them. */
const MAX_ENTRIES = 10_000;
/** Compressed bytes pushed to the inflater at once: deflate expands at most ~1032×, so ≤ ~4 MB of output per push. */
const INFLATE_CHUNK = 4096;

/** Why the bytes are not a readable .xlsx, as one plain Chinese sentence. */
export class ContainerProblem {
  constructor(
    readonly kind:
      | 'empty'
      | 'too-large'
      | 'not-zip'
      | 'truncated'
      | 'corrupt'
      | 'encrypted'
      | 'legacy-xls'
      | 'macro'
      | 'not-workbook'
      | 'zip-bomb',
    readonly message: string,
  ) {}
}

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  if (b.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
  return true;
}

function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) out[i * 2] = s.charCodeAt(i);
  return out;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}

function mb(n: number): string {
  const v = n / (1024 * 1024);
  return v >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
}

/** What a file that is not a zip looks like, for the message. */
function describeNonZip(b: Uint8Array): string {
  const head = String.fromCharCode(...b.subarray(0, 8));
  if (head.startsWith('%PDF')) return '这是 PDF 文件，不是 Excel 工作簿（.xlsx）';
  if (head.startsWith('Rar!') || startsWith(b, [0x37, 0x7a, 0xbc, 0xaf])) return '这是 RAR/7z 压缩包，不是 Excel 工作簿（.xlsx）；请直接提交 .xlsx 文件';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47]) || startsWith(b, [0xff, 0xd8, 0xff])) return '这是图片文件，不是 Excel 工作簿（.xlsx）';
  let text = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c === 9 || c === 10 || c === 13 || c >= 32) text++;
  }
  if (n > 0 && text / n > 0.97) {
    const start = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 256)).replace(/^\ufeff/, '').trimStart();
    if (start.startsWith('<')) return '这是网页或 XML 文本文件（可能是“XML 电子表格”或改了扩展名的 .htm），不是 Excel 工作簿（.xlsx）；请在 Excel 或 WPS 中另存为 .xlsx';
    return '这是文本文件（如 CSV 或 TXT），不是 Excel 工作簿（.xlsx）；请使用下发的模板填报并保存为 .xlsx';
  }
  return '不是 Excel 工作簿（.xlsx）：文件不是 ZIP 格式（可能是改了扩展名的其他文件）';
}

interface Entry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const TRUNCATED = 'ZIP 文件不完整（可能在下载、复制或上传时被截断），无法读取；请重新保存并提交完整的 .xlsx 文件';
const ENCRYPTED = '工作簿设置了打开密码（已加密），无法读取；请在 Excel 或 WPS 中清除打开密码后另存为 .xlsx 再提交';

/** Largest output of deflate per compressed byte (its maximum ratio is about 1032:1), with slack. */
const MAX_RATIO = 1032;

/**
 * Check the bytes of one workbook and inflate its entries once. Returns the entries (name →
 * bytes) when they are a plausible, unencrypted, macro-free .xlsx within the limits; else the
 * problem. Never inflates more than the cap.
 */
export function openContainer(bytes: Uint8Array, limits: Pick<Required<WorkbookLimits>, 'maxFileBytes' | 'maxUncompressedBytes'>): ContainerProblem | Map<string, Uint8Array> {
  if (bytes.length === 0) return new ContainerProblem('empty', '文件是空的（0 字节）');
  if (bytes.length > limits.maxFileBytes) {
    return new ContainerProblem('too-large', `文件大小 ${mb(bytes.length)} MB（${bytes.length} 字节）超过上限 ${mb(limits.maxFileBytes)} MB（${limits.maxFileBytes} 字节）`);
  }
  if (startsWith(bytes, OLE2)) {
    // An OLE2 (Compound File) container: an encrypted OOXML workbook keeps its EncryptionInfo
    // stream here; without it, it is a legacy Excel 97-2003 workbook.
    if (indexOf(bytes, utf16le('EncryptionInfo')) >= 0 || indexOf(bytes, utf16le('EncryptedPackage')) >= 0) {
      return new ContainerProblem('encrypted', ENCRYPTED);
    }
    return new ContainerProblem('legacy-xls', '这是旧版 Excel 97-2003 工作簿（.xls），不支持；请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再提交');
  }
  const isZip = startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]);
  if (!isZip) return new ContainerProblem('not-zip', describeNonZip(bytes));

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number) => Number(view.getBigUint64(o, true));

  // End of central directory: the last 22 bytes plus at most a 64 KB comment.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (u32(i) === 0x06054b50 && i + 22 + u16(i + 20) <= bytes.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return new ContainerProblem('truncated', TRUNCATED);
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator sits right before the classic record.
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) return new ContainerProblem('corrupt', 'ZIP 文件已损坏（ZIP64 目录缺失），无法读取');
    const rec = u64(loc + 8);
    if (rec + 56 > bytes.length || u32(rec) !== 0x06064b50) return new ContainerProblem('truncated', TRUNCATED);
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdOffset = u64(rec + 48);
  }
  if (cdOffset + cdSize > bytes.length) return new ContainerProblem('truncated', TRUNCATED);
  if (count > MAX_ENTRIES) return new ContainerProblem('zip-bomb', `ZIP 文件包含 ${count} 个条目，超过上限 ${MAX_ENTRIES}，拒绝读取`);

  const entries: Entry[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let p = cdOffset;
  let declared = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || u32(p) !== 0x02014b50) return new ContainerProblem('corrupt', 'ZIP 文件已损坏（中央目录无法读取），无法读取；请重新保存为 .xlsx');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let localOffset = u32(p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > bytes.length) return new ContainerProblem('truncated', TRUNCATED);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field: the 0xffffffff sizes and offset, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff && q + 8 <= e + 4 + len) (size = u64(q)), (q += 8);
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) (compressedSize = u64(q)), (q += 8);
        if (localOffset === 0xffffffff && q + 8 <= e + 4 + len) localOffset = u64(q);
      }
      e += 4 + len;
    }
    if (flags & 0x1) return new ContainerProblem('encrypted', ENCRYPTED);
    declared += size;
    entries.push({ name, flags, method, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (declared > limits.maxUncompressedBytes) {
    return new ContainerProblem(
      'zip-bomb',
      `解压后大小 ${mb(declared)} MB 超过上限 ${mb(limits.maxUncompressedBytes)} MB（可能是“压缩炸弹”），拒绝读取`,
    );
  }
  const names = new Set(entries.map((e) => e.name));
  if (names.has('xl/vbaProject.bin')) {
    return new ContainerProblem('macro', '这是启用宏的工作簿（.xlsm，含 VBA 宏），出于安全原因不予读取；请在 Excel 或 WPS 中另存为不含宏的 Excel 工作簿（.xlsx）后再提交');
  }
  if (!names.has('xl/workbook.xml')) {
    if (names.has('word/document.xml')) return new ContainerProblem('not-workbook', '这是 Word 文档（.docx），不是 Excel 工作簿（.xlsx）');
    if (names.has('ppt/presentation.xml')) return new ContainerProblem('not-workbook', '这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿（.xlsx）');
    if (names.has('mimetype') && names.has('content.xml')) return new ContainerProblem('not-workbook', '这是 OpenDocument 文件（如 .ods），不是 Excel 工作簿；请另存为 .xlsx');
    if (names.has('xl/workbook.bin')) return new ContainerProblem('not-workbook', '这是 Excel 二进制工作簿（.xlsb），不支持；请另存为 .xlsx');
    return new ContainerProblem('not-workbook', '这是 ZIP 压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）；请提交下发模板填写后的 .xlsx 文件');
  }

  // Inflate every entry under one running cap: the declared sizes may lie.
  let total = 0;
  let contentTypes = '';
  const out = new Map<string, Uint8Array>();
  for (const e of entries) {
    const o = e.localOffset;
    if (o + 30 > bytes.length) return new ContainerProblem('truncated', TRUNCATED);
    if (u32(o) !== 0x04034b50) return new ContainerProblem('corrupt', `ZIP 文件已损坏（条目 ${e.name} 的文件头无效），无法读取`);
    const start = o + 30 + u16(o + 26) + u16(o + 28);
    const end = start + e.compressedSize;
    if (end > bytes.length) return new ContainerProblem('truncated', TRUNCATED);
    if (e.method === 8 && e.compressedSize * MAX_RATIO <= limits.maxUncompressedBytes - total) {
      // Fast path, in one piece: even a lying entry cannot inflate past the cap here. Anything
      // unexpected (more or less than declared, a corrupt stream) is redone below, in pieces,
      // so that its error is the one the careful path gives.
      const fast = inflateWhole(bytes.subarray(start, end), Math.min(e.size, e.compressedSize * MAX_RATIO + 1024));
      if (fast !== undefined && fast.length === e.size) {
        total += fast.length;
        out.set(e.name, fast);
        if (e.name === '[Content_Types].xml') contentTypes = decoder.decode(fast.subarray(0, 1024 * 1024));
        continue;
      }
    }
    const kept: Uint8Array[] = [];
    let produced = 0;
    const over = () =>
      new ContainerProblem(
        'zip-bomb',
        `解压后超过上限 ${mb(limits.maxUncompressedBytes)} MB（条目 ${e.name} 的实际大小与文件头声明的不符，可能是“压缩炸弹”），拒绝读取`,
      );
    const lying = () =>
      new ContainerProblem(
        'zip-bomb',
        `条目 ${e.name} 解压后超过文件头声明的 ${e.size} 字节（文件头不实，可能是“压缩炸弹”），拒绝读取`,
      );
    if (e.method === 0) {
      produced = e.compressedSize;
      total += produced;
      if (total > limits.maxUncompressedBytes) return over();
      kept.push(bytes.subarray(start, end));
    } else if (e.method === 8) {
      let problem: ContainerProblem | undefined;
      const inflater = new Inflate((chunk) => {
        produced += chunk.length;
        total += chunk.length;
        // The declared sizes were checked against the cap, so an entry outgrowing its own
        // declaration is caught first; the running total is the last line of defence.
        if (produced > e.size) problem = lying();
        else if (total > limits.maxUncompressedBytes) problem = over();
        if (problem !== undefined) throw problem;
        kept.push(chunk.slice());
      });
      try {
        if (start === end) inflater.push(new Uint8Array(0), true);
        for (let i = start; i < end; i += INFLATE_CHUNK) {
          const j = Math.min(end, i + INFLATE_CHUNK);
          inflater.push(bytes.subarray(i, j), j === end);
        }
      } catch (err) {
        if (problem !== undefined) return problem;
        return new ContainerProblem('corrupt', `ZIP 文件已损坏（条目 ${e.name} 无法解压：${err instanceof Error ? err.message : String(err)}），无法读取`);
      }
    } else {
      return new ContainerProblem('corrupt', `ZIP 条目 ${e.name} 使用了不支持的压缩方式（${e.method}），无法读取；请用 Excel 或 WPS 重新保存为 .xlsx`);
    }
    if (produced !== e.size) {
      return produced > e.size
        ? lying()
        : new ContainerProblem('corrupt', `ZIP 文件已损坏（条目 ${e.name} 解压后为 ${produced} 字节，文件头记录为 ${e.size} 字节），无法读取`);
    }
    const whole = concat(kept);
    out.set(e.name, whole);
    if (e.name === '[Content_Types].xml') contentTypes = decoder.decode(whole.subarray(0, 1024 * 1024));
  }
  if (/application\/vnd\.ms-excel\.(sheet|template)\.macroEnabled/i.test(contentTypes) || /vbaProject/i.test(contentTypes)) {
    return new ContainerProblem('macro', '这是启用宏的工作簿（.xlsm），出于安全原因不予读取；请在 Excel 或 WPS 中另存为不含宏的 Excel 工作簿（.xlsx）后再提交');
  }
  return out;
}

/**
 * Inflate a whole deflate stream into a buffer one byte larger than `size`: the bytes when the
 * stream fits, else undefined (too large: the output filled the buffer, or fflate refused).
 */
function inflateWhole(data: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const got = inflateSync(data, { out: new Uint8Array(size + 1) });
    return got.length > size ? undefined : got;
  } catch {
    return undefined;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}
