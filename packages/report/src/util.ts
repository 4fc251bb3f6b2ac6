/**
 * Shared helpers: points arithmetic in thousandths, number formats, escaping for HTML,
 * Markdown and spreadsheet cells, walking a card's tree, checking inputs.
 * @module
 */
import type ExcelJS from 'exceljs';
import { looksLikeFormula, markdownCell, markdownCode, markdownText, parseIsoDate, spreadsheetText, spreadsheetTextBack, stampZipEntries, type Node, type Ruleset, type ScoreCard, type ScoreNode } from '@safecity/engine';

/** Points → integer thousandths (the engine's fixed point), so sums never drift. */
export function milli(points: number): number {
  return Math.round(points * 1000);
}

/** Integer thousandths → points. */
export function points(m: number): number {
  return m / 1000;
}

/**
 * Points as text for people: at most two decimals (documents read by officials never show
 * three), no trailing zeros (`1.5`, `0.25`, `2`, `87.45` for 87.451).
 */
export function fmtPoints(n: number): string {
  return String(hundredths(n) / 100 || 0);
}

/** Points in integer hundredths, half away from zero (so −3.795 shows as −3.8, like 3.795 as 3.8). */
function hundredths(n: number): number {
  const m = milli(n);
  return Math.sign(m) * Math.round(Math.abs(m) / 10);
}

/** A signed change in points, at most two decimals: `+1.5`, `-0.25`, `0`. */
export function fmtSigned(n: number): string {
  const c = hundredths(n);
  return c > 0 ? `+${c / 100}` : String(c / 100 || 0);
}

/**
 * A date as officials write it: `2023-04-15` → `2023年4月15日`. Text that is not a
 * `YYYY-MM-DD` date of a real day (`2023-02-30` is not) is returned as it is.
 */
export function fmtDate(text: string): string {
  const d = parseIsoDate(text);
  return d === undefined ? text : `${text.slice(0, 4)}年${d.month}月${d.day}日`;
}

/** A percentage with one decimal (`86.3%`). */
export function fmtPct(n: number): string {
  return `${(Math.round(n * 10) / 10).toFixed(1)}%`;
}

/** Escape text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text from data for inline Markdown: the engine's {@link markdownText} (one
 * implementation for every Markdown the project writes), under the name the reports have used.
 */
export const escapeMarkdown: (text: string) => string = markdownText;

/** Escape text from data for one GFM table cell: the engine's {@link markdownCell} (lines joined by `<br>`). */
export const escapeMarkdownCell: (text: string) => string = markdownCell;

/**
 * Neutralise spreadsheet formula injection: the engine's {@link spreadsheetText} (text starting
 * with `=`, `+`, `-`, `@`, a tab, a carriage return or an apostrophe gets a leading apostrophe).
 */
export const neutraliseFormula: (text: string) => string = spreadsheetText;

export { markdownText, markdownCell, markdownCode, spreadsheetText, spreadsheetTextBack, stampZipEntries };

/**
 * The time a workbook's properties say it was created and modified: 00:00 UTC of the
 * document's date (`YYYY-MM-DD`), else 1 January 2000 — never the time of writing, so the same
 * input gives the same bytes (with {@link stampZipEntries} for the zip's entries).
 */
export function documentTime(date: string | undefined): Date {
  const p = date === undefined ? undefined : parseIsoDate(date);
  return new Date(p !== undefined ? p.time : Date.UTC(2000, 0, 1));
}

/**
 * The last guard of every workbook the reports write, run just before it is written: any text
 * cell still starting with a formula character (`=`, `+`, `-`, `@`, tab, CR) — text no writer
 * passed through {@link spreadsheetText}, such as ids in a hidden sheet — is quoted the same way.
 * Cells a writer quoted already start with `'` and are left as they are.
 */
export function quoteWorkbookText(wb: ExcelJS.Workbook): void {
  for (const ws of wb.worksheets)
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value;
        if (typeof v === 'string') {
          if (looksLikeFormula(v)) cell.value = spreadsheetText(v);
        } else if (v !== null && typeof v === 'object' && 'richText' in v && Array.isArray(v.richText) && v.richText.length > 0) {
          const first = v.richText[0]!;
          if (looksLikeFormula(first.text)) cell.value = { richText: [{ ...first, text: spreadsheetText(first.text) }, ...v.richText.slice(1)] };
        }
      }),
    );
}

