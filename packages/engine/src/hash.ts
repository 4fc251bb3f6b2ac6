/** Content hashes that make any scorecard reproducible: sorted-key JSON, then SHA-256. */
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';

const stable = stringify.configure({ deterministic: true, circularValue: Error, bigint: false });

/** Deterministic JSON (object keys sorted), independent of the input's key order. */
export function stableJson(value: unknown): string {
  return stable(value) ?? 'null';
}

/** `sha256:<hex>` of the value's deterministic JSON. */
export function contentHash(value: unknown): string {
  return 'sha256:' + createHash('sha256').update(stableJson(value), 'utf8').digest('hex');
}
