/**
 * The `safecity` command. Every command takes `--json`. Exit codes: 0 ok, 1 problems in the
 * input (all listed, each with its place), 2 wrong usage. No stack trace unless `--debug`.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, InputProblems, UsageError, refuseRepeatedFiles, type Io, type Problem } from './io.js';
import { builtinRulesets } from './builtin.js';
import { VERSION } from './version.js';
import { terminalIo } from './terminal.js';
// Each command's module (and with it the engine, the rubrics, exceljs, docx, echarts) is loaded
// only when that command runs: `safecity --version` and `--help` load none of them.
import type { SampleOptions } from './commands/sample.js';
import type { DiffOptions } from './commands/diff.js';
import type { MigrateCommandOptions } from './commands/migrate.js';
import type { CityOptions } from './commands/city.js';
import type { SelfTemplateOptions } from './commands/self-template.js';
import type { LedgerCommandOptions } from './commands/ledger.js';

const EXAMPLES = `
Examples (evidence/ and findings/ as in the repository's examples/xian-2022-city):
  $ safecity validate xian-2022/district
  $ safecity template --ruleset xian-2022/district --unit yanta --out yanta.xlsx
  $ safecity template --ruleset xian-2022/municipal --unit xiaofangzhidui --out xfzd.json
  $ safecity score --ruleset xian-2022/district --evidence evidence/district/yanta.xlsx evidence/district/baqiao.json --out scores/
  $ safecity score --ruleset my-ruleset.json --units my-units.json --evidence *.json --json
  $ safecity feedback --scores scores/ --out feedback/
  $ safecity self-template --ruleset xian-2022/district --unit yanta --out yanta-self.xlsx
  $ safecity report --scores scores/ --before scores-round1/ --self-scores self-scores.json self-evaluation/*.json --out report.html
  $ safecity report --scores scores/ --date 2023-04-28 --out report.docx
  $ safecity sample --units all-district --groups 3 --seed 20230320 --count 9 --evidence evidence/district/* --out onsite/
  $ safecity diff xian-2022/district next/district.json >> CHANGELOG.md
  $ safecity diff xian-2022/district xian-2023-example/district --check
  $ safecity migrate --from xian-2022/district --to xian-2023-example/district --evidence evidence/district/* --out evidence-2023/
  $ safecity city --ruleset xian-2022/city --scores scores/ --evidence evidence/municipal/* evidence/district/* --out scores/city/
  $ safecity ledger --ledgers filled/*.xlsx --scores scores-round2/ --date 2023-05-20 --out rectification.md

Rulesets that ship with the command: ${builtinRulesets.join(', ')} (or give a path to a ruleset .json).
Exit codes: 0 ok · 1 problems in the input (each listed with its place) · 2 wrong usage.
退出码：0 正常 · 1 输入有问题（逐条列出位置）· 2 用法错误。`;

/** Run the command with `argv` (without `node` and the script); resolves to the exit code. */
export async function run(argv: readonly string[], rawIo: Io): Promise<number> {
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  // Every write leaves through here: text from data reaches the terminal with no control
  // character, escape sequence or bidi override (see terminal.ts).
  const io = terminalIo(rawIo, json);
  const program = new Command('safecity')
    .description('Score a city\'s self-inspection evaluation for the National Safe Development Demonstration City (国家安全发展示范城市).')
    .version(VERSION)
    .option('--debug', 'show stack traces of unexpected errors')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    // Commander's own error line is replaced by ours (in Chinese, or JSON with --json): see usageMessage.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined })
    .showSuggestionAfterError(true)
    // Every command that takes lists of files refuses the same file twice, before reading any.
    .hook('preAction', (_program, action) => refuseRepeatedFiles(action.opts(), io.cwd));

  program
    .command('validate')
    .description('check a ruleset (评价细则): every problem with its JSON pointer')
    .argument('<ruleset>', `a ruleset id (${builtinRulesets.join(', ')}) or a path to a .json`)
    .option('--base <files...>', 'earlier editions the ruleset extends, when not installed as packages')
    .option('--json', 'print JSON')
    .action((ruleset: string, o: { json?: boolean; base?: string[] }) => import('./commands/validate.js').then((m) => m.validate(ruleset, o, io)));

  program
    .command('template')
    .description('write an evidence template (佐证材料填报模板) for one unit: .xlsx to fill in by hand, or .json with its JSON Schema')
    .requiredOption('--ruleset <ruleset>', 'ruleset id or path')
    .requiredOption('--unit <id>', 'unit id, e.g. yanta or xiaofangzhidui')
    .requiredOption('--out <file>', 'output file: .xlsx or .json')
    .option('--units <file>', 'unit registry (units.json) for a ruleset given as a path')
    .option('--base <files...>', 'earlier editions the ruleset extends, when not installed as packages')
    .option('--json', 'print JSON')
    .action((o: { ruleset: string; unit: string; out: string; units?: string; base?: string[]; json?: boolean }) => import('./commands/template.js').then((m) => m.template(o, io)));

  program
    .command('score')
    .description('score units from filled evidence files (.xlsx and .json, mixed) and write their scorecards')
    .requiredOption('--ruleset <ruleset>', 'ruleset id or path')
    .requiredOption('--evidence <files...>', 'filled evidence files')
    .option('--findings <files...>', 'data-check and on-site findings: { "<unit id>": [finding, …] }; several files are merged per unit (e.g. both checks\' findings and consistency-findings.json)')
    .option('--out <dir>', 'write <unit>.scorecard.json files here')
    .option('--base-dir <dir>', 'record evidence paths relative to this folder in what is written (default: the working folder); never absolute')
    .option('--units <file>', 'unit registry (units.json) for a ruleset given as a path')
    .option('--base <files...>', 'earlier editions the ruleset extends, when not installed as packages')
    .addOption(new Option('--lang <lang>', 'language of reasons and suggestions').choices(['zh', 'en']).default('zh'))
    .option('--json', 'print JSON')
    .action((o: { ruleset: string; evidence: string[]; findings?: string[]; out?: string; units?: string; base?: string[]; baseDir?: string; lang?: string; json?: boolean }) => import('./commands/score.js').then((m) => m.score(o, io)));

  program
    .command('feedback')
    .description('write each unit\'s feedback lists (意见反馈清单, 问题反馈清单) as .md, print-ready .xlsx and a Word .docx in 公文 form')
    .requiredOption('--scores <dir>', 'folder of *.scorecard.json (from `safecity score --out`)')
    .requiredOption('--out <dir>', 'folder to write <unit>.md, <unit>.xlsx and <unit>.docx')
    .option('--deadline <date>', '整改时限, default 2023-04-15 (the plan\'s 4月15日)')
    .option('--date <date>', "the feedback's date (成文日期, YYYY-MM-DD, default today): each row's own 整改时限 counts from it")
    .option('--issuer <office>', '落款 of the Word documents; default 西安市安全生产委员会办公室 for the Xi\'an rubrics')
    .option('--json', 'print JSON')
    .action((o: { scores: string; out: string; deadline?: string; date?: string; issuer?: string; json?: boolean }) => import('./commands/reports.js').then((m) => m.feedback(o, io)));

  program
    .command('report')
    .description('write the city\'s self-evaluation report (自评报告): one self-contained .html with charts and a .md twin, or a Word .docx in 公文 form')
    .requiredOption('--scores <dir>', 'folder of *.scorecard.json')
    .option('--before <dir>', 'scorecards of the round before rectification, to compare')
    .option('--self-scores <files...>', 'units\' self-evaluations: { "<unit id>": number } (legacy), { unit, ruleset, items } .json, or filled self-evaluation .xlsx (from self-template)')
    .option('--title <title>', 'report title')
    .option('--date <date>', 'date of the report (成文日期, YYYY-MM-DD); default today')
    .option('--issuer <office>', '落款 of the Word document; default 西安市安全生产委员会办公室 for the Xi\'an rubrics')
    .requiredOption('--out <file>', 'the .html to write (the .md is written beside it), or the .docx (a Word document in 公文 form)')
    .option('--json', 'print JSON')
    .action((o: { scores: string; before?: string; selfScores?: string[]; out: string; title?: string; date?: string; issuer?: string; json?: boolean }) => import('./commands/reports.js').then((m) => m.report(o, io)));

  program
    .command('self-template')
    .description('write a unit\'s self-evaluation template (自评表, .xlsx): its items with 分值 and 评分标准, 自评分 and 自评说明 to fill')
    .requiredOption('--ruleset <ruleset>', 'ruleset id or path')
    .requiredOption('--unit <id>', 'unit id, e.g. yanta')
    .requiredOption('--out <file>', 'output .xlsx')
    .option('--units <file>', 'unit registry (units.json) for a ruleset given as a path')
    .option('--json', 'print JSON')
    .action((o: SelfTemplateOptions) => import('./commands/self-template.js').then((m) => m.selfTemplate(o, io)));

  program
    .command('sample')
    .description('draw units for the on-site spot checks (现场抽查), reproducibly from a seed, shared among the on-site groups; with evidence, one standby site (备检单位) each to visit')
    .requiredOption('--units <ids...>', 'unit ids, or all, all-municipal, all-district')
    .requiredOption('--seed <n>', 'seed of the draw (a whole number): the same seed and units give the same draw')
    .option('--groups <n>', 'on-site groups (现场检查小组)', '3')
    .option('--count <k>', 'how many units to draw (default: all given)')
    .option('--evidence <files...>', 'evidence files (.json, .xlsx) naming each unit\'s standby sites (standbySites)')
    .option('--ruleset <ruleset>', 'ruleset to read the evidence with (default: the built-in Xi\'an rubrics)')
    .option('--allow-missing', 'draw even when a drawn unit has no evidence or fewer than 2 standby sites')
    .option('--out <dir>', 'write group-<n>.findings.json templates and sample.json here')
    .option('--base-dir <dir>', 'record evidence paths relative to this folder in what is written (default: the working folder); never absolute')
    .option('--json', 'print JSON')
    .action((o: SampleOptions) => import('./commands/sample.js').then((m) => m.sample(o, io)));

  program
    .command('diff')
    .description('what changed between two editions of a ruleset (items added, removed, renamed, moved, changed; fields, vetoes, grades, totals) and the semver bump that calls for; exit 0 with differences')
    .argument('<rulesetA>', 'the older ruleset: id or path')
    .argument('<rulesetB>', 'the newer ruleset: id or path')
    .option('--check', "exit 1 when B's version is not bumped enough over A's for what changed")
    .option('--base <files...>', 'earlier editions a ruleset file extends, when not installed as packages')
    .option('--json', 'print JSON')
    .action((a: string, b: string, o: DiffOptions) => import('./commands/diff.js').then((m) => m.diff(a, b, o, io)));

  program
    .command('migrate')
    .description("carry last year's evidence over to a new edition: writes each unit's evidence for the new edition (.json), the findings by their new item ids, and a report of what did not carry over and why (migration.md)")
    .requiredOption('--from <ruleset>', 'the edition the evidence was written for: id or path')
    .requiredOption('--to <ruleset>', 'the new edition: id or path')
    .requiredOption('--evidence <files...>', "last year's evidence files (.json, .xlsx)")
    .requiredOption('--out <dir>', 'folder to write <unit>.json, findings.json, migration.md and migration.json')
    .option('--findings <file>', "last year's findings by unit, to carry to the renamed items")
    .option('--base-dir <dir>', 'record evidence paths relative to this folder in what is written (default: the working folder); never absolute')
    .option('--base <files...>', 'earlier editions a ruleset file extends, when not installed as packages')
    .option('--json', 'print JSON')
    .action((o: MigrateCommandOptions) => import('./commands/migrate.js').then((m) => m.migrate(o, io)));

  program
    .command('city')
    .description("the city's own result on the national rubric (城市自评, for the province's re-check) from the units' scorecards: the city's scorecard, every lost point naming its units; with --evidence, the consistency checks of city-wide figures against the units' (a failure is a data-check finding, exit 0)")
    .requiredOption('--ruleset <ruleset>', 'the city ruleset: id (xian-2022/city) or path')
    .requiredOption('--scores <dir>', "folder of the units' *.scorecard.json (recursively; the city's own cards are skipped)")
    .option('--evidence <files...>', "the units' evidence files (.json, .xlsx): for fields read from evidence and for the consistency checks")
    .requiredOption('--out <dir>', 'write <city>.scorecard.json, consistency.json and consistency-findings.json here')
    .option('--units <file>', 'unit registry (units.json) with the city, for a ruleset given as a path')
    .option('--unit <id>', 'the city, when the registry has several')
    .option('--base-dir <dir>', 'record evidence paths relative to this folder in what is written (default: the working folder); never absolute')
    .option('--base <files...>', 'earlier editions the rulesets extend, when not installed as packages')
    .addOption(new Option('--lang <lang>', 'language of reasons and messages').choices(['zh', 'en']).default('zh'))
    .option('--json', 'print JSON')
    .action((o: CityOptions) => import('./commands/city.js').then((m) => m.city(o, io)));

  program
    .command('ledger')
    .description("read back the filled rectification ledgers (问题整改台账: the feedback .xlsx the units and the office filled in), set each against its unit's re-scored card, and write the rectification report: what is 销号, overdue, still deducted, new")
    .requiredOption('--ledgers <files...>', 'the filled ledgers (.xlsx, as `safecity feedback` wrote them), one per unit')
    .requiredOption('--scores <dir>', "folder of the re-scored round's *.scorecard.json (recursively)")
    .requiredOption('--date <date>', 'the review date (YYYY-MM-DD): rows past their 整改时限 on it and not closed are overdue')
    .requiredOption('--out <file>', 'the rectification report to write (.md)')
    .option('--json', 'print JSON (every row\'s status)')
    .action((o: LedgerCommandOptions) => import('./commands/ledger.js').then((m) => m.ledger(o, io)));

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    return await fail(e, { json, debug }, io);
  }
}