/** Today's date as `YYYY-MM-DD` (local time). */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** One scored item of a card with its place in the tree. */
export interface ItemVisit {
  node: ScoreNode;
  /** Ancestors, top-level first, not including the item. */
  ancestors: ScoreNode[];
  /** Whether the item is in the bonus bucket (加分项). */
  bonus: boolean;
}

/**
 * The id of the card's bonus bucket: from the ruleset when given, else the last top-level
 * node when the others' maxima add up to the card's max and it does not (the format puts
 * the bucket last and leaves it out of `max`), else a top-level node whose title says
 * 加分项.
 */
export function bonusNodeId(card: ScoreCard, ruleset?: Ruleset): string | undefined {
  if (ruleset !== undefined) return ruleset.bonus?.id;
  const titled = card.nodes.find((n) => /加分项|鼓励项/.test(n.title));
  const nodes = card.nodes;
  if (nodes.length < 2) return titled?.id;
  const all = nodes.reduce((s, n) => s + milli(n.max), 0);
  if (all === milli(card.max)) return titled?.id;
  const last = nodes[nodes.length - 1]!;
  return all - milli(last.max) === milli(card.max) ? last.id : titled?.id;
}

/**
 * The ruleset a card was scored under, from a list: the one with the card's id and version,
 * else undefined (a ruleset of another version may have other items).
 */
export function rulesetOf(card: Pick<ScoreCard, 'ruleset'>, rulesets: readonly Ruleset[] | undefined): Ruleset | undefined {
  return rulesets?.find((r) => r.id === card.ruleset.id && r.version === card.ruleset.version);
}

