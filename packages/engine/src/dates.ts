/**
 * Calendar dates as the rubric's data writes them (`YYYY-MM-DD`: 整改时限, 印发日期, a round's
 * deadlines): one check of a real day, by arithmetic, for every package.
 * @module
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1–12) of a proleptic Gregorian year: February has 29 in leap years. */
function daysIn(year: number, month: number): number {
  if (month !== 2) return DAYS[month - 1] as number;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** A date's parts, as `parseIsoDate` gives them. */
export interface IsoDate {
  /** 0–9999. */
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31, a day the month has. */
  day: number;
  /** Milliseconds since the epoch at 00:00 UTC of the day (what `Date.UTC` gives, for any year). */
  time: number;
}

/**
 * A `YYYY-MM-DD` text that names a real day (proleptic Gregorian calendar, years 0000–9999), as
 * its parts; `undefined` for anything else: `2023-02-30`, `2023-2-3`, `2023-02-03T00:00`, a
 * number, blanks around it.
 */
export function parseIsoDate(text: unknown): IsoDate | undefined {
  if (typeof text !== 'string' || text.length !== 10) return undefined;
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  // Date.UTC reads years 0–99 as 1900–1999: set the year apart.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return { year, month, day, time: d.getTime() };
}

/** Whether the value is a `YYYY-MM-DD` text naming a real day (2024-02-29 is, 2023-02-29 is not). */
export function isIsoDate(text: unknown): text is string {
  return parseIsoDate(text) !== undefined;
}