/** How a failed command ends: its message (stderr, or one JSON object on stdout with --json) and exit code. */
async function fail(e: unknown, flags: { json: boolean; debug: boolean }, io: Io): Promise<number> {
  const { json, debug } = flags;
  if (e instanceof CommanderError && e.exitCode === 0) return EXIT.ok; // --help and --version end here
  if (e instanceof CommanderError || e instanceof UsageError) {
    const message = e instanceof CommanderError ? usageMessage(e) : e.message;
    if (json) io.stdout(JSON.stringify({ ok: false, error: { kind: 'usage', message } }, null, 2) + '\n');
    else io.stderr(`用法错误：${message}\n用法见 safecity --help（或 safecity <命令> --help）。\n`);
    return EXIT.usage;
  }
  const problems = e instanceof InputProblems ? { title: e.message, list: e.problems, warnings: e.warnings } : await engineProblems(e);
  if (problems !== undefined) {
    // 100,000 problems of one file are not 100,000 lines: a file's first ones, then a count.
    const list = await listed(problems.list);
    const warnings = await listed(problems.warnings);
    if (json) {
      const out: Record<string, unknown> = { ok: false, title: problems.title, problems: list.listed, warnings: warnings.listed };
      if (list.omitted > 0) out['omittedProblems'] = list.omitted;
      if (warnings.omitted > 0) out['omittedWarnings'] = warnings.omitted;
      io.stdout(JSON.stringify(out, null, 2) + '\n');
    } else {
      const count = (n: number) => (n < 10_000 ? String(n) : groupDigits(n));
      io.stderr(`${problems.title}：共${count(problems.list.length)}处问题${problems.warnings.length > 0 ? `，另有${count(problems.warnings.length)}条提醒` : ''}\n`);
      for (const p of list.lines) io.stderr(`  ${p.place}: ${p.message}\n`);
      // What the readers noticed besides the errors, so that one round of fixing is enough.
      for (const w of warnings.lines) io.stderr(`  提醒：${w.place}: ${w.message}\n`);
    }
    return EXIT.input;
  }
  // Not the user's fault: say so plainly; the stack only on request.
  const message = e instanceof Error ? e.message : String(e);
  if (json) io.stdout(JSON.stringify({ ok: false, error: { kind: 'internal', message } }, null, 2) + '\n');
  io.stderr(`内部错误：${message}\n${debug && e instanceof Error && e.stack ? e.stack + '\n' : '请加 --debug 再运行一次以查看堆栈，并报告此问题。\n'}`);
  return EXIT.input;
}