/** A node of a card's tree by id (depth first), with its ancestors. */
export function findNode(nodes: readonly ScoreNode[], id: string, ancestors: ScoreNode[] = []): { node: ScoreNode; ancestors: ScoreNode[] } | undefined {
  for (const n of nodes) {
    if (n.id === id) return { node: n, ancestors };
    const found = findNode(n.children ?? [], id, [...ancestors, n]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every item (leaf node) of a card in tree order. */
export function cardItems(card: ScoreCard, ruleset?: Ruleset): ItemVisit[] {
  const bonusId = bonusNodeId(card, ruleset);
  const out: ItemVisit[] = [];
  const walk = (nodes: readonly ScoreNode[], ancestors: ScoreNode[], bonus: boolean): void => {
    for (const n of nodes) {
      const isBonus = bonus || (ancestors.length === 0 && n.id === bonusId);
      if (n.children !== undefined && n.children.length > 0) walk(n.children, [...ancestors, n], isBonus);
      else out.push({ node: n, ancestors, bonus: isBonus });
    }
  };
  walk(card.nodes, [], false);
  return out;
}

/** Nodes of a ruleset (tree and bonus items) by id. */
export function rulesetNodes(ruleset: Ruleset): Map<string, Node> {
  const map = new Map<string, Node>();
  const walk = (nodes: readonly Node[]): void => {
    for (const n of nodes) {
      map.set(n.id, n);
      if (n.children) walk(n.children as Node[]);
    }
  };
  walk(ruleset.tree as Node[]);
  if (ruleset.bonus) {
    map.set(ruleset.bonus.id, { id: ruleset.bonus.id, title: ruleset.bonus.title, max: ruleset.bonus.cap } as Node);
    walk(ruleset.bonus.items as Node[]);
  }
  return map;
}

/** Sum of a deduction list's points that count (superseded ones are 0 anyway), in thousandths. */
export function deductedMilli(node: ScoreNode): number {
  let s = 0;
  for (const d of node.deductions ?? []) if (d.superseded !== true) s += milli(d.points);
  return s;
}

/**
 * Check that a value looks like a ScoreCard, with a clear message naming where it is
 * (e.g. `cards[3]`) and what is missing; returns it typed.
 */
export function assertCard(value: unknown, where: string): ScoreCard {
  const fail = (what: string): never => {
    throw new TypeError(`${where}: expected a ScoreCard (as \`safecity score\` writes it), but ${what}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  const c = value as Record<string, unknown>;
  const unit = c['unit'] as Record<string, unknown> | undefined;
  if (unit === null || typeof unit !== 'object' || typeof unit['id'] !== 'string' || typeof unit['name'] !== 'string')
    fail('`unit` with string `id` and `name` is missing');
  const rs = c['ruleset'] as Record<string, unknown> | undefined;
  if (rs === null || typeof rs !== 'object' || typeof rs['id'] !== 'string' || typeof rs['version'] !== 'string')
    fail('`ruleset` with string `id` and `version` is missing');
  for (const k of ['max', 'earned', 'bonus', 'total'] as const)
    if (typeof c[k] !== 'number' || !Number.isFinite(c[k])) fail(`\`${k}\` is not a number (found ${JSON.stringify(c[k])})`);
  if (!Array.isArray(c['nodes'])) fail('`nodes` is not an array');
  if (!Array.isArray(c['vetoes'])) fail('`vetoes` is not an array');
  return value as ScoreCard;
}

/** Check a list of cards: each a ScoreCard, no unit twice. */
export function assertCards(value: unknown, name: string): ScoreCard[] {
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an array of ScoreCards, found ${value === null ? 'null' : typeof value}`);
  const seen = new Map<string, number>();
  return value.map((v, i) => {
    const card = assertCard(v, `${name}[${i}]`);
    const prev = seen.get(card.unit.id);
    if (prev !== undefined)
      throw new TypeError(`${name}[${i}]: unit "${card.unit.id}" (${card.unit.name}) already has a card at ${name}[${prev}]; give one card per unit`);
    seen.set(card.unit.id, i);
    return card;
  });
}

/** The score a card is ranked and averaged by: `normalized` where the ruleset normalises, else `total`. */
export function rankScore(card: ScoreCard): number {
  return card.normalized ?? card.total;
}

/**
 * exceljs, loaded by the first workbook written or read, not with the package: the HTML report
 * and the Word documents need none of it. Its self-contained build: the Node entry loads
 * unzipper → bluebird, which runs `new Function` as it loads (no code from strings here, as in
 * `@safecity/evidence-excel/template`).
 */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs/dist/exceljs.bare.min.js')).default;
}

/**
 * Where a zip's end of central directory record starts: the last signature 0x06054b50 (a comment
 * of up to 64 KiB may follow it); -1 when there is none.
 */
export function zipEnd(zip: Uint8Array, view: DataView): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) if (view.getUint32(i, true) === 0x06054b50) return i;
  return -1;
}

/**
 * A zip whose entries are stored (as exceljs writes them with `compression: 'STORE'`), with each
 * entry deflated by zlib in one call: the same files, without JSZip's chunked, timer-driven
 * deflate (most of the cost of writing a small workbook). Entries keep their names, dates, CRCs
 * and order; a zip this does not recognise (an entry already compressed, a data descriptor, zip64)
 * is returned as it is.
 */
export function deflateStoredZip(zip: Uint8Array, deflateRaw: (data: Uint8Array) => Uint8Array): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zipEnd(zip, view);
  if (end < 0) return zip;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50) return zip;
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 24, true);
    const centralLength = 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (method !== 0 || (flags & 0x08) !== 0 || size === 0xffffffff || local + 30 > zip.length || view.getUint32(local, true) !== 0x04034b50) return zip;
    const localHeader = 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = zip.subarray(local + localHeader, local + localHeader + size);
    // a folder (or an empty file) stays stored
    const method8 = size > 0;
    const packed = method8 ? deflateRaw(data) : data;
    const head = zip.slice(local, local + localHeader);
    const hv = new DataView(head.buffer);
    const dir = zip.slice(at, at + centralLength);
    const dv = new DataView(dir.buffer);
    if (method8) {
      // deflate needs version 2.0 to extract (APPNOTE 4.4.3); stored entries said 1.0
      hv.setUint16(4, Math.max(hv.getUint16(4, true), 20), true);
      dv.setUint16(6, Math.max(dv.getUint16(6, true), 20), true);
      hv.setUint16(8, 8, true);
      hv.setUint32(18, packed.length, true);
      dv.setUint16(10, 8, true);
      dv.setUint32(20, packed.length, true);
    }
    dv.setUint32(42, offset, true);
    parts.push(head, packed);
    central.push(dir);
    offset += head.length + packed.length;
    at += centralLength;
  }
  const trailer = zip.slice(end);
  const tv = new DataView(trailer.buffer);
  const centralSize = central.reduce((s, c) => s + c.length, 0);
  tv.setUint32(12, centralSize, true);
  tv.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + trailer.length);
  let p = 0;
  for (const b of [...parts, ...central, trailer]) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

/** A text read from a workbook, as a message quotes it: at most 40 characters, a longer one cut with its length. */
export function clipText(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}…（共 ${s.length} 字）`;
}

/** `s` without the characters of `chars` at either end, in one pass (a pattern like `/^[ ]+|[ ]+$/g` is quadratic on a long inner run). */
export function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s.charAt(a))) a++;
  while (b > a && chars.includes(s.charAt(b - 1))) b--;
  return s.slice(a, b);
}
