// Writes src/validators/precompiled.js: ajv's standalone code for the engine's own schemas
// (ruleset, ruleset patch, findings, and every built-in method's params), so that the engine
// generates no code at run time (a page under `Content-Security-Policy: script-src 'self'`
// forbids `new Function`). Same ajv options as the engine used at run time, so the issues and
// their messages are the same.
//
// The schemas are read from src (bundled in memory with esbuild), so this runs before tsup.
// `test/validators.test.ts` fails if the committed file drifts from what this writes.
//   node scripts/write-validators.mjs          write the file (only when it changed)
//   node scripts/write-validators.mjs --check  exit 1 when the committed file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default ?? addFormatsModule;
const src = new URL('../src/', import.meta.url);
export const OUT = new URL('validators/precompiled.js', src);

/** The engine's schemas, straight from src (TypeBox objects are plain JSON Schema). */
async function schemas() {
  const entry = `
    export { RulesetSchema, RulesetPatchSchema, FindingsSchema } from './model.ts';
    import { builtinMethods } from './methods/builtins.ts';
    export const methodParams = Object.entries(builtinMethods.methods).map(([name, m]) => [name, m.params]);
  `;
  const out = await build({
    stdin: { contents: entry, resolveDir: fileURLToPath(src), loader: 'ts', sourcefile: 'validator-schemas.ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].text;
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
}

// ajv's standalone code `require`s its run-time helpers even with `esm: true`. Each is a small
// pure function: the module carries its own ESM copy, so the engine needs no CommonJS interop
// and ajv is needed at build time only. An unknown helper stops the build (add its copy here).
const HELPERS = {
  'require("ajv/dist/runtime/ucs2length").default': {
    name: 'ucs2length',
    // Length in Unicode code points (a surrogate pair counts once), as JSON Schema counts.
    code: `function ucs2length(str) {
  const len = str.length;
  let length = 0;
  let pos = 0;
  let value;
  while (pos < len) {
    length++;
    value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      value = str.charCodeAt(pos);
      if ((value & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}`,
  },
};

/**
 * Size cuts on ajv's text (a third of it), none changing what a validator returns or what
 * `ajvIssues` makes of its errors (test/validators.test.ts compares both with run-time ajv):
 * - `verbose` adds `schema`, `parentSchema` and `data` to every error: only an `anyOf` error's
 *   `schema` (its branches) is read, the rest is dropped;
 * - `message` is dropped: it is a function of the keyword and params (`ajvMessage`);
 * - `schemaPath` is read only to group an `anyOf`'s errors: kept where it has an `/anyOf`;
 * - each of the ~1,800 error sites repeats the same five-line append: it becomes one call.
 * A pattern that stops matching (another ajv) fails the build rather than ship ajv's text.
 */
function slim(code) {
  let sites = 0;
  code = code.replace(
    /\{instancePath(:.*?)?,schemaPath:("[^"]*"),keyword:"([A-Za-z$]+)",params:(.*?),message:.*?,schema:(.*?),parentSchema:.*?,data(?::[\w$]+)?\}/g,
    (_, instancePath = '', schemaPath, keyword, params, schema) => {
      sites++;
      const path = schemaPath.includes('/anyOf') ? `,schemaPath:${schemaPath}` : '';
      return `{instancePath${instancePath}${path},keyword:"${keyword}",params:${params}${keyword === 'anyOf' ? `,schema:${schema}` : ''}}`;
    },
  );
  let appends = 0;
  code = code.replace(
    /const (err\d+) = (\{.*\});\nif\(vErrors === null\)\{\nvErrors = \[\1\];\n\}\nelse \{\nvErrors\.push\(\1\);\n\}\n/g,
    (_, name, object) => {
      appends++;
      return `vErrors = appendError(vErrors, ${object});\n`;
    },
  );
  const errors = (code.match(/\bkeyword:"/g) ?? []).length;
  if (sites === 0 || sites !== errors || appends !== sites || /parentSchema|message:/.test(code)) {
    throw new Error(`write-validators: ajv's code is not shaped as expected (${sites} error sites slimmed, ${appends} appends, ${errors} errors); update slim()`);
  }
  return code;
}

const APPEND = `function appendError(list, error) {
  if (list === null) return [error];
  list.push(error);
  return list;
}`;

/** The module's text. */
export async function generateValidators() {
  const { RulesetSchema, RulesetPatchSchema, FindingsSchema, methodParams } = await schemas();
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code: { source: true, esm: true, lines: true } });
  addFormats(ajv);
  const exportsByName = { validateRuleset: 'ruleset', validatePatch: 'patch', validateFindings: 'findings' };
  ajv.addSchema(RulesetSchema, 'ruleset');
  ajv.addSchema(RulesetPatchSchema, 'patch');
  ajv.addSchema(FindingsSchema, 'findings');
  const methodExports = [];
  methodParams.forEach(([name, params], i) => {
    const key = `method${i}`;
    ajv.addSchema(params, key);
    exportsByName[`validateMethod${i}`] = key;
    methodExports.push([name, `validateMethod${i}`]);
  });
  let code = slim(standaloneCode(ajv, exportsByName));
  const used = [];
  code = code.replace(/require\("[^"]+"\)(\.[A-Za-z_$][\w$]*)*/g, (expr) => {
    const helper = HELPERS[expr];
    if (helper === undefined) throw new Error(`write-validators: ajv's standalone code needs ${expr}; add an ESM copy of it to HELPERS`);
    if (!used.includes(helper)) used.push(helper);
    return helper.name;
  });
  if (/\brequire\(|\bnew Function\b|\beval\(/.test(code)) throw new Error('write-validators: generated code must not require, eval or construct functions');
  const header = [
    '// Generated by scripts/write-validators.mjs from src/model.ts and src/methods/builtins.ts: do not edit.',
    "// ajv's standalone validators (allErrors, strict: false, verbose), compiled at build time so the",
    '// engine generates no code at run time. test/validators.test.ts fails when this file drifts.',
    '/* eslint-disable */',
  ].join('\n');
  const methods = `/** Validators of the built-in methods' params, by method name. */\nexport const methodParamValidators = Object.freeze({\n${methodExports
    .map(([name, fn]) => `  ${JSON.stringify(name)}: ${fn},`)
    .join('\n')}\n});`;
  return `${header}\n${APPEND}\n${used.map((h) => h.code).join('\n')}\n${code.replace(/^"use strict";\n?/, '')}\n${methods}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await generateValidators();
  let old = '';
  try {
    old = readFileSync(OUT, 'utf8');
  } catch {
    // no file yet
  }
  if (process.argv.includes('--check')) {
    if (old !== text) {
      console.error('src/validators/precompiled.js is stale: run node scripts/write-validators.mjs');
      process.exit(1);
    }
  } else if (old !== text) {
    writeFileSync(OUT, text);
  }
}
