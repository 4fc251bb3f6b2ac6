/**
 * Compare the edited rubric with another edition: the diff table and the semver verdict
 * `safecity diff` gives, then download the edited ruleset, its changeset and the migration
 * report of the loaded units' evidence.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  changesetText,
  checkVersion,
  describeChange,
  migrateEvidence,
  migrationMarkdown,
  SafecityError,
  VERSION_POLICY,
  type CompiledRuleset,
  type Engine,
  type MigrationReport,
  type RulesetDiff,
} from '@safecity/engine';
import { EDITIONS, isPatch, loadBases } from '../lib/editions.js';
import type { EvidenceSet } from '../lib/studio.js';
import { local, t, type Lang, type Word } from './i18n.js';

interface Props {
  lang: Lang;
  engine: Engine;
  current: CompiledRuleset | undefined;
  text: string;
  opened: CompiledRuleset | undefined;
  evidence: EvidenceSet | undefined;
}

const SECTIONS: ReadonlyArray<[keyof Pick<RulesetDiff, 'items' | 'groups' | 'fields' | 'vetoes' | 'grades'>, Word]> = [
  ['items', 'items'],
  ['groups', 'groups'],
  ['fields', 'fields'],
  ['vetoes', 'vetoesKind'],
  ['grades', 'grades'],
];

interface Row {
  change: Word;
  kind: Word;
  id: string;
  title: string;
  detail: string;
  bump: string;
}

function rowsOf(d: RulesetDiff): Row[] {
  const rows: Row[] = d.ruleset.map((c) => ({ change: 'changed', kind: 'rulesetKind', id: '', title: '', detail: describeChange(c), bump: c.bump }));
  for (const [key, kind] of SECTIONS) {
    const s = d[key];
    for (const e of s.added) rows.push({ change: 'added', kind, id: e.id, title: e.title ?? '', detail: e.detail ?? '', bump: e.bump });
    for (const e of s.removed) rows.push({ change: 'removed', kind, id: e.id, title: e.title ?? '', detail: e.detail ?? '', bump: e.bump });
    for (const e of s.renamed) rows.push({ change: 'renamed', kind, id: e.id, title: e.title ?? '', detail: [`${e.from} → ${e.id}`, ...e.changes.map(describeChange)].join('; '), bump: e.bump });
    for (const e of s.moved) rows.push({ change: 'movedKind', kind, id: e.id, title: e.title ?? '', detail: `${e.fromParent || '/'} → ${e.toParent || '/'}`, bump: e.bump });
    for (const e of s.changed) rows.push({ change: 'changed', kind, id: e.id, title: e.title ?? '', detail: e.changes.map(describeChange).join('; '), bump: e.bump });
  }
  return rows;
}

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function ComparePanel({ lang, engine, current, text, opened, evidence }: Props) {
  const [other, setOther] = useState<string>('opened');
  const [loaded, setLoaded] = useState<{ key: string; ruleset: CompiledRuleset | string } | undefined>(undefined);
  useEffect(() => {
    const e = EDITIONS.find((x) => x.key === other);
    if (e === undefined) return;
    let live = true;
    void (async () => {
      const json = await e.load();
      let ruleset: CompiledRuleset | string;
      try {
        ruleset = engine.compile(json, { bases: isPatch(json) ? await loadBases() : [] });
      } catch (err) {
        ruleset = err instanceof Error ? err.message : String(err);
      }
      if (live) setLoaded({ key: other, ruleset });
    })();
    return () => {
      live = false;
    };
  }, [other, engine]);
  const base: CompiledRuleset | string | undefined = other === 'opened' ? opened : loaded?.key === other ? loaded.ruleset : undefined;
  const fromFile = async (file: File) => {
    let ruleset: CompiledRuleset | string;
    try {
      const json: unknown = JSON.parse(await file.text());
      ruleset = engine.compile(json, { bases: isPatch(json) ? await loadBases() : [] });
    } catch (err) {
      ruleset = `${file.name}：${err instanceof SafecityError ? err.issues.slice(0, 5).map((i) => `${i.path} ${i.message}`).join('；') : err instanceof Error ? err.message : String(err)}`;
    }
    setLoaded({ key: `file:${file.name}`, ruleset });
    setOther(`file:${file.name}`);
  };
  if (current === undefined) return <p class="bad">{t(lang, 'fixFirst')}</p>;
  const check = typeof base === 'object' ? checkVersion(base, current) : undefined;
  const rows = check ? rowsOf(check.diff) : [];

  const migration = (): string => {
    if (typeof base !== 'object') return '';
    const reports: MigrationReport[] = [];
    const failed: string[] = [];
    const kinds = new Set(current.unitKinds);
    for (const u of evidence?.units ?? []) {
      if (!kinds.has(u.unit.kind) || !base.unitKinds.includes(u.unit.kind)) continue;
      try {
        reports.push(migrateEvidence(u, current, { from: base, findings: evidence?.findings[u.unit.id] ?? [] }).report);
      } catch (e) {
        if (!(e instanceof SafecityError)) throw e;
        failed.push(`- ${u.unit.name}：${e.issues.map((i) => i.message).join('；')}`);
      }
    }
    return migrationMarkdown(reports) + (failed.length > 0 ? `\n## 未能迁移的单位\n\n${failed.join('\n')}\n` : '');
  };
  const short = current.id.split('/').pop() ?? 'ruleset';

  return (
    <div class="compare" data-testid="compare">
      <label>
        {t(lang, 'compareWith')}{' '}
        <select data-testid="compare-with" value={other} onChange={(e) => setOther((e.currentTarget as HTMLSelectElement).value)}>
          <option value="opened">{t(lang, 'asOpened')}</option>
          {EDITIONS.map((e) => (
            <option value={e.key}>{local(e.label, lang)}</option>
          ))}
          {loaded?.key.startsWith('file:') && <option value={loaded.key}>{loaded.key.slice(5)}</option>}
        </select>
      </label>{' '}
      <label class="file-inline">
        {t(lang, 'compareFile')}{' '}
        <input type="file" accept=".json,application/json" data-testid="compare-file" onChange={(e) => {
          const f = (e.currentTarget as HTMLInputElement).files?.[0];
          if (f) void fromFile(f);
        }} />
      </label>
      {typeof base === 'string' && <p class="bad">{base}</p>}
      {check && (
        <>
          <div class="verdict" data-testid="verdict" data-bump={check.required} data-ok={String(check.ok)}>
            <h3>
              {t(lang, 'verdict')}：<strong>{check.required}</strong>
              {check.required !== 'none' && <span class="muted"> — {VERSION_POLICY[check.required]}</span>}
            </h3>
            {check.diff.identical ? (
              <p>{t(lang, 'identical')}</p>
            ) : (
              <p class={check.ok ? 'good' : 'bad'}>
                {check.ok ? '✓' : '✗'} {t(lang, check.ok ? 'versionOk' : 'versionNotOk')}：{check.message}
              </p>
            )}
          </div>
          {rows.length > 0 && (
            <table class="diff" data-testid="diff">
              <thead>
                <tr>
                  <th scope="col">{t(lang, 'changeCol')}</th>
                  <th scope="col">{t(lang, 'kindCol')}</th>
                  <th scope="col">Id</th>
                  <th scope="col">{t(lang, 'titleCol')}</th>
                  <th scope="col">{t(lang, 'detailCol')}</th>
                  <th scope="col">{t(lang, 'bumpCol')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr class={`bump-${r.bump}`}>
                    <td>{t(lang, r.change)}</td>
                    <td>{t(lang, r.kind)}</td>
                    <td>
                      <code>{r.id}</code>
                    </td>
                    <td>{r.title}</td>
                    <td>{r.detail}</td>
                    <td>{r.bump}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t(lang, 'download')}</h3>
          <ul class="downloads">
            <li>
              <button type="button" data-testid="download-ruleset" onClick={() => download(`${short}-${current.version}.json`, text, 'application/json')}>
                {t(lang, 'downloadRuleset')}
              </button>
            </li>
            <li>
              <button type="button" data-testid="download-changeset" onClick={() => download(`${current.id.replace(/\//g, '-')}-${current.version}.md`, changesetText(check.diff), 'text/markdown')}>
                {t(lang, 'downloadChangeset')}
              </button>
            </li>
            <li>
              <button type="button" data-testid="download-migration" disabled={evidence === undefined} onClick={() => download(`migration-${short}-${current.version}.md`, migration(), 'text/markdown')}>
                {t(lang, 'downloadMigration')}
              </button>{' '}
              <span class="muted">{t(lang, 'migrationNote')}</span>
            </li>
          </ul>
          <details>
            <summary>changeset</summary>
            <pre data-testid="changeset">{changesetText(check.diff)}</pre>
          </details>
        </>
      )}
    </div>
  );
}
