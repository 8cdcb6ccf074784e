// Accounts: every filter of GET /v1/accounts, paged by its cursor. The URL is the filter (the
// query is the API's own), so the page's address is the saved filter.
import { useState } from 'preact/hooks';
import { get } from '../api';
import { code, count, money, t, type Key } from '../i18n';
import { go, href } from '../router';
import { AGING_BUCKETS, EPISODE_STATUSES, LIST_FLAGS, SEGMENTS, SERVICE_STATES, SORT_KEYS, STAGES } from '../tables';
import { Show, useLoad, When } from '../ui';

interface AccountItem {
  accountId: string;
  status: string;
  stage: string;
  service: string;
  balance: number;
  currency: string;
  segment: string;
  lists: string[];
  region: string | null;
  daysPastDue: number;
  nextAction: string | null;
  nextActionAt: string | null;
  lines: { lineId: string; service: string; state: string }[] | null;
}
interface AccountPage {
  accounts: AccountItem[];
  next?: string;
}

const MULTI: { name: string; label: Key; values: readonly string[] }[] = [
  { name: 'status', label: 'status', values: EPISODE_STATUSES },
  { name: 'stage', label: 'stage', values: STAGES },
  { name: 'service', label: 'service', values: SERVICE_STATES },
  { name: 'segment', label: 'segment', values: SEGMENTS },
];

