/**
 * The one writer of every file the CLI writes. Each path is built from a checked unit id or a
 * fixed name inside the output folder, and anything else is refused; each file is written to a
 * temporary name in the same folder (opened `wx`, so never through a symlink planted there) and
 * renamed into place, so a reader sees the old file or the whole new one, never half of it; a
 * failed write removes its temporary file. File-system errors become a plain Chinese message
 * naming the path and what to do (exit 1), never "internal error".
 *
 * A set of files that belong together (the cards of a `score` round, a `feedback` run, the city
 * outputs) gets a manifest, `safecity-manifest.json`, written last: what the command wrote, with
 * each file's bytes and sha256. Readers of a folder of cards read what it lists (see cards.ts);
 * a later run of the same command removes what the previous manifest listed and it did not
 * write again (the command owns what its manifest listed) and never touches anything else.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { unitIdProblem } from '@safecity/engine';
import { InputProblems, type Io, type Problem } from './io.js';

/** The file-system calls the writer makes; tests inject failures through `Io.fs`. */
export interface OutputFs {
  mkdirSync: typeof nodeFs.mkdirSync;
  statSync: typeof nodeFs.statSync;
  lstatSync: typeof nodeFs.lstatSync;
  accessSync: typeof nodeFs.accessSync;
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, data: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  closeSync: typeof nodeFs.closeSync;
  renameSync: typeof nodeFs.renameSync;
  unlinkSync: typeof nodeFs.unlinkSync;
  readFileSync: typeof nodeFs.readFileSync;
}

const realFs: OutputFs = {
  mkdirSync: nodeFs.mkdirSync,
  statSync: nodeFs.statSync,
  lstatSync: nodeFs.lstatSync,
  accessSync: nodeFs.accessSync,
  openSync: nodeFs.openSync,
  writeSync: (fd, data, offset, length) => nodeFs.writeSync(fd, data, offset, length),
  fsyncSync: nodeFs.fsyncSync,
  closeSync: nodeFs.closeSync,
  renameSync: nodeFs.renameSync,
  unlinkSync: nodeFs.unlinkSync,
  readFileSync: nodeFs.readFileSync,
};

/** The manifest's file name, in the folder it describes. */
export const MANIFEST = 'safecity-manifest.json';

/** The manifest's `format`, so that a file of the same name written by something else is told apart. */
export const MANIFEST_FORMAT = 'safecity-manifest/1';

/** One file a manifest lists: its name in the folder, its size and its SHA-256 (hex). */
export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** `safecity-manifest.json`: which command wrote which files of a folder, under which ruleset(s). */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** The command that wrote the files (`score`, `feedback`, `city`). */
  command: string;
  /** The ruleset(s) the files were made under: id, version and hash. */
  rulesets: { id: string; version: string; hash: string }[];
  /** The files, by name, in name order. */
  files: ManifestFile[];
}

/** A file-system failure while writing: exit 1, with the path and what to do; never "internal error". */
export class OutputError extends InputProblems {
  constructor(problems: readonly Problem[]) {
    super('无法写出文件', problems);
    this.name = 'OutputError';
  }
}

/** What to do about a failed file-system call, by its error code, in Chinese. */
export function fsAdvice(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EEXIST':
      return '此处已有同名的文件或文件夹：请将其删除或改名，或换一个输出位置';
    case 'EACCES':
    case 'EPERM':
      return '没有写入权限：请换一个有写入权限的文件夹，或请管理员开放该文件夹的写入权限';
    case 'ENOSPC':
    case 'EDQUOT':
      return '磁盘空间不足（或超出配额）：请腾出空间后重新运行；未留下写了一半的文件';
    case 'EISDIR':
      return '此处已有同名的文件夹：请将该文件夹删除或改名，或换一个输出位置';
    case 'ENOTDIR':
      return '路径中的某一级是文件而不是文件夹：请检查输出位置';
    case 'EROFS':
      return '该位置是只读的：请换一个可写的文件夹';
    case 'ENAMETOOLONG':
      return '路径过长：请换一个较短的输出位置或文件名';
    case 'EMFILE':
    case 'ENFILE':
      return '同时打开的文件过多：请关闭其他程序后重新运行';
    case 'ENOENT':
      return '路径中的文件夹不存在（或在写出时被删除）：请检查输出位置';
    case 'ELOOP':
      return '路径中有循环的符号链接：请检查输出位置';
    default:
      return `无法写入${code !== undefined ? `（${code}）` : ''}：请检查输出位置后重新运行`;
  }
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** Longest file name written, in UTF-8 bytes (most file systems allow 255; the temporary name adds to it). */
const MAX_NAME_BYTES = 200;

