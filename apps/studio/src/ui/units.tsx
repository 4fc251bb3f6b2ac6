/**
 * Every loaded unit's result under the rubric being edited, ranked by total, with the change
 * from the rubric as opened: which units move, and by how much.
 */
import type { CompiledRuleset } from '@safecity/engine';
import { points, signed, type Movement } from '../lib/studio.js';
import { local, t, type Lang } from './i18n.js';

export function gradeTitle(ruleset: CompiledRuleset | undefined, grade: string | null, lang: Lang): string {
  if (grade === null) return '—';
  const band = ruleset?.source.grades?.find((g) => g.id === grade);
  return band ? local(band.title, lang) : grade;
}

export function UnitTable({ rows, ruleset, lang, onOpen }: { rows: readonly Movement[]; ruleset: CompiledRuleset | undefined; lang: Lang; onOpen: (id: string) => void }) {
  if (rows.length === 0) return <p>{t(lang, 'noEvidence')}</p>;
  const moved = rows.filter((r) => r.delta !== undefined && r.delta !== 0).length;
  const from = rows.map((r) => (r.now.ok ? r.now.migrated?.from : undefined)).find((x) => x !== undefined);
  return (
    <>
      {from !== undefined && <p class="muted" data-testid="migrated">{t(lang, 'migrated', { from })}</p>}
      <p class={moved > 0 ? 'moved' : 'muted'} data-testid="moved">
        {moved > 0 ? t(lang, 'moved', { n: moved }) : t(lang, 'noneMoved')}
      </p>
      <table class="units" data-testid="units">
        <thead>
          <tr>
            <th scope="col">{t(lang, 'rank')}</th>
            <th scope="col">{t(lang, 'unit')}</th>
            <th scope="col" class="num">{t(lang, 'total')}</th>
            <th scope="col" class="num">{t(lang, 'before')}</th>
            <th scope="col" class="num">{t(lang, 'change')}</th>
            <th scope="col" class="num">{t(lang, 'lost')}</th>
            <th scope="col">{t(lang, 'grade')}</th>
            <th scope="col">{t(lang, 'vetoed')}</th>
            <th scope="col"><span class="sr-only">{t(lang, 'details')}</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const name = lang === 'en' && r.unit.nameEn ? r.unit.nameEn : r.unit.name;
            const rankMove = r.rank !== undefined && r.rankBefore !== undefined ? r.rankBefore - r.rank : 0;
            return (
              <tr data-unit={r.unit.id} class={r.delta ? (r.delta > 0 ? 'up' : 'down') : ''}>
                <td>
                  {r.rank ?? '—'}
                  {rankMove !== 0 && <span class={rankMove > 0 ? 'up' : 'down'}>{rankMove > 0 ? ` ▲${rankMove}` : ` ▼${-rankMove}`}</span>}
                </td>
                <th scope="row">
                  {name}
                  {r.now.ok && r.now.migrated && r.now.migrated.notCarried + r.now.migrated.missing > 0 && (
                    <small class="migrated"> {t(lang, 'migratedTitle', { n: r.now.migrated.notCarried, m: r.now.migrated.missing })}</small>
                  )}
                </th>
                {r.now.ok ? (
                  <>
                    <td class="num total" data-total={r.now.total}>{points(r.now.total)}</td>
                    <td class="num">{r.before && r.before.ok ? points(r.before.total) : '—'}</td>
                    <td class="num delta">{r.delta === undefined ? '—' : signed(r.delta)}</td>
                    <td class="num">{points(r.now.lost)}</td>
                    <td>{gradeTitle(ruleset, r.now.grade, lang)}</td>
                    <td>{r.now.vetoed ? <strong class="bad">{t(lang, 'yes')}</strong> : t(lang, 'no')}</td>
                  </>
                ) : (
                  <td colSpan={6} class="bad" data-total="">
                    {t(lang, 'notScored')}：{r.now.problems.slice(0, 2).map((p) => p.message).join('；')}
                    {r.now.problems.length > 2 ? ` …（${r.now.problems.length}）` : ''}
                  </td>
                )}
                <td>
                  <button type="button" class="link" onClick={() => onOpen(r.unit.id)} aria-label={`${t(lang, 'details')} ${name}`}>
                    {t(lang, 'details')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
