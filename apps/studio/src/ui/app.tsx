/**
 * The studio: open a rubric, edit it as JSON with live problems, see every loaded unit's score
 * recomputed after each edit, open one unit's evidence and card, compare with another edition
 * and download what a release needs. Everything runs in the page.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createEngine, rulesetJsonSchema, SafecityError, type CompiledRuleset, type Finding, type UnitEvidence } from '@safecity/engine';
import { EDITIONS, editionText, loadBases } from '../lib/editions.js';
import type { Ruleset } from '@safecity/engine';
import { carryOver, carryOverCache, compileText, movements, scoreAll, type Compiled, type EvidenceSet, type UnitResult } from '../lib/studio.js';
import { createRulesetEditor, type RulesetEditor } from './editor.js';
import { t, local, type Lang } from './i18n.js';
import { RulesetTree } from './tree.js';
import { UnitTable } from './units.js';
import { UnitPanel } from './unit.js';
import { ComparePanel } from './compare.js';
import { readDroppedFiles, type FileOutcome } from './files.js';

const engine = createEngine();
const schema = rulesetJsonSchema();

/** How long to wait after a keystroke before compiling (a burst of typing compiles once). */
const COMPILE_DELAY_MS = 150;

type Tab = 'units' | 'unit' | 'compare';

interface Opened {
  /** `xian-2022/district`, or `file:<name>` */
  key: string;
  label: string;
  text: string;
  compiled: Compiled;
}

/** Compiles a rubric's text once it has what it needs (a patch, the editions it extends). */
async function open(key: string, label: string, text: string): Promise<{ opened: Opened; bases: readonly Ruleset[] }> {
  const bases = /"extends"\s*:/.test(text) ? await loadBases() : [];
  return { opened: { key, label, text, compiled: compileText(engine, text, bases) }, bases };
}

const EMPTY: Opened = { key: '', label: '', text: '', compiled: { ruleset: undefined, problems: [], ms: 0 } };

