/**
 * One unit: its evidence in a form generated from the rubric's fields (types, ranges, allowed
 * values, document lists), and its card item by item, recomputed as a value changes, with
 * each deduction's reason and the suggestion for rectifying it.
 */
import { useMemo } from 'preact/hooks';
import type { CompiledRuleset, EvidenceField, Finding, ScoreCard, ScoreNode, Unit, UnitEvidence } from '@safecity/engine';
import { cardOf, points } from '../lib/studio.js';
import { gradeTitle } from './units.js';
import { local, t, type Lang } from './i18n.js';

type Value = UnitEvidence['values'][string];

interface Props {
  lang: Lang;
  ruleset: CompiledRuleset | undefined;
  units: ReadonlyArray<Unit>;
  selected: string | undefined;
  onSelect: (id: string) => void;
  evidence: UnitEvidence | undefined;
  original: UnitEvidence | undefined;
  findings: readonly Finding[];
  onEdit: (u: UnitEvidence) => void;
  onReset: (id: string) => void;
}

export function UnitPanel(p: Props) {
  const { lang, ruleset, evidence } = p;
  const card = useMemo(() => (ruleset && evidence ? cardOf(ruleset, evidence, p.findings, lang) : undefined), [ruleset, evidence, p.findings, lang]);
  const editedCount = evidence && p.original ? countEdits(p.original, evidence) : 0;
  return (
    <div class="unit-panel">
      <label>
        {t(lang, 'chooseUnit')}{' '}
        <select data-testid="unit-select" value={p.selected ?? ''} onChange={(e) => p.onSelect((e.currentTarget as HTMLSelectElement).value)}>
          <option value="" disabled>
            —
          </option>
          {p.units.map((u) => (
            <option value={u.id}>{lang === 'en' && u.nameEn ? u.nameEn : u.name}</option>
          ))}
        </select>
      </label>
      {ruleset && evidence && (
        <div class="unit-columns">
          <form class="evidence-form" data-testid="evidence-form" onSubmit={(e) => e.preventDefault()} aria-label={t(lang, 'evidenceForm')}>
            <h3>
              {t(lang, 'evidenceForm')} {editedCount > 0 && <span class="muted">· {t(lang, 'edited', { n: editedCount })}</span>}
            </h3>
            {editedCount > 0 && (
              <button type="button" onClick={() => p.onReset(evidence.unit.id)}>
                {t(lang, 'resetEvidence')}
              </button>
            )}
            <FieldsForm ruleset={ruleset} evidence={evidence} lang={lang} onChange={(name, v) => p.onEdit(withValue(evidence, name, v))} />
          </form>
          <div class="card" data-testid="card">
            <h3>{t(lang, 'card')}</h3>
            {card === undefined ? null : 'card' in card ? (
              <CardView card={card.card} ruleset={ruleset} lang={lang} />
            ) : (
              <ul class="bad">
                {card.problems.map((x) => (
                  <li>{x.message}</li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function countEdits(a: UnitEvidence, b: UnitEvidence): number {
  const names = new Set([...Object.keys(a.values), ...Object.keys(b.values)]);
  let n = 0;
  for (const k of names) if (JSON.stringify(a.values[k]) !== JSON.stringify(b.values[k])) n++;
  return n;
}

function withValue(e: UnitEvidence, name: string, v: Value | undefined): UnitEvidence {
  const values: Record<string, Value> = { ...e.values };
  if (v === undefined) delete values[name];
  else values[name] = v;
  return { ...e, values };
}

/** The fields the unit's items read, grouped under the first item that reads each. */
function FieldsForm({ ruleset, evidence, lang, onChange }: { ruleset: CompiledRuleset; evidence: UnitEvidence; lang: Lang; onChange: (name: string, v: Value | undefined) => void }) {
  const byName = new Map(ruleset.fields.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const groups: Array<{ item: string; title: string; fields: EvidenceField[] }> = [];
  for (const item of ruleset.itemsFor(evidence.unit)) {
    const fields = [...item.fields, ...item.conditionFields].filter((n) => !seen.has(n) && byName.has(n)).map((n) => byName.get(n)!);
    fields.forEach((f) => seen.add(f.name));
    if (fields.length > 0) groups.push({ item: item.id, title: local(item.title, lang), fields });
  }
  return (
    <>
      {groups.map((g) => (
        <fieldset>
          <legend>
            <span class="id">{g.item}</span> {g.title}
          </legend>
          {g.fields.map((f) => (
            <FieldInput field={f} value={evidence.values[f.name]} lang={lang} onChange={(v) => onChange(f.name, v)} />
          ))}
        </fieldset>
      ))}
    </>
  );
}

function FieldInput({ field, value, lang, onChange }: { field: EvidenceField; value: Value | undefined; lang: Lang; onChange: (v: Value | undefined) => void }) {
  const id = `field-${field.name}`;
  const label = (
    <label for={id}>
      {local(field.title, lang)}
      {field.unit ? `（${field.unit}）` : ''}
    </label>
  );
  const hint = field.description ? <small>{local(field.description, lang)}</small> : null;
  switch (field.type) {
    case 'boolean':
      return (
        <div class="field">
          {label}
          <select id={id} name={field.name} value={value === true ? 'true' : value === false ? 'false' : ''} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            onChange(v === '' ? undefined : v === 'true');
          }}>
            <option value="">{t(lang, 'unset')}</option>
            <option value="true">{t(lang, 'yes')}</option>
            <option value="false">{t(lang, 'no')}</option>
          </select>
          {hint}
        </div>
      );
    case 'enum':
      return (
        <div class="field">
          {label}
          <select id={id} name={field.name} value={typeof value === 'string' ? value : ''} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            onChange(v === '' ? undefined : v);
          }}>
            <option value="">{t(lang, 'unset')}</option>
            {(field.values ?? []).map((v) => (
              <option value={v}>{v}</option>
            ))}
          </select>
          {hint}
        </div>
      );
    case 'date':
      return (
        <div class="field">
          {label}
          <input id={id} name={field.name} type="date" value={typeof value === 'string' ? value : ''} onChange={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            onChange(v === '' ? undefined : v);
          }} />
          {hint}
        </div>
      );
    case 'documents':
      return (
        <div class="field">
          {label}
          <textarea id={id} name={field.name} rows={Math.min(6, Math.max(2, Array.isArray(value) ? value.length + 1 : 2))} placeholder={t(lang, 'documentsHint')} value={Array.isArray(value) ? value.join('\n') : ''} onChange={(e) => {
            const lines = (e.currentTarget as HTMLTextAreaElement).value.split('\n').map((s) => s.trim()).filter((s) => s !== '');
            onChange(lines.length === 0 ? undefined : lines);
          }} />
          {hint}
        </div>
      );
    default: {
      // integer, number, rate: a number within the field's range.
      const max = field.maximum ?? (field.type === 'rate' ? 100 : undefined);
      const min = field.minimum ?? (field.type === 'rate' ? 0 : undefined);
      return (
        <div class="field">
          {label}
          <input id={id} name={field.name} type="number" inputMode="decimal" step={field.type === 'integer' ? 1 : 'any'} min={min} max={max} value={typeof value === 'number' ? String(value) : ''} onChange={(e) => {
            const raw = (e.currentTarget as HTMLInputElement).value.trim();
            const n = Number(raw);
            onChange(raw === '' || !Number.isFinite(n) ? undefined : n);
          }} />
          {hint}
        </div>
      );
    }
  }
}

/** The card as an official reads it: the total and grade, vetoes, then each node's points and deductions. */
export function CardView({ card, ruleset, lang }: { card: ScoreCard; ruleset: CompiledRuleset; lang: Lang }) {
  return (
    <div data-testid="card-view">
      <p class="total-line">
        <strong>{t(lang, 'totalLine', { t: points(card.total), e: points(card.earned), b: points(card.bonus), m: points(card.max) })}</strong>
        {' · '}
        {t(lang, 'grade')}：{card.gradeTitle ?? gradeTitle(ruleset, card.grade, lang)}
      </p>
      {card.vetoes.length > 0 && (
        <div class="vetoes">
          <h4>{t(lang, 'vetoes')}</h4>
          <ul>
            {card.vetoes.map((v) => (
              <li class="bad">
                <strong>{v.title}</strong>：{v.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ul class="card-tree">
        {card.nodes.map((n) => (
          <CardNode node={n} lang={lang} />
        ))}
      </ul>
    </div>
  );
}

function CardNode({ node, lang }: { node: ScoreNode; lang: Lang }) {
  const deductions = (node.deductions ?? []).filter((d) => !d.superseded);
  const lost = node.applicable && node.earned < node.max;
  return (
    <li class={node.children ? 'group' : lost ? 'item lost' : 'item'} data-card-node={node.id}>
      <div class="row">
        <span class="id">{node.id}</span> <span class="name">{node.title}</span>{' '}
        <span class="pts">{node.applicable ? t(lang, 'earnedOf', { e: points(node.earned), m: points(node.max) }) : t(lang, 'notApplicable')}</span>
      </div>
      {!node.applicable && node.notApplicableReason && <p class="muted">{node.notApplicableReason}</p>}
      {node.claim && <p class="muted">{t(lang, 'claim', { r: node.claim.notApplicable })}</p>}
      {deductions.length > 0 && (
        <ul class="deductions">
          {deductions.map((d) => (
            <li>
              <span class="bad">{t(lang, 'deducted', { p: points(d.points) })}</span> {d.reason}
              {d.suggestion && (
                <div class="suggestion">
                  {t(lang, 'suggestion')}：{d.suggestion}
                </div>
              )}
              {d.evidence && d.evidence.length > 0 && (
                <div class="muted">
                  {t(lang, 'source')}：{d.evidence.slice(0, 3).join('；')}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {node.suggestion && deductions.length === 0 && lost && (
        <div class="suggestion">
          {t(lang, 'suggestion')}：{node.suggestion}
        </div>
      )}
      {node.children && (
        <ul>
          {node.children.map((c) => (
            <CardNode node={c} lang={lang} />
          ))}
        </ul>
      )}
    </li>
  );
}
