/**
 * Turning what a person typed into a cell into a field value — accepting the reasonable ways
 * people write 是/否, numbers, rates and dates, refusing everything else with what was found.
 * @module
 */
import { hasAtMostThreeDecimals, isIsoDate, type EvidenceField, type FieldValue } from '@safecity/engine';

/** A cell's content, independent of the spreadsheet library. */
export type Raw =
  | { kind: 'blank' }
  | { kind: 'text'; text: string }
  /** `percent`: the cell's number format shows it as a percentage (0.9 shows as 90%). */
  | { kind: 'number'; value: number; percent: boolean }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; value: Date }
  | { kind: 'error'; code: string };

/** The outcome of one cell. */
export type Converted =
  | { status: 'blank' }
  | { status: 'ok'; value: FieldValue; warning?: string }
  | { status: 'bad'; expected: string; found: string; hint?: string };

/**
 * The words a 是/否 cell takes, in pairs (yes, no): the one list the reader accepts, the
 * template's data validation offers and the 填报说明 names, so the three always agree.
 * Case and full-width forms do not matter (Ｙ, y).
 */
export const BOOLEAN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['是', '否'],
  ['√', '×'],
  ['Y', 'N'],
  ['YES', 'NO'],
  ['TRUE', 'FALSE'],
  ['1', '0'],
  ['有', '无'],
];
const TRUE_WORDS = new Set(BOOLEAN_PAIRS.map(([y]) => y.toLowerCase()));
const FALSE_WORDS = new Set(BOOLEAN_PAIRS.map(([, n]) => n.toLowerCase()));
/** The spellings of 是/否 the reader accepts besides 是 and 否 (for the guide and README). */
export const BOOLEAN_WORDS = BOOLEAN_PAIRS.slice(1)
  .map(([y, n]) => `${y}/${n}`)
  .join('、');
/** Every accepted word, 是 and 否 first: the list a 是/否 cell's data validation offers. */
export const BOOLEAN_LIST: readonly string[] = [...BOOLEAN_PAIRS.map(([y]) => y).slice(0, 1), ...BOOLEAN_PAIRS.map(([, n]) => n).slice(0, 1), ...BOOLEAN_PAIRS.slice(1).flat()];

/** Whitespace as the reader trims it: JavaScript's `\s` (which holds the ideographic and no-break spaces and the BOM). */
function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * `s` without leading and trailing whitespace, in plain code: the pattern
 * `/^\s+|\s+$/g` it replaces retried the trailing run at every space of a long inner run
 * (quadratic: "1" + 320,000 spaces + "x" took over a minute).
 */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Full-width to half-width (NFKC), whitespace trimmed (including the ideographic space). */
function norm(s: string): string {
  return trimSpace(s.normalize('NFKC'));
}

/** A text as a message quotes it: JSON-quoted, at most 60 characters, a longer one cut with its length. */
export function quoted(s: string, max = 60): string {
  return s.length <= max ? JSON.stringify(s) : `${JSON.stringify(s.slice(0, max))}…（共 ${s.length} 字）`;
}

/** How a raw cell is quoted in a message. */
export function shown(raw: Raw): string {
  switch (raw.kind) {
    case 'blank':
      return '空白';
    case 'text':
      return quoted(raw.text);
    case 'number':
      return raw.percent ? `${numberText(raw.value * 100)}%` : numberText(raw.value);
    case 'boolean':
      return raw.value ? 'TRUE' : 'FALSE';
    case 'date':
      return Number.isNaN(raw.value.getTime()) ? '无效日期' : isoDate(raw.value);
    case 'error':
      return raw.code.length > 40 ? `${raw.code.slice(0, 40)}…` : raw.code;
  }
}

