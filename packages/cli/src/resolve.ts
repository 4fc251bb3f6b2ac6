/**
 * Rulesets by id (`xian-2022/district`) or path, and units by id from the ruleset's registry.
 * An id names a ruleset package by convention: `<line>/<name>` is in `@safecity/ruleset-<line>`
 * (its `rulesets` export), found beside the command or in the project it runs in. A ruleset
 * that `extends` an earlier edition finds it the same way, or among the `--base` files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { createEngine, findTooDeep, isPatch, SafecityError, unitIdProblem, type CompiledRuleset, type Engine, type Unit } from '@safecity/engine';
import { cityUnit as xianCity, rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { InputProblems, UsageError, type Io } from './io.js';
import { builtinRulesets } from './builtin.js';

export { builtinRulesets };

interface Known {
  json: unknown;
  units: readonly Unit[];
}

/** Rulesets that ship with the command, by id (their ids, `builtinRulesets`, are in builtin.ts). */
const BUILTIN: Readonly<Record<string, Known>> = {
  'xian-2022/municipal': { json: xian['xian-2022/municipal'], units: xianUnits },
  'xian-2022/district': { json: xian['xian-2022/district'], units: xianUnits },
  // The city's own rubric evaluates the city itself (西安市), from the 48 units' results.
  'xian-2022/city': { json: xian['xian-2022/city'], units: [...xianUnits, xianCity] },
};

/** A ruleset package's exports, as the convention has them. */
interface RulesetPackage {
  rulesets?: Record<string, unknown>;
  units?: readonly Unit[];
}

/** A ruleset by id: built in, or from an installed `@safecity/ruleset-<line>` package. */
function findById(id: string, io: Io): Known | undefined {
  const builtin = BUILTIN[id];
  if (builtin !== undefined) return builtin;
  const line = id.split('/')[0] ?? '';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(line) || !id.includes('/')) return undefined;
  const name = `@safecity/ruleset-${line}`;
  for (const from of [join(io.cwd, 'package.json'), import.meta.url]) {
    let pkg: RulesetPackage;
    try {
      // Its CommonJS build (`main`), whatever export conditions this process runs with.
      const require = createRequire(from);
      const manifest = require.resolve(`${name}/package.json`);
      const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string }).main ?? 'index.js';
      pkg = require(join(dirname(manifest), main)) as RulesetPackage;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') continue;
      throw e;
    }
    const json = pkg.rulesets?.[id];
    if (json !== undefined) return { json, units: pkg.units ?? [] };
  }
  return undefined;
}

/** A compiled ruleset, where it came from, and the units it knows. */
export interface LoadedRuleset {
  ruleset: CompiledRuleset;
  /** The id or the file path given. */
  name: string;
  units: readonly Unit[];
  /** The whole unit registry, units of other rulesets included (e.g. to tell a findings file's units scored elsewhere). */
  registry: readonly Unit[];
}

function readJson(file: string, io: Io, what: string): unknown {
  const path = resolvePath(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputProblems(`无法读取${what}`, [{ place: file, message: code === 'ENOENT' ? '找不到该文件' : code === 'EISDIR' ? '这是一个文件夹，应为文件' : `无法读取：${(e as Error).message}` }]);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputProblems(`${what}不是有效的 JSON`, [{ place: file, message: (e as Error).message }]);
  }
}

/** Options of `loadRuleset`. */
export interface LoadOptions {
  /** A unit registry file (units.json) for a ruleset given as a path. */
  units?: string;
  engine?: Engine;
  /** Files of earlier editions a ruleset may extend (besides those found by id). */
  bases?: readonly string[];
}

/** Load and compile a ruleset by id or path; problems carry the file or id as their place. */
export function loadRuleset(idOrPath: string, io: Io, options: LoadOptions = {}): LoadedRuleset {
  const engine = options.engine ?? createEngine();
  const known = idOrPath.endsWith('.json') ? undefined : findById(idOrPath, io);
  const json = known !== undefined ? known.json : idOrPath.endsWith('.json') ? readJson(idOrPath, io, '评价细则') : undefined;
  if (json === undefined) {
    throw new UsageError(
      `未知的评价细则“${idOrPath}”：请给出 ${builtinRulesets.join('、')} 之一、已安装的 @safecity/ruleset-<名称> 包中的评价细则编号，或评价细则 .json 文件的路径`,
    );
  }
  const bases = (options.bases ?? []).map((b) => readJson(b, io, '所扩展的评价细则（--base）'));
  let ruleset: CompiledRuleset;
  try {
    ruleset = engine.compile(json, { bases, resolve: (ref) => findById(ref.id, io)?.json });
  } catch (e) {
    if (e instanceof SafecityError) {
      throw new InputProblems(`评价细则 ${idOrPath} 有问题`, e.issues.map((i) => ({ place: `${idOrPath}#${i.path}`, message: i.message })));
    }
    throw e;
  }
  // A patch evaluates the units of the edition it extends, unless it brings its own.
  let units: readonly Unit[] = known?.units ?? (isPatch(json) && ruleset.extends !== undefined ? (findById(ruleset.extends.id, io)?.units ?? []) : []);
  if (options.units !== undefined) {
    const data = readJson(options.units, io, '单位名录（--units）') as { units?: unknown };
    // A registry is copied into outputs (recursively): its nesting is bounded first.
    const deep = findTooDeep(data, engine.limits.maxJsonDepth);
    if (deep !== undefined) {
      throw new InputProblems('单位名录的格式不对', [{ place: `${options.units}#${deep.pointer}`, message: `对象和数组层层相套超过 ${engine.limits.maxJsonDepth} 层（上限 maxJsonDepth）；应为 { "units": [{ id, name, kind }] }` }]);
    }
    if (data === null || typeof data !== 'object' || !Array.isArray(data.units)) {
      throw new InputProblems('单位名录的格式不对', [{ place: `${options.units}#/units`, message: '应为 { "units": [{ id, name, kind }] }' }]);
    }
    // Registry ids name output files: each is checked against the grammar, with its place.
    const bad = data.units.flatMap((u: unknown, i) => {
      const id = (u as { id?: unknown } | null)?.id;
      const problem = unitIdProblem(id);
      return problem === undefined ? [] : [{ place: `${options.units}#/units/${i}/id`, message: problem }];
    });
    if (bad.length > 0) throw new InputProblems('单位名录有问题', bad);
    units = data.units as Unit[];
  }
  return { ruleset, name: idOrPath, units: units.filter((u) => ruleset.unitKinds.includes(u.kind)), registry: units };
}

/** A unit of the registry by id, or a usage error listing what there is. */
export function findUnit(loaded: LoadedRuleset, id: string): Unit {
  const unit = loaded.units.find((u) => u.id === id);
  if (unit !== undefined) return unit;
  const known = loaded.units.map((u) => `${u.id}（${u.name}）`);
  throw new UsageError(
    known.length === 0
      ? `未知单位“${id}”：${loaded.name} 没有单位名录，请用 --units FILE 给出`
      : `单位“${id}”不按 ${loaded.name} 评价；按它评价的单位有：${known.join('、')}`,
  );
}
