/**
 * Content hashes that make any scorecard reproducible: sorted-key JSON, then SHA-256.
 * SHA-256 comes from `@noble/hashes` (audited, dependency-free, plain JavaScript), not from
 * `node:crypto`, so the engine runs in browsers and edge runtimes as it does in Node.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import stringify from 'safe-stable-stringify';

const stable = stringify.configure({ deterministic: true, circularValue: Error, bigint: false });

// One encoder for the module: it keeps no state between calls.
const utf8 = new TextEncoder();

/** Deterministic JSON (object keys sorted), independent of the input's key order. */
export function stableJson(value: unknown): string {
  return stable(value) ?? 'null';
}

/**
 * Lower-case hex SHA-256 of the text's UTF-8 bytes: what `node:crypto`'s
 * `createHash('sha256').update(text, 'utf8').digest('hex')` gives, lone surrogates included
 * (both encode them as U+FFFD).
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8.encode(text)));
}

/** `sha256:<hex>` of the value's deterministic JSON. */
export function contentHash(value: unknown): string {
  return 'sha256:' + sha256Hex(stableJson(value));
}
