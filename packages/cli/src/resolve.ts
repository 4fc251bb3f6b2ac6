/** Rulesets by id (`xian-2022/district`) or path, and units by id from the ruleset's registry. */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createEngine, SafecityError, type CompiledRuleset, type Engine, type Unit } from '@safecity/engine';
import { rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { InputProblems, UsageError, type Io } from './io.js';

/** Rulesets that ship with the command, by id. */
const BUILTIN: Readonly<Record<string, { json: unknown; units: readonly Unit[] }>> = {
  'xian-2022/municipal': { json: xian['xian-2022/municipal'], units: xianUnits },
  'xian-2022/district': { json: xian['xian-2022/district'], units: xianUnits },
};

/** The ids of the rulesets that ship with the command. */
export const builtinRulesets = Object.keys(BUILTIN);

/** A compiled ruleset, where it came from, and the units it knows. */
export interface LoadedRuleset {
  ruleset: CompiledRuleset;
  /** The id or the file path given. */
  name: string;
  units: readonly Unit[];
}

function readJson(file: string, io: Io, what: string): unknown {
  const path = resolvePath(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputProblems(`Cannot read the ${what}`, [{ place: file, message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : String((e as Error).message) }]);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputProblems(`The ${what} is not valid JSON`, [{ place: file, message: (e as Error).message }]);
  }
}

/** Load and compile a ruleset by id or path; problems carry the file or id as their place. */
export function loadRuleset(idOrPath: string, io: Io, options: { units?: string; engine?: Engine } = {}): LoadedRuleset {
  const engine = options.engine ?? createEngine();
  const builtin = BUILTIN[idOrPath];
  const json = builtin ? builtin.json : idOrPath.endsWith('.json') ? readJson(idOrPath, io, 'ruleset') : undefined;
  if (json === undefined) {
    throw new UsageError(`unknown ruleset "${idOrPath}": give one of ${builtinRulesets.join(', ')}, or a path to a ruleset .json file`);
  }
  let ruleset: CompiledRuleset;
  try {
    ruleset = engine.compile(json);
  } catch (e) {
    if (e instanceof SafecityError) {
      throw new InputProblems(`Invalid ruleset ${idOrPath}`, e.issues.map((i) => ({ place: `${idOrPath}#${i.path}`, message: i.message })));
    }
    throw e;
  }
  let units: readonly Unit[] = builtin ? builtin.units : [];
  if (options.units !== undefined) {
    const data = readJson(options.units, io, 'unit registry') as { units?: unknown };
    if (data === null || typeof data !== 'object' || !Array.isArray(data.units)) {
      throw new InputProblems('Invalid unit registry', [{ place: `${options.units}#/units`, message: 'expected { "units": [{ id, name, kind }] }' }]);
    }
    units = data.units as Unit[];
  }
  return { ruleset, name: idOrPath, units: units.filter((u) => ruleset.unitKinds.includes(u.kind)) };
}

/** A unit of the registry by id, or a usage error listing what there is. */
export function findUnit(loaded: LoadedRuleset, id: string): Unit {
  const unit = loaded.units.find((u) => u.id === id);
  if (unit !== undefined) return unit;
  const known = loaded.units.map((u) => `${u.id} (${u.name})`);
  throw new UsageError(
    known.length === 0
      ? `unit "${id}" is unknown: ${loaded.name} has no unit registry; pass --units FILE`
      : `unit "${id}" is not evaluated under ${loaded.name}; its units are: ${known.join(', ')}`,
  );
}
