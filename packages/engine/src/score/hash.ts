/**
 * The evidence hash of a card: what the unit's evidence and findings were, as a content hash,
 * written without sorting the values' keys per unit when they are plain data.
 * @module
 */
import type { CompiledModel } from '../compile.js';
import type { Finding, UnitEvidence } from '../model.js';
import { contentHash, sha256Hex, stableJson } from '../hash.js';

const isEnumerable = Object.prototype.propertyIsEnumerable;

// Characters JSON escapes (and lone surrogates, which it writes as \u escapes).
// eslint-disable-next-line no-control-regex
const ESCAPED = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;

/** A string as JSON, the same as `JSON.stringify(s)`, without its cost for plain text. */
function quote(s: string): string {
  return s.length < 5000 && !ESCAPED.test(s) ? `"${s}"` : JSON.stringify(s);
}

/**
 * Sorted-key JSON of plain data — strings, numbers, booleans, null, arrays and plain objects,
 * nothing `undefined`, no `toJSON`, not deeper than 64 — exactly as `stableJson` writes it; or
 * `null` for anything else (the caller then takes `stableJson`'s general path). Exported for its
 * property test against safe-stable-stringify (not part of the package's API).
 */
export function plainJson(value: unknown, depth: number): string | null {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return 'null';
  if (depth > 64) return null;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      const x = plainJson(value[i], depth + 1);
      if (x === null) return null;
      s += i === 0 ? x : ',' + x;
    }
    return s + ']';
  }
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
  // Default sort: UTF-16 code unit order, the order `stableJson` sorts keys in.
  const keys = Object.keys(value).sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const x = plainJson((value as Record<string, unknown>)[k], depth + 1);
    if (x === null) return null;
    s += (i === 0 ? '' : ',') + quote(k) + ':' + x;
  }
  return s + '}';
}

/**
 * The evidence hash: SHA-256 of the sorted-key JSON of `{ evidence: { unit, values, sources },
 * findings }` (findings as their sorted JSON texts). Values are written in the ruleset's sorted
 * field order (every key of them is a declared field, checked before), which spares sorting
 * their keys per unit; anything but plain data takes the general path.
 */
export function evidenceHash(model: CompiledModel, evidence: UnitEvidence, given: readonly Finding[]): string {
  const findings = given.map((f) => stableJson(f)).sort();
  const sources = evidence.sources ?? {};
  // The register and claims change the card's words, so they are hashed too (only when given:
  // evidence without them keeps its hash).
  if (evidence.register !== undefined || evidence.claims !== undefined) {
    const ev: Record<string, unknown> = { unit: evidence.unit, values: evidence.values, sources };
    if (evidence.register !== undefined) ev['register'] = evidence.register;
    if (evidence.claims !== undefined) ev['claims'] = evidence.claims;
    return contentHash({ evidence: ev, findings });
  }
  const general = () => contentHash({ evidence: { unit: evidence.unit, values: evidence.values, sources }, findings });
  const values = evidence.values as Record<string, unknown>;
  const proto: unknown = Object.getPrototypeOf(values);
  if ((proto !== Object.prototype && proto !== null) || typeof values['toJSON'] === 'function') return general();
  let v = '{';
  const fields = model.sortedFields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as { name: string; key: string };
    if (!isEnumerable.call(values, f.name)) continue;
    const x = plainJson(values[f.name], 3);
    if (x === null) return general();
    v += (v.length === 1 ? '' : ',') + f.key + x;
  }
  v += '}';
  const s = plainJson(sources, 2);
  const u = plainJson(evidence.unit, 2);
  const fs = plainJson(findings, 1);
  if (s === null || u === null || fs === null) return general();
  const json = `{"evidence":{"sources":${s},"unit":${u},"values":${v}},"findings":${fs}}`;
  return 'sha256:' + sha256Hex(json);
}
