/**
 * What the command prints, made safe for a terminal: text from data (a unit's name, a title, a
 * message quoting a cell) may carry escape sequences — ANSI CSI (colours, clear screen), OSC
 * (window title, hyperlinks), C1 controls, bidi overrides that reorder what is shown — and
 * none of them may reach the terminal. One function per output mode, applied once, where the
 * command's output leaves it (`run`'s Io).
 * @module
 */
import type { Io } from './io.js';

/**
 * C0 controls but tab and line feed, DEL, C1 controls, the bidi embeddings, overrides and
 * isolates (U+202A–202E, U+2066–2069), the bidi marks (U+200E, U+200F, U+061C) and the line and
 * paragraph separators (U+2028, U+2029). One character class: linear in the text.
 */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A character as a visible escape: `\x1b` below U+0100, `\u202e` above. */
function visible(c: string): string {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/**
 * Text for a terminal: every control character (ESC, CSI, OSC, BEL, backspace, CR, …), DEL, C1
 * control, bidi override or isolate is shown as a visible escape (`\x1b`, `\u202e`), so text
 * from data cannot clear the screen, set the window title, move the cursor or reorder a line.
 * Line feeds and tabs are kept. A carriage return is kept only at the start or end of a text
 * with no line feed: the progress line the command rewrites in place (`\r正在读取 3/48 …`).
 */
export function terminalText(text: string): string {
  if (!text.includes('\n')) {
    const lead = /^\r*/.exec(text)![0];
    const body = text.slice(lead.length);
    const trail = /\r*$/.exec(body)![0];
    const mid = body.slice(0, body.length - trail.length);
    return lead + mid.replace(UNSAFE, visible) + trail;
  }
  return text.replace(UNSAFE, visible);
}

/**
 * JSON text for a terminal: the characters `JSON.stringify` leaves as they are that a terminal
 * acts on (DEL, C1 controls, bidi overrides and isolates, and any C0 control a writer let
 * through) are written as `\u` escapes. They can occur only inside strings, where `\uXXXX` is
 * the same character to any JSON reader: the value parses back unchanged.
 */
export function terminalJson(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * The Io a command writes through, with every write made safe for a terminal: human text by
 * {@link terminalText}; with `--json`, stdout (the JSON document) by {@link terminalJson} and
 * stderr (human text) by {@link terminalText}.
 */
export function terminalIo(io: Io, json: boolean): Io {
  return {
    ...io,
    stdout: (t) => io.stdout(json ? terminalJson(t) : terminalText(t)),
    stderr: (t) => io.stderr(terminalText(t)),
  };
}