/** `YYYY-MM-DDTHH:mm` in the viewer's zone, for a datetime-local input. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
const yuanText = (minor: string | null) => (minor && /^\d+$/.test(minor) ? (Number(minor) / 100).toFixed(2) : '');

function Filters({ query }: { query: URLSearchParams }) {
  const [form, setForm] = useState(() => new URLSearchParams(query));
  const set = (name: string, value: string) =>
    setForm((f) => {
      const next = new URLSearchParams(f);
      if (value) next.set(name, value);
      else next.delete(name);
      next.delete('cursor');
      return next;
    });
  const apply = (e: Event) => {
    e.preventDefault();
    go('accounts', form);
  };
  const text = (name: string, label: Key, props: Record<string, unknown> = {}) => (
    <label for={`flt-${name}`}>
      {t(label)}
      <input id={`flt-${name}`} value={form.get(name) ?? ''} onInput={(e) => set(name, e.currentTarget.value.trim())} {...props} />
    </label>
  );
  const yuan = (name: string, label: Key) => (
    <label for={`flt-${name}`}>
      {t(label)}
      <input
        id={`flt-${name}`}
        inputMode="decimal"
        value={yuanText(form.get(name))}
        onChange={(e) => {
          const v = e.currentTarget.value.trim();
          const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(v);
          set(name, m ? String(Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))) : '');
        }}
      />
    </label>
  );
  const instant = (name: string, label: Key) => (
    <label for={`flt-${name}`}>
      {t(label)}
      <input
        id={`flt-${name}`}
        type="datetime-local"
        value={localInput(form.get(name))}
        onChange={(e) => {
          const v = e.currentTarget.value;
          set(name, v ? new Date(v).toISOString() : '');
        }}
      />
    </label>
  );
  const choice = (name: string, label: Key, values: readonly string[], labels?: Record<string, string>) => (
    <label for={`flt-${name}`}>
      {t(label)}
      <select id={`flt-${name}`} value={form.get(name) ?? ''} onChange={(e) => set(name, e.currentTarget.value)}>
        <option value="">{t('any')}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {labels?.[v] ?? code(v)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form class="filters" aria-label={t('filters')} onSubmit={apply}>
      {MULTI.map((m) => {
        const chosen = (form.get(m.name) ?? '').split(',').filter(Boolean);
        return (
          <label key={m.name} for={`flt-${m.name}`}>
            {t(m.label)}
            <select id={`flt-${m.name}`} multiple size={4} onChange={(e) => set(m.name, [...e.currentTarget.selectedOptions].map((o) => o.value).join(','))}>
              {m.values.map((v) => (
                <option key={v} value={v} selected={chosen.includes(v)}>
                  {code(v)}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      {choice('list', 'list', LIST_FLAGS)}
      {text('region', 'region')}
      {text('currency', 'currency', { size: 4, maxLength: 3 })}
      {yuan('balanceMin', 'balanceMin')}
      {yuan('balanceMax', 'balanceMax')}
      {choice('aging', 'aging', AGING_BUCKETS, Object.fromEntries(AGING_BUCKETS.map((b) => [b, b])))}
      {instant('nextActionBefore', 'nextActionBefore')}
      {instant('limitationBefore', 'limitationBefore')}
      <label class="inline" for="flt-assignee">
        <input
          id="flt-assignee"
          type="checkbox"
          checked={form.get('assignee') === 'me'}
          onChange={(e) => set('assignee', e.currentTarget.checked ? 'me' : '')}
        />
        {t('assigneeMe')}
      </label>
      {text('policy', 'policyUsed', { size: 10 })}
      {text('policyVersion', 'policyVersion', { size: 4 })}
      {choice('sort', 'sort', SORT_KEYS)}
      {choice('order', 'order', ['asc', 'desc'], { asc: t('asc'), desc: t('desc') })}
      {choice('limit', 'pageSize', ['10', '25', '50', '100', '200'], {})}
      <button type="submit" class="primary">
        {t('apply')}
      </button>
      <a href={href('accounts')}>{t('reset')}</a>
    </form>
  );
}

export function AccountsScreen({ query }: { query: URLSearchParams }) {
  const qs = query.toString();
  const page = useLoad(() => get<AccountPage>(`/v1/accounts${qs ? `?${qs}` : ''}`), [qs]);
  const link = `${location.origin}/console/${href('accounts', query)}`;
  const withoutCursor = new URLSearchParams(query);
  withoutCursor.delete('cursor');
  return (
    <section>
      <h1>{t('accounts')}</h1>
      <Filters key={qs} query={query} />
      <p>
        <a href={link}>{t('savedFilter')}</a>: <output class="muted">{link}</output>
      </p>
      <Show loaded={page}>
        {(p) =>
          p.accounts.length === 0 ? (
            <p role="status">{t('noRows')}</p>
          ) : (
            <>
              <table aria-label={t('accounts')}>
                <thead>
                  <tr>
                    <th scope="col">{t('accountId')}</th>
                    <th scope="col">{t('status')}</th>
                    <th scope="col">{t('stage')}</th>
                    <th scope="col">{t('service')}</th>
                    <th scope="col" class="num">
                      {t('balance')}
                    </th>
                    <th scope="col" class="num">
                      {t('daysPastDue')}
                    </th>
                    <th scope="col">{t('segment')}</th>
                    <th scope="col">{t('nextAction')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.accounts.map((a) => (
                    <tr key={a.accountId}>
                      <th scope="row">
                        <a href={href(`accounts/${encodeURIComponent(a.accountId)}`)}>{a.accountId}</a>
                      </th>
                      <td>{code(a.status)}</td>
                      <td>{code(a.stage)}</td>
                      <td>
                        {code(a.service)}
                        {a.lines && a.lines.length > 1 && <span class="muted"> ({a.lines.map((l) => `${l.lineId}: ${code(l.state)}`).join(', ')})</span>}
                      </td>
                      <td class="num">{money(a.balance, a.currency)}</td>
                      <td class="num">{count(a.daysPastDue)}</td>
                      <td>
                        {code(a.segment)}
                        {a.lists.length > 0 && ` · ${a.lists.map(code).join(', ')}`}
                      </td>
                      <td>
                        {a.nextAction ? code(a.nextAction) : '—'}
                        {a.nextActionAt && (
                          <>
                            <br />
                            <When at={a.nextActionAt} />
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav aria-label={t('nextPage')}>
                {query.get('cursor') && <a href={href('accounts', withoutCursor)}>{t('firstPage')}</a>}{' '}
                {p.next && <a href={href('accounts', { ...Object.fromEntries(withoutCursor), cursor: p.next })}>{t('nextPage')}</a>}
              </nav>
            </>
          )
        }
      </Show>
    </section>
  );
}
