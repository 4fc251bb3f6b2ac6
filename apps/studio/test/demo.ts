import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Finding, UnitEvidence } from '@safecity/engine';

/** The demo city's evidence as the studio loads it (src/generated/demo-city.json, written by its build). */
export function demoEvidence(): { units: UnitEvidence[]; findings: Record<string, Finding[]> } {
  const path = fileURLToPath(new URL('../src/generated/demo-city.json', import.meta.url));
  const demo = JSON.parse(readFileSync(path, 'utf8')) as { units: Record<string, UnitEvidence[]>; findings: Record<string, Finding[]> };
  return { units: [...(demo.units['district'] ?? []), ...(demo.units['municipal'] ?? [])], findings: demo.findings };
}