/**
 * Why `name` is not a plain file name to write inside a folder, or undefined: no separator,
 * no `.`/`..`, no NUL or control character, not hidden, not too long.
 */
export function fileNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `文件名“${name}”无效`;
  if (/[/\\\u0000-\u001f\u007f:*?"<>|]/.test(name)) return `文件名 ${JSON.stringify(name)} 含路径分隔符或不允许的字符`;
  if (name.startsWith('.')) return `文件名 ${JSON.stringify(name)} 不能以“.”开头`;
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `文件名过长（${Buffer.byteLength(name, 'utf8')}字节，最多${MAX_NAME_BYTES}字节）`;
  return undefined;
}

/** A file to write: its name in the folder and its content. */
export interface OutputFile {
  name: string;
  data: string | Uint8Array;
}

/** What `writeSet` did: the files written (as shown to the user) and the stale ones removed. */
export interface WriteResult {
  written: string[];
  removed: string[];
  /** Files a previous manifest listed that were changed by hand since and so were kept (not removed). */
  kept: string[];
}

/**
 * A folder the command writes into. Nothing is created until `prepare` (or a write): a command
 * checks its whole input first, then prepares every name, then writes.
 */
export class OutputFolder {
  /** The folder, absolute. */
  readonly dir: string;
  /** The folder as the user gave it, for messages. */
  readonly shown: string;
  private readonly fs: OutputFs;

  constructor(io: Io, out: string) {
    this.dir = resolve(io.cwd, out);
    this.shown = out === '' ? '.' : withoutTrailingSeparators(out) || out;
    this.fs = io.fs ?? realFs;
  }

  /** The folder and the file name of an output given as a file (`--out report.html`). */
  static ofFile(io: Io, out: string): { folder: OutputFolder; name: string } {
    const path = resolve(io.cwd, out);
    const name = basename(path);
    const problem = out.endsWith('/') || out.endsWith('\\') ? '应为文件路径，不是文件夹' : fileNameProblem(name);
    if (problem !== undefined) throw new OutputError([{ place: out, message: `--out ${problem}` }]);
    const parent = dirname(out);
    return { folder: new OutputFolder(io, parent === '' ? '.' : parent), name };
  }

  /** A path to show for a file of this folder: as the user typed the folder, then the name. */
  show(name: string): string {
    return this.shown === '.' ? name : `${this.shown}/${name}`;
  }

  /**
   * The file name `<unit id><suffix>` (`lintong.scorecard.json`), refused (OutputError) unless
   * the id fits the unit-id grammar: so no id makes a path outside the folder.
   */
  unitFile(id: unknown, suffix: string, place?: string): string {
    const problem = unitIdProblem(id);
    if (problem !== undefined) throw new OutputError([{ place: place ?? this.shown, message: `${problem}；未写出任何文件` }]);
    return this.checkedName(`${id as string}${suffix}`);
  }

  /** A fixed file name, checked to be plain (no separator, no `..`). */
  checkedName(name: string): string {
    const problem = fileNameProblem(name);
    if (problem !== undefined) throw new OutputError([{ place: this.show(name), message: `${problem}；未写出任何文件` }]);
    // The resolved path stays inside the folder (belt and braces, after the name check).
    const rel = relative(this.dir, resolve(this.dir, name));
    if (rel !== name || isAbsolute(rel) || rel.startsWith('..') || rel.includes(sep)) {
      throw new OutputError([{ place: this.show(name), message: '文件将写到输出文件夹之外；未写出任何文件' }]);
    }
    return name;
  }

  private fail(name: string | undefined, e: unknown, done: readonly string[] = []): never {
    const path = name === undefined ? this.shown : this.show(name);
    const before = done.length > 0 ? `（此前已写完${done.length}个文件：${done.slice(0, 5).join('、')}${done.length > 5 ? '等' : ''}；它们各自完整）` : '';
    throw new OutputError([{ place: path, message: `无法写出：${fsAdvice(e)}${before}` }]);
  }

  /**
   * Create the folder when missing and check, before anything is written: that it is a folder
   * and writable, that no name repeats, and that no name is taken by a folder.
   */
  prepare(names: readonly string[]): void {
    const seen = new Set<string>();
    for (const n of names) {
      this.checkedName(n);
      // Two outputs with one name (ids differing only by case on a case-insensitive disk fold together too).
      const key = n.toLowerCase();
      if (seen.has(key)) throw new OutputError([{ place: this.show(n), message: '同一文件名要写出两次（两个单位的编号相同或仅大小写不同）；未写出任何文件' }]);
      seen.add(key);
    }
    try {
      this.fs.mkdirSync(this.dir, { recursive: true });
      if (!this.fs.statSync(this.dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      this.fs.accessSync(this.dir, nodeFs.constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // mkdir over a file says EEXIST: what the user needs is "that is a file".
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new OutputError([{ place: this.shown, message: '输出位置应为文件夹，但此处（或路径中的某一级）是一个文件：请换一个输出文件夹；未写出任何文件' }]);
      this.fail(undefined, e);
    }
    for (const n of names) {
      let st: nodeFs.Stats | undefined;
      try {
        st = this.fs.lstatSync(join(this.dir, n));
      } catch {
        continue;
      }
      if (st.isDirectory()) throw new OutputError([{ place: this.show(n), message: `无法写出：${fsAdvice({ code: 'EISDIR' })}；未写出任何文件` }]);
    }
  }

  /**
   * Write one file atomically: a temporary name in the same folder, opened `wx` (never an
   * existing file or a symlink), written, flushed, closed, then renamed over the target. On
   * any failure the temporary file is removed and an OutputError names the file.
   */
  write(name: string, data: string | Uint8Array, done: readonly string[] = []): ManifestFile {
    this.checkedName(name);
    const bytes = bytesOf(data);
    const tmp = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    let fd: number | undefined;
    try {
      fd = this.fs.openSync(tmp, 'wx', 0o644);
      for (let off = 0; off < bytes.length; ) off += this.fs.writeSync(fd, bytes, off, bytes.length - off);
      this.fs.fsyncSync(fd);
      const f = fd;
      fd = undefined;
      this.fs.closeSync(f);
      this.fs.renameSync(tmp, join(this.dir, name));
    } catch (e) {
      if (fd !== undefined) {
        try {
          this.fs.closeSync(fd);
        } catch {
          // closing is best effort: the file is removed next
        }
      }
      try {
        this.fs.unlinkSync(tmp);
      } catch {
        // it may not exist (open failed)
      }
      this.fail(name, e, done);
    }
    return { name, bytes: bytes.length, sha256: sha256(bytes) };
  }

  /** Remove a file of this folder (a stale output); false when it could not be. */
  remove(name: string): boolean {
    try {
      this.fs.unlinkSync(join(this.dir, this.checkedName(name)));
      return true;
    } catch {
      return false;
    }
  }

  /** The folder's manifest, or undefined when there is none or it is not one of ours. */
  readManifest(): Manifest | undefined {
    return readManifestAt(this.dir, this.fs);
  }

  /**
   * Write a set of files that belong together, then their manifest (last). Every name is
   * checked and the folder prepared before the first write. When `manifest` is given and the
   * folder's previous manifest is of the same command, the files it listed that this run does
   * not write are removed (unless changed by hand since: then kept, and said), and a previous
   * manifest of another command is refused before anything is written.
   */
  writeSet(files: readonly OutputFile[], manifest?: { command: string; rulesets: Manifest['rulesets'] }): WriteResult {
    const names = files.map((f) => f.name);
    if (manifest !== undefined) names.push(MANIFEST);
    this.prepare(names);
    const previous = manifest === undefined ? undefined : this.readManifest();
    if (manifest !== undefined && previous !== undefined && previous.command !== manifest.command) {
      throw new OutputError([
        {
          place: this.show(MANIFEST),
          message: `该文件夹存放的是 safecity ${previous.command} 写出的文件，不能再写入 safecity ${manifest.command} 的结果：请换一个输出文件夹；未写出任何文件`,
        },
      ]);
    }
    const done: string[] = [];
    const listed: ManifestFile[] = [];
    for (const f of files) {
      listed.push(this.write(f.name, f.data, done));
      done.push(this.show(f.name));
    }
    const result: WriteResult = { written: done, removed: [], kept: [] };
    if (manifest === undefined) return result;
    const body: Manifest = { format: MANIFEST_FORMAT, command: manifest.command, rulesets: manifest.rulesets, files: listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
    this.write(MANIFEST, JSON.stringify(body, null, 2) + '\n', done);
    // Only after the new manifest is in place: a failure before leaves the previous round whole.
    const now = new Set(files.map((f) => f.name));
    for (const old of previous?.files ?? []) {
      if (now.has(old.name) || fileNameProblem(old.name) !== undefined) continue;
      let current: Buffer;
      try {
        current = this.fs.readFileSync(join(this.dir, old.name));
      } catch {
        continue; // already gone
      }
      if (sha256(current) !== old.sha256) result.kept.push(this.show(old.name));
      else if (this.remove(old.name)) result.removed.push(this.show(old.name));
      else result.kept.push(this.show(old.name));
    }
    return result;
  }
}

/** A manifest at `dir`, or undefined when there is none or it is not a safecity manifest. */
export function readManifestAt(dir: string, fs: Pick<OutputFs, 'readFileSync'> = realFs): Manifest | undefined {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, MANIFEST), 'utf8') as string;
  } catch {
    return undefined;
  }
  return parseManifest(text);
}

/** A manifest's text as a Manifest, or undefined when it is not one (malformed, or another format). */
export function parseManifest(text: string): Manifest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const m = data as Partial<Manifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || typeof m.command !== 'string' || !Array.isArray(m.files)) return undefined;
  const files = m.files.filter(
    (f): f is ManifestFile => f !== null && typeof f === 'object' && typeof f.name === 'string' && typeof f.sha256 === 'string' && typeof f.bytes === 'number' && fileNameProblem(f.name) === undefined,
  );
  if (files.length !== m.files.length) return undefined;
  return { format: MANIFEST_FORMAT, command: m.command, rulesets: Array.isArray(m.rulesets) ? m.rulesets : [], files };
}

/** SHA-256 of bytes, hex (as manifests record it). */
export const fileHash = sha256;

/**
 * Write one file the user named (`--out report.html`, `--out yanta.xlsx`) atomically, with
 * siblings (`report.md`) beside it; every name checked and the folder prepared first. Returns
 * the paths as shown.
 */
export function writeFiles(io: Io, out: string, files: readonly { name?: string; data: string | Uint8Array }[]): string[] {
  const { folder, name } = OutputFolder.ofFile(io, out);
  return folder.writeSet(files.map((f) => ({ name: f.name ?? name, data: f.data }))).written;
}

/** A path without its trailing `/` or `\\` (by hand: `/[/\\]+$/` backtracks on a long run of separators inside the text). */
function withoutTrailingSeparators(path: string): string {
  let end = path.length;
  while (end > 0 && (path[end - 1] === '/' || path[end - 1] === '\\')) end--;
  return path.slice(0, end);
}