/** The file a problem's place names: `a.json` of `a.json#/items/x` and of `a.xlsx!评分项!G6`. */
function fileOf(place: string): string {
  const hash = place.indexOf('#');
  const bang = place.indexOf('!');
  const end = hash < 0 ? bang : bang < 0 ? hash : Math.min(hash, bang);
  return end < 0 ? place : place.slice(0, end);
}

/** In all, at most this many files' problems are listed (then one line counts the rest). */
const MAX_FILES_LISTED = 10;

/**
 * The problems as the command lists them: at most the engine's `maxProblems` per file, each cut
 * counted in one line (`还有 99,950 处同类问题`), and at most `MAX_FILES_LISTED` times that in
 * all; `listed` without those lines (for --json), `omitted` how many were left out. Linear.
 */
async function listed(list: readonly Problem[]): Promise<{ lines: Problem[]; listed: Problem[]; omitted: number }> {
  const { capProblems, omittedLine, DEFAULT_LIMITS } = await import('@safecity/engine');
  const max = DEFAULT_LIMITS.maxProblems;
  const byFile = new Map<string, Problem[]>();
  for (const p of list) {
    const f = fileOf(p.place);
    const group = byFile.get(f);
    if (group === undefined) byFile.set(f, [p]);
    else group.push(p);
  }
  let within = list.length <= max * MAX_FILES_LISTED;
  for (const group of byFile.values()) within &&= group.length <= max;
  if (within) return { lines: list.slice(), listed: list.slice(), omitted: 0 };
  const lines: Problem[] = [];
  const kept: Problem[] = [];
  let omitted = 0;
  let restFiles = 0;
  let rest = 0;
  for (const [file, group] of byFile) {
    const room = Math.min(max, max * MAX_FILES_LISTED - kept.length);
    if (room <= 0) {
      restFiles++;
      rest += group.length;
      continue;
    }
    const c = capProblems(group, room);
    for (const p of c.listed) {
      lines.push(p);
      kept.push(p);
    }
    if (c.omitted > 0) lines.push({ place: file, message: omittedLine(c.omitted, c.sameKind) });
    omitted += c.omitted;
  }
  if (rest > 0) {
    lines.push({ place: `另有${restFiles}个文件`, message: `还有 ${groupDigits(rest)} 处问题未列出；请先改正以上各处，再运行一次` });
    omitted += rest;
  }
  return { lines, listed: kept, omitted };
}