export function App() {
  const [lang, setLang] = useState<Lang>('zh');
  const [opened, setOpened] = useState<Opened>(EMPTY);
  const [compiled, setCompiled] = useState<Compiled>(EMPTY.compiled);
  const [lastGood, setLastGood] = useState<CompiledRuleset | undefined>(undefined);
  const bases = useRef<readonly Ruleset[]>([]);
  const [evidence, setEvidence] = useState<{ set: EvidenceSet; label: string } | undefined>(undefined);
  const [edits, setEdits] = useState<ReadonlyMap<string, UnitEvidence>>(new Map());
  const [tab, setTab] = useState<Tab>('units');
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [messages, setMessages] = useState<FileOutcome[]>([]);
  const [busy, setBusy] = useState(false);
  const editorHost = useRef<HTMLDivElement>(null);
  const editor = useRef<RulesetEditor | null>(null);
  const timer = useRef<number | undefined>(undefined);

  // The editor lives outside Preact's tree: created once, its text replaced on open.
  useEffect(() => {
    if (editorHost.current === null) return;
    const ed = createRulesetEditor(editorHost.current, {
      text: opened.text,
      schema,
      label: t('zh', 'editorLabel'),
      onChange: (text) => {
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => {
          const c = compileText(engine, text, bases.current);
          setCompiled(c);
          if (c.ruleset !== undefined) setLastGood(c.ruleset);
        }, COMPILE_DELAY_MS);
      },
    });
    editor.current = ed;
    void openEdition(EDITIONS[0]!.key);
    return () => ed.destroy();
  }, []);

  useEffect(() => editor.current?.showProblems(compiled.problems), [compiled]);

  const openRubric = useCallback(({ opened: next, bases: b }: { opened: Opened; bases: readonly Ruleset[] }) => {
    window.clearTimeout(timer.current);
    bases.current = b;
    setOpened(next);
    // Edits were made in the form of the rubric that was open.
    setEdits(new Map());
    setCompiled(next.compiled);
    setLastGood(next.compiled.ruleset);
    editor.current?.setText(next.text);
    editor.current?.showProblems(next.compiled.problems);
  }, []);

  // The evidence as scored: as loaded, with the author's edits of single units.
  const effective = useMemo<EvidenceSet | undefined>(() => {
    if (evidence === undefined) return undefined;
    if (edits.size === 0) return evidence.set;
    // An edited unit's evidence is the form's: written for the rubric it was edited under.
    const writtenFor = new Map(evidence.set.writtenFor ?? []);
    for (const id of edits.keys()) writtenFor.delete(id);
    return { units: evidence.set.units.map((u) => edits.get(u.unit.id) ?? u), findings: evidence.set.findings, writtenFor };
  }, [evidence, edits]);

  const before = useMemo<UnitResult[] | undefined>(() => (opened.compiled.ruleset && effective ? scoreAll(opened.compiled.ruleset, effective).results : undefined), [opened, effective]);
  // Carrying last year's evidence over is redone only when what it depends on changes.
  const carry = useRef(carryOverCache());
  const now = useMemo(() => (lastGood && effective ? scoreAll(lastGood, effective, carry.current) : undefined), [lastGood, effective]);
  const rows = useMemo(() => (now ? movements(now.results, before) : []), [now, before]);

  async function openEdition(key: string) {
    const ed = EDITIONS.find((x) => x.key === key);
    if (ed === undefined) return;
    setBusy(true);
    try {
      const json = await ed.load();
      openRubric(await open(ed.key, ed.key, editionText(json)));
    } finally {
      setBusy(false);
    }
  }

  const loadDemo = useCallback(async () => {
    setBusy(true);
    try {
      const demo = (await import('../generated/demo-city.json')).default as unknown as { units: Record<string, UnitEvidence[]>; findings: Record<string, Finding[]> };
      const units = [...(demo.units['district'] ?? []), ...(demo.units['municipal'] ?? [])];
      // Written for the 2022 rubrics: under another edition it is carried over first.
      const editions = (await loadBases()).map((r) => engine.compile(r));
      const writtenFor = new Map<string, CompiledRuleset>();
      for (const u of units) {
        const r = editions.find((x) => x.unitKinds.includes(u.unit.kind));
        if (r) writtenFor.set(u.unit.id, r);
      }
      setEvidence({ set: { units, findings: demo.findings, writtenFor }, label: 'demo' });
      setEdits(new Map());
    } finally {
      setBusy(false);
    }
  }, []);

  const onFiles = useCallback(
    async (files: readonly File[]) => {
      if (files.length === 0) return;
      setBusy(true);
      try {
        const readWith = opened.compiled.ruleset ?? lastGood;
        const out = await readDroppedFiles(files, { ruleset: readWith, lang });
        if (out.ruleset !== undefined) openRubric(await open(`file:${out.ruleset.name}`, out.ruleset.name, out.ruleset.text));
        if (out.evidence !== undefined) {
          const prior = evidence?.label === 'local' ? evidence.set : undefined;
          const byId = new Map((prior?.units ?? []).map((u) => [u.unit.id, u]));
          for (const u of out.evidence.units) byId.set(u.unit.id, u);
          const findings = { ...(prior?.findings ?? {}) };
          for (const [k, v] of Object.entries(out.evidence.findings)) findings[k] = [...(findings[k] ?? []), ...v];
          // Read against the rubric as opened: that is the edition they were written for.
          const writtenFor = new Map(prior?.writtenFor ?? []);
          if (readWith) for (const u of out.evidence.units) writtenFor.set(u.unit.id, readWith);
          setEvidence({ set: { units: [...byId.values()], findings, writtenFor }, label: 'local' });
          setEdits(new Map());
        } else if (Object.keys(out.findings).length > 0 && evidence !== undefined) {
          const findings = { ...evidence.set.findings };
          for (const [k, v] of Object.entries(out.findings)) findings[k] = [...(findings[k] ?? []), ...v];
          setEvidence({ set: { ...evidence.set, findings }, label: evidence.label });
        }
        setMessages(out.outcomes);
      } finally {
        setBusy(false);
      }
    },
    [opened, lastGood, evidence, lang, openRubric],
  );

  // Files dropped anywhere on the page.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
      e.preventDefault();
      void onFiles([...e.dataTransfer.files]);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [onFiles]);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);

  const unitsInScope = now?.results.length ?? 0;
  const openUnit = (id: string) => {
    setSelected(id);
    setTab('unit');
  };
  const raw = selected !== undefined ? effective?.units.find((u) => u.unit.id === selected) : undefined;
  // The unit's evidence as the rubric takes it (carried over from last year's edition if need be).
  const carried = useMemo(() => (raw === undefined || lastGood === undefined || effective === undefined ? undefined : asRubricTakesIt(lastGood, effective, raw)), [raw, lastGood, effective]);
  const current = carried?.evidence;
  // The unit's evidence as loaded, taken the same way (what the form's edits are counted against).
  const original = useMemo(() => {
    const u = selected !== undefined ? evidence?.set.units.find((x) => x.unit.id === selected) : undefined;
    return u === undefined || lastGood === undefined || evidence === undefined ? u : asRubricTakesIt(lastGood, evidence.set, u).evidence;
  }, [selected, evidence, lastGood]);

  return (
    <div class="studio">
      <header class="bar">
        <div class="brand">
          <h1>
            safecity · {t(lang, 'title')}
          </h1>
          <p>{t(lang, 'subtitle')}</p>
        </div>
        <div class="controls">
          <label>
            {t(lang, 'rubric')}{' '}
            <select
              data-testid="rubric"
              value={opened.key}
              onChange={(e) => {
                void openEdition((e.currentTarget as HTMLSelectElement).value);
              }}
            >
              {EDITIONS.map((e) => (
                <option value={e.key}>{local(e.label, lang)}</option>
              ))}
              {opened.key.startsWith('file:') && <option value={opened.key}>{opened.label}</option>}
            </select>
          </label>
          <button type="button" data-testid="load-demo" onClick={() => void loadDemo()} disabled={busy}>
            {t(lang, 'demo')}
          </button>
          <label class="file" title={t(lang, 'openFileHint')}>
            {t(lang, 'openFile')}
            <input
              type="file"
              multiple
              accept=".json,.xlsx,application/json"
              data-testid="files"
              onChange={(e) => {
                const input = e.currentTarget as HTMLInputElement;
                void onFiles([...(input.files ?? [])]).then(() => (input.value = ''));
              }}
            />
          </label>
          <button type="button" class="lang" aria-label={t(lang, 'languageLabel')} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t(lang, 'language')}
          </button>
        </div>
      </header>

      {messages.length > 0 && (
        <section class="messages" role="alert" data-testid="messages">
          {messages.map((m) => (
            <div class={m.ok ? 'ok' : 'bad'}>
              <strong>{m.ok ? m.file : t(lang, 'fileProblems', { file: m.file })}</strong>
              {m.ok ? <span> — {m.summary}</span> : (
                <ul>
                  {m.problems.map((p) => (
                    <li>{p}</li>
                  ))}
                </ul>
              )}
            </div>
          ))}
          <button type="button" onClick={() => setMessages([])}>
            {t(lang, 'dismiss')}
          </button>
        </section>
      )}

      <main class="panes">
        <nav class="pane tree" aria-label={t(lang, 'tree')}>
          <h2>{t(lang, 'tree')}</h2>
          {lastGood && <RulesetTree ruleset={lastGood} lang={lang} onReveal={(id, pointer) => editor.current && revealNode(editor.current, id, pointer)} />}
        </nav>

        <section class="pane edit" aria-label={t(lang, 'editor')}>
          <h2>
            {t(lang, 'editor')} <span class="muted">{lastGood ? `${lastGood.id} ${lastGood.version}` : ''}</span>
          </h2>
          <div class="editor" ref={editorHost} data-testid="editor" />
          <div class="problems" data-testid="problems" aria-live="polite">
            {compiled.problems.length === 0 ? (
              <p class="good">
                ✓ {t(lang, 'noProblems')} · {t(lang, 'compiledIn', { ms: compiled.ms.toFixed(0) })}
              </p>
            ) : (
              <>
                <p class="bad">✗ {t(lang, 'problemsCount', { n: compiled.problems.length })}</p>
                <ol>
                  {compiled.problems.slice(0, 50).map((p) => (
                    <li>
                      <button type="button" class="link" onClick={() => editor.current && revealSpan(editor.current, p.span.from)}>
                        {lineOf(editor.current, p.span.from)}
                      </button>{' '}
                      {p.message}
                      {p.pointer ? <code class="muted"> {p.pointer}</code> : null}
                    </li>
                  ))}
                </ol>
              </>
            )}
          </div>
        </section>

        <section class="pane results">
          <div role="tablist" aria-label="views" class="tabs">
            {(['units', 'unit', 'compare'] as const).map((k) => (
              <button type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k} aria-controls={`panel-${k}`} tabIndex={tab === k ? 0 : -1} onClick={() => setTab(k)} onKeyDown={(e) => tabKeys(e, k, setTab)}>
                {t(lang, k === 'units' ? 'tabUnits' : k === 'unit' ? 'tabUnit' : 'tabCompare')}
              </button>
            ))}
          </div>
          <p class="status" data-testid="status" data-rescore-ms={now ? now.ms.toFixed(3) : ''} data-units={unitsInScope}>
            {evidence === undefined ? t(lang, 'noEvidence') : t(lang, evidence.label === 'demo' ? 'demoLoaded' : 'localLoaded', { n: evidence.set.units.length })}
            {now ? ` · ${t(lang, 'rescoredIn', { n: unitsInScope, ms: now.ms.toFixed(1) })}` : ''}
          </p>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="panel">
            {tab === 'units' &&
              (lastGood && effective && unitsInScope === 0 ? (
                <p>{t(lang, 'noUnitsForRubric', { kinds: lastGood.unitKinds.join(', ') })}</p>
              ) : (
                <UnitTable rows={rows} ruleset={lastGood} lang={lang} onOpen={openUnit} />
              ))}
            {tab === 'unit' && (
              <UnitPanel
                lang={lang}
                ruleset={lastGood}
                units={(now?.results ?? []).map((r) => r.unit)}
                selected={selected}
                onSelect={setSelected}
                evidence={current}
                original={original}
                findings={carried?.findings ?? []}
                onEdit={(u) => setEdits(new Map(edits).set(u.unit.id, u))}
                onReset={(id) => {
                  const next = new Map(edits);
                  next.delete(id);
                  setEdits(next);
                }}
              />
            )}
            {tab === 'compare' && <ComparePanel lang={lang} engine={engine} current={compiled.ruleset} text={editor.current?.text() ?? opened.text} opened={opened.compiled.ruleset} evidence={effective} />}
            {busy && <p class="muted" aria-live="polite">{t(lang, 'loading')}</p>}
          </div>
        </section>
      </main>
    </div>
  );
}

