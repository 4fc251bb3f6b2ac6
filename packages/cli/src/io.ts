import { realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { OutputFs } from './output.js';

/** Where the command writes, and what it reads; injected so tests run it in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (progress lines are shown only then). */
  isTTY: boolean;
  cwd: string;
  /** The file-system calls of the writer (output.ts); tests inject failures here. Default: node:fs. */
  fs?: OutputFs;
}

/**
 * An evidence file's path as recorded in scorecards and feedback (their sources and places):
 * relative to the declared base folder (`--base-dir`, default the working folder), with `/`,
 * never absolute, so an operator's local folders do not reach the units, and the same file
 * named by a relative or an absolute path gives the same bytes. A file outside the base is
 * recorded by its name alone.
 */
export function recordedPath(file: string, cwd: string, baseDir?: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(resolve(cwd, baseDir ?? '.'), abs);
  if (rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return rel.split(sep).join('/');
  return basename(abs);
}

/** Exit codes, as DESIGN.md fixes them. */
export const EXIT = { ok: 0, input: 1, usage: 2 } as const;

/** A problem in the input, with its place (file, JSON pointer, sheet and cell). */
export interface Problem {
  place: string;
  message: string;
}

/**
 * Thrown by commands: input problems (exit 1), all listed with their places. `warnings` are
 * what was noticed in the same input besides (提醒), shown after the problems so that a clerk
 * fixes both in one round.
 */
export class InputProblems extends Error {
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
  constructor(title: string, problems: readonly Problem[], warnings: readonly Problem[] = []) {
    super(title);
    this.name = 'InputProblems';
    this.problems = problems;
    this.warnings = warnings;
  }
}

/** Thrown by commands: the command line itself is wrong (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * What identifies a file on disk: device and inode when it exists (so `./a.xlsx`, `a.xlsx`, a
 * symlink and a hard link to it are one file), else its real or resolved path.
 */
function fileIdentity(file: string, cwd: string): string {
  const path = resolve(cwd, file);
  try {
    const s = statSync(path);
    return `inode:${s.dev}:${s.ino}`;
  } catch {
    try {
      return `path:${realpathSync(path)}`;
    } catch {
      // A file that does not exist is reported by whoever reads it; two equal names are still one.
      return `path:${path}`;
    }
  }
}

/**
 * Files given more than once in one option's list — by the same name, by two names of one file
 * (`./a.xlsx a.xlsx`, a symlink, a hard link), or by a glob that repeats — as problems naming
 * both arguments, in Chinese. Read twice, a file's values would merge with themselves silently,
 * and the file a clerk meant to give instead would be missing without a word: so it is refused.
 */
export function repeatedFiles(option: string, files: readonly string[], cwd: string): Problem[] {
  const seen = new Map<string, { file: string; n: number }>();
  const problems: Problem[] = [];
  for (const [i, file] of files.entries()) {
    const id = fileIdentity(file, cwd);
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, { file, n: i + 1 });
      continue;
    }
    problems.push({
      place: file,
      message:
        first.file === file
          ? `${option} 中同一文件给了两次（第${first.n}个和第${i + 1}个都是“${file}”）：同一文件只能给一次，请删去重复的一个`
          : `${option} 中第${i + 1}个“${file}”与第${first.n}个“${first.file}”是同一个文件：同一文件只能给一次，请删去其一`,
    });
  }
  return problems;
}

/** Options whose values are lists of files, checked for repeats in every command that has them. */
export const FILE_LIST_OPTIONS: Readonly<Record<string, string>> = { evidence: '--evidence', findings: '--findings', base: '--base' };

/**
 * Refuse (exit 1) files given twice in any of a command's file lists: one check, run before
 * every command, so no command reads a file twice.
 */
export function refuseRepeatedFiles(opts: Readonly<Record<string, unknown>>, cwd: string): void {
  const problems: Problem[] = [];
  for (const [key, option] of Object.entries(FILE_LIST_OPTIONS)) {
    const v = opts[key];
    if (Array.isArray(v)) problems.push(...repeatedFiles(option, v.filter((f): f is string => typeof f === 'string'), cwd));
  }
  // `report --before` compares two rounds: the same folder twice would show no change at all.
  const { scores, before } = opts;
  if (typeof scores === 'string' && typeof before === 'string' && fileIdentity(scores, cwd) === fileIdentity(before, cwd)) {
    problems.push({ place: before, message: `--before“${before}”与 --scores“${scores}”是同一个文件夹：整改前后对比需要整改前一轮的评分卡` });
  }
  if (problems.length > 0) throw new InputProblems('同一文件重复给出', problems);
}

/**
 * A `--date` option as the documents want it: `YYYY-MM-DD`, a real day (2023-02-30 is not);
 * `what` says which day it is (the feedback's date, the day of the review).
 */
export function checkDate(date: string | undefined, what = '如 2023-03-31'): void {
  if (date === undefined) return;
  // The engine's isIsoDate, written out: io.ts loads at every start and must not load the engine
  // (test/startup.test.ts); test/dates.test.ts holds the two to the same answer for any text.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const day = new Date(0);
  if (m !== null) day.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (m === null || day.toISOString().slice(0, 10) !== date) throw new UsageError(`--date 应为日期，写作 YYYY-MM-DD（${what}），收到“${date}”`);
}