/** A count with thousands separators: 99,950 (as the engine's groupDigits; run.ts does not load the engine at start). */
function groupDigits(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The problems an engine error lists, or undefined for any other error. The engine is loaded
 * here, not at start: when it threw the error it is loaded already.
 */
async function engineProblems(e: unknown): Promise<{ title: string; list: readonly Problem[]; warnings: readonly Problem[] } | undefined> {
  const { EvaluationError, EvidenceError, SafecityError } = await import('@safecity/engine');
  if (!(e instanceof SafecityError)) return undefined;
  // A rule stopped by its step budget: the unit it was scoring, then the rule (as score.ts places evidence).
  const unit = e instanceof EvaluationError && e.unit !== undefined ? `unit ${e.unit.id}` : '';
  return {
    title: e.title,
    list: e.issues.map((i) => ({ place: unit + i.path, message: i.message })),
    warnings: e instanceof EvidenceError ? e.warnings.map((i) => ({ place: i.path, message: i.message })) : [],
  };
}

/** Quote a flag or a name as commander gives it, without its quotes. */
const bare = (s: string | undefined): string => (s ?? '').replace(/^'|'$/g, '');

/**
 * Commander's usage errors in Chinese, by their code; its suggestion (`Did you mean …?`) kept.
 * An error this does not know keeps commander's English text, so nothing is ever lost.
 */
export function usageMessage(e: CommanderError): string {
  const text = e.message.replace(/^error: /, '');
  const [first = '', ...rest] = text.split('\n');
  const suggestion = /\(Did you mean (?:one of )?(.+)\?\)/.exec(rest.join(' '));
  const hint = suggestion === null ? '' : `（是否想用 ${suggestion[1]}？）`;
  const m = (re: RegExp): RegExpExecArray | null => re.exec(first);
  let r: RegExpExecArray | null;
  switch (e.code) {
    case 'commander.missingMandatoryOptionValue':
      if ((r = m(/required option '(.+)' not specified/))) return `缺少必填选项 ${r[1]}`;
      break;
    case 'commander.optionMissingArgument':
      if ((r = m(/option '(.+)' argument missing/))) return `选项 ${r[1]} 缺少取值`;
      break;
    case 'commander.missingArgument':
      if ((r = m(/missing required argument '(.+)'/))) return `缺少参数 ${r[1]}`;
      break;
    case 'commander.unknownOption':
      if ((r = m(/unknown option '(.+)'/))) return `未知选项 ${r[1]}${hint}`;
      break;
    case 'commander.unknownCommand':
      if ((r = m(/unknown command '(.+)'/))) return `未知命令 ${r[1]}${hint}`;
      break;
    case 'commander.excessArguments':
      if ((r = m(/Expected (\d+) arguments? but got (\d+)/))) return `参数过多：应为${r[1]}个，实际给了${r[2]}个`;
      break;
    case 'commander.invalidArgument':
      if ((r = m(/^(?:option|argument) '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/))) {
        return `${bare(r[1])} 的取值“${r[2]}”无效，可选：${(r[3] ?? '').split(', ').join('、')}`;
      }
      break;
    case 'commander.conflictingOption':
      if ((r = m(/^(.+) cannot be used with (.+)$/))) return `${r[1]} 不能与 ${r[2]} 同时使用`;
      break;
  }
  return text;
}