/** A unit's evidence as the rubric takes it (carried over if need be), or as it is when it cannot be (the card then says why). */
function asRubricTakesIt(ruleset: CompiledRuleset, set: EvidenceSet, u: UnitEvidence): { evidence: UnitEvidence; findings: readonly Finding[] } {
  try {
    return carryOver(ruleset, set, u);
  } catch (e) {
    if (e instanceof SafecityError) return { evidence: u, findings: set.findings[u.unit.id] ?? [] };
    throw e;
  }
}

function tabKeys(e: KeyboardEvent, k: Tab, set: (t: Tab) => void) {
  const order: Tab[] = ['units', 'unit', 'compare'];
  const i = order.indexOf(k);
  let next: Tab | undefined;
  if (e.key === 'ArrowRight') next = order[(i + 1) % order.length];
  if (e.key === 'ArrowLeft') next = order[(i + order.length - 1) % order.length];
  if (next === undefined) return;
  e.preventDefault();
  set(next);
  document.getElementById(`tab-${next}`)?.focus();
}

function lineOf(ed: RulesetEditor | null, offset: number): string {
  if (ed === null) return '';
  const doc = ed.view.state.doc;
  const line = doc.lineAt(Math.min(offset, doc.length));
  return `${line.number}:${offset - line.from + 1}`;
}

function revealSpan(ed: RulesetEditor, offset: number) {
  ed.view.dispatch({ selection: { anchor: Math.min(offset, ed.view.state.doc.length) }, scrollIntoView: true });
  ed.view.focus();
}

/** The node in the text: by its pointer in a whole ruleset, else (a patch) where its id is written. */
function revealNode(ed: RulesetEditor, id: string, pointer: string) {
  const text = ed.text();
  if (!/"extends"\s*:/.test(text)) return ed.reveal(pointer);
  const at = text.indexOf(`"id": ${JSON.stringify(id)}`);
  if (at >= 0) revealSpan(ed, at);
}