function numberText(n: number): string {
  return String(Number(n.toPrecision(12)));
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A number written as text: digits, optional sign, decimals, thousands separators. */
function parseNumber(s: string): number | undefined {
  let t = s.replace(/[\s]/g, '');
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Strip the field's unit of measure when typed after the number ("12处", "3.5 km"). */
function stripUnit(s: string, unit: string | undefined): string {
  if (unit === undefined || unit === '') return s;
  const u = unit.normalize('NFKC');
  return s.endsWith(u) ? s.slice(0, -u.length).trimEnd() : s;
}

function validDate(y: number, m: number, d: number): string | undefined {
  // Excel's dates start in 1900; the engine decides which days are real.
  if (y < 1900) return undefined;
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isIsoDate(s) ? s : undefined;
}

function range(n: number, f: EvidenceField): boolean {
  return !((f.minimum !== undefined && n < f.minimum) || (f.maximum !== undefined && n > f.maximum));
}

/** 是/否 from a cell. */
export function toBoolean(raw: Raw): boolean | undefined {
  if (raw.kind === 'boolean') return raw.value;
  if (raw.kind === 'number' && !raw.percent && (raw.value === 0 || raw.value === 1)) return raw.value === 1;
  if (raw.kind === 'text') {
    const t = norm(raw.text).toLowerCase();
    if (TRUE_WORDS.has(t)) return true;
    if (FALSE_WORDS.has(t)) return false;
  }
  return undefined;
}

/**
 * Convert one cell to a value of a field. `expected` is worded for the message
 * "…应为 {expected}，实为{found}".
 */
export function convert(field: EvidenceField, raw: Raw, expected: string): Converted {
  if (raw.kind === 'blank') return { status: 'blank' };
  if (raw.kind === 'text' && norm(raw.text) === '') return { status: 'blank' };
  const bad = (hint?: string): Converted => (hint === undefined ? { status: 'bad', expected, found: shown(raw) } : { status: 'bad', expected, found: shown(raw), hint });
  switch (field.type) {
    case 'boolean': {
      const b = toBoolean(raw);
      return b === undefined ? bad() : { status: 'ok', value: b };
    }
    case 'integer':
    case 'number': {
      let n: number | undefined;
      if (raw.kind === 'number') n = raw.percent ? undefined : raw.value;
      else if (raw.kind === 'text') n = parseNumber(stripUnit(norm(raw.text), field.unit));
      if (n === undefined) return bad();
      if (field.type === 'integer') {
        if (!Number.isInteger(n)) return bad();
        if (n < 0 && field.minimum === undefined) return bad();
      }
      return range(n, field) ? { status: 'ok', value: n } : bad();
    }
    case 'rate': {
      let n: number | undefined;
      let warning: string | undefined;
      if (raw.kind === 'number') {
        // A percent-formatted cell holds the fraction (90% is stored as 0.9): the person saw
        // and meant the percentage. Rounded to 1e-9 so 0.853 × 100 is 85.3, not 85.30000000000001.
        n = raw.percent ? Number((raw.value * 100).toFixed(9)) : raw.value;
        if (!raw.percent && n > 0 && n < 1) {
          warning = `比率按 ${numberText(n)}% 读取；如指 ${numberText(n * 100)}%，请填写 ${numberText(n * 100)}`;
        }
      } else if (raw.kind === 'text') {
        let t = norm(raw.text);
        if (t.endsWith('%')) t = trimSpace(t.slice(0, -1));
        n = parseNumber(t);
      }
      if (n === undefined || n < 0 || n > 100 || !range(n, field)) return bad();
      if (!hasAtMostThreeDecimals(n)) return bad('最多三位小数');
      n = Math.round(n * 1000) / 1000;
      return warning === undefined ? { status: 'ok', value: n } : { status: 'ok', value: n, warning };
    }
    case 'date': {
      if (raw.kind === 'date') {
        if (Number.isNaN(raw.value.getTime())) return bad();
        // exceljs reads dates as UTC: the date is the UTC calendar day.
        const iso = isoDate(raw.value);
        return validDate(raw.value.getUTCFullYear(), raw.value.getUTCMonth() + 1, raw.value.getUTCDate()) === undefined ? bad() : { status: 'ok', value: iso };
      }
      if (raw.kind === 'text') {
        const t = norm(raw.text);
        const m = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/.exec(t);
        const iso = m === null ? undefined : validDate(Number(m[1]), Number(m[2]), Number(m[3]));
        return iso === undefined ? bad() : { status: 'ok', value: iso };
      }
      if (raw.kind === 'number') return bad('数字不是日期；请填写 2023-03-15 形式，或将单元格设为日期格式');
      return bad();
    }
    case 'enum': {
      const values = field.values ?? [];
      const t = raw.kind === 'text' ? raw.text : raw.kind === 'number' && !raw.percent ? String(raw.value) : undefined;
      if (t === undefined) return bad();
      const exact = values.find((v) => v === t.trim());
      if (exact !== undefined) return { status: 'ok', value: exact };
      const nt = norm(t);
      const loose = values.find((v) => norm(v) === nt);
      return loose === undefined ? bad() : { status: 'ok', value: loose };
    }
    case 'documents': {
      const t = raw.kind === 'text' ? raw.text : raw.kind === 'number' && !raw.percent ? String(raw.value) : undefined;
      if (t === undefined) return bad();
      if (['无', '没有', '暂无'].includes(norm(t))) return { status: 'ok', value: [] };
      const names = t
        .split(/[；;、\n\r]+/)
        .map(trimSpace)
        .filter((s) => s !== '');
      if (names.length === 0) return { status: 'blank' };
      return { status: 'ok', value: names };
    }
  }
}
