// One account: its episode (state, lines, balance with the late fee apart, the next action), its
// whole timeline (database and Temporal, each Temporal entry linked to the Temporal UI), and the
// actions the key's roles allow, each with the answer the episode gave.
import { useState } from 'preact/hooks';
import { ApiError, get, hasRole, newId, post, type Session } from '../api';
import { code, money, t } from '../i18n';
import { href } from '../router';
import type { Field } from '../tables';
import { ActionForm, Money, Problem, Show, useLoad, When } from '../ui';

export interface Collection {
  accountId: string;
  episodeId: string;
  policy: { id: string; version: number };
  status: string;
  service: string;
  currency: string;
  balance: number;
  billed: number;
  paid: number;
  disputed: number;
  stage: string;
  timezone: string;
  next: { stepId: string; action: string; at: string } | null;
  lateFee: { due: number; accrued: number; waived: number } | null;
  lines: { lineId: string; service: string; state: string; suspendedAt: string | null; number?: string }[];
  promises: { promiseId: string; date: string; due: number; status: string }[];
  paused: { since: string; until: string | null; reason: string } | null;
  litigation: { caseId: string; caseNumber: string; status: string } | null;
  workflowUrl?: string;
}
interface TimelineEntry {
  id: string;
  at: string;
  source: 'database' | 'temporal';
  kind: string;
  summary: string;
  link?: string;
}
interface TimelinePage {
  entries: TimelineEntry[];
  next?: string;
  temporal: { complete: boolean };
}

const f = (name: string, kind: Field['kind'], optional = false): Field => ({ name, kind, ...(optional ? { optional } : {}) });

export function Timeline({ accountId, zone, version }: { accountId: string; zone: string | undefined; version: number }) {
  const [pages, setPages] = useState<TimelinePage[]>([]);
  const first = useLoad(() => get<TimelinePage>(`/v1/accounts/${encodeURIComponent(accountId)}/timeline?limit=200`), [accountId, version]);
  const [error, setError] = useState<Error | null>(null);
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('timeline')}</h2>
      <Show loaded={first}>
        {(p) => {
          const all = [p, ...pages];
          const last = all[all.length - 1]!;
          const more = async () => {
            try {
              const next = await get<TimelinePage>(`/v1/accounts/${encodeURIComponent(accountId)}/timeline?limit=200&after=${encodeURIComponent(last.next!)}`);
              setPages((ps) => [...ps, next]);
            } catch (err) {
              setError(err as Error);
            }
          };
          return (
            <>
              {!p.temporal.complete && <p class="muted">Temporal: —</p>}
              <table aria-label={t('timeline')}>
                <thead>
                  <tr>
                    <th scope="col">{t('at')}</th>
                    <th scope="col">{t('source')}</th>
                    <th scope="col">{t('kind')}</th>
                    <th scope="col">{t('summary')}</th>
                  </tr>
                </thead>
                <tbody>
                  {all
                    .flatMap((pg) => pg.entries)
                    .map((e) => (
                      <tr key={e.id}>
                        <td>
                          <When at={e.at} zone={zone} />
                        </td>
                        <td>{code(e.source)}</td>
                        <td>{e.kind}</td>
                        <td>
                          {e.summary}
                          {e.link && (
                            <>
                              {' '}
                              <a href={e.link} target="_blank" rel="noopener">
                                {t('openInTemporal')}
                              </a>
                            </>
                          )}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
              {last.next && (
                <button type="button" onClick={() => void more()}>
                  {t('moreEntries')}
                </button>
              )}
              {error && <Problem error={error} />}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function Actions({ c, accountId, session, changed }: { c: Collection | undefined; accountId: string; session: Session; changed: () => void }) {
  const base = `/v1/accounts/${encodeURIComponent(accountId)}`;
  const act =
    (path: string, extra: () => Record<string, unknown>, describe: (answer: Record<string, unknown>) => string, method: 'POST' | 'PUT' = 'POST') =>
    async (body: Record<string, unknown>) => {
      const answer = await post<Record<string, unknown>>(`${base}/${path}`, { ...extra(), ...body }, method);
      changed();
      return describe(answer);
    };
  const cur = c?.currency ?? 'CNY';
  const forms: {
    title: string;
    roles: Session['roles'];
    needsEpisode: boolean;
    fields: Field[];
    send: (b: Record<string, unknown>) => Promise<string>;
    initial?: Record<string, string>;
  }[] = [
    {
      title: t('promise'),
      roles: ['ops'],
      needsEpisode: true,
      fields: [f('date', 'date'), f('amount', 'yuan', true), f('source', 'text')],
      initial: { source: 'console' },
      send: act(
        'promises',
        () => ({ promiseId: newId('P') }),
        (a) => `${String(a['date'])} · ${money(Number(a['due']), cur)} · ${code(String(a['status']))}`,
      ),
    },
    {
      title: t('dispute'),
      roles: ['ops'],
      needsEpisode: true,
      fields: [f('amount', 'yuan'), f('reason', 'text'), f('billId', 'text', true)],
      send: act(
        'disputes',
        () => ({ disputeId: newId('D') }),
        (a) => `${code(String(a['status']))} · ${t('balance')} ${money(Number(a['balance']), cur)}`,
      ),
    },
    {
      title: t('installments'),
      roles: ['ops'],
      needsEpisode: true,
      fields: [f('installments', 'installments'), f('source', 'text')],
      initial: { source: 'console' },
      send: act(
        'installment-plans',
        () => ({ planId: newId('IP') }),
        (a) => `${String(a['planId'])} · ${code(String(a['status']))}`,
      ),
    },
    {
      title: t('waiver'),
      roles: ['ops', 'finance'],
      needsEpisode: true,
      fields: [f('amount', 'yuan'), f('reason', 'text'), f('note', 'text', true)],
      send: act(
        'late-fee-waivers',
        () => ({ adjustmentId: newId('W') }),
        (a) => `${t('lateFeeDue')} ${money(Number((a['lateFee'] as { due?: number } | undefined)?.due ?? a['due'] ?? 0), cur)}`,
      ),
    },
    {
      title: t('pause'),
      roles: ['ops'],
      needsEpisode: true,
      fields: [f('reason', 'text'), f('until', 'instant', true)],
      send: act(
        'pause',
        () => ({ requestId: newId('S') }),
        (a) => `${code(String(a['kind']))} · ${code(String(a['service']))}`,
      ),
    },
    {
      title: t('resume'),
      roles: ['ops'],
      needsEpisode: true,
      fields: [f('reason', 'text')],
      send: act(
        'resume',
        () => ({ requestId: newId('S') }),
        (a) => `${code(String(a['kind']))} · ${code(String(a['service']))}`,
      ),
    },
    {
      title: t('escalate'),
      roles: ['ops'],
      needsEpisode: true,
      fields: [f('reason', 'text')],
      send: act(
        'escalate',
        () => ({ requestId: newId('S') }),
        (a) => `${code(String(a['kind']))} · ${typeof a['stepId'] === 'string' ? a['stepId'] : ''}`,
      ),
    },
    {
      title: t('contactPreferences'),
      roles: ['ops'],
      needsEpisode: false,
      fields: [f('optOut', 'bool'), f('secondNumber', 'text', true), f('start', 'text', true), f('end', 'text', true), f('source', 'text')],
      initial: { source: 'console' },
      send: async (b) => {
        const { start, end, ...rest } = b;
        const body = { ...rest, ...(start || end ? { preferredHours: { start, end } } : {}) };
        const a = await post<Record<string, unknown>>(`${base}/contact-preferences`, body, 'PUT');
        changed();
        return `${t('optOut')}: ${a['optOut'] ? t('yes') : t('no')}`;
      },
    },
    {
      title: t('writeOff'),
      roles: ['finance'],
      needsEpisode: true,
      fields: [f('reason', 'text'), f('note', 'text', true)],
      send: act(
        'write-off',
        () => ({ writeOffId: newId('WO') }),
        (a) => `${money(Number(a['amount']), cur)} · ${code(String(a['status']))}`,
      ),
    },
    {
      title: t('openCase'),
      roles: ['legal'],
      needsEpisode: true,
      fields: [f('caseNumber', 'text', true)],
      send: async (b) => {
        const a = await post<Record<string, unknown>>('/v1/legal/cases', { caseId: newId('C'), accountId, ...b });
        changed();
        return `${String(a['caseNumber'])} · ${code(String(a['state']))}`;
      },
    },
  ];
  const allowed = forms.filter((x) => hasRole(session, ...x.roles) && (!x.needsEpisode || c));
  if (allowed.length === 0) return null;
  return (
    <section aria-labelledby="actions-h">
      <h2 id="actions-h">{t('actions')}</h2>
      {allowed.map((x) => (
        <details class="action" key={x.title}>
          <summary>{x.title}</summary>
          <ActionForm title={x.title} fields={x.fields} send={x.send} {...(x.initial ? { initial: x.initial } : {})} />
        </details>
      ))}
    </section>
  );
}

export function AccountScreen({ accountId, session }: { accountId: string; session: Session }) {
  const [version, setVersion] = useState(0);
  const episode = useLoad(
    () =>
      get<Collection>(`/v1/accounts/${encodeURIComponent(accountId)}/collection`).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    [accountId, version],
  );
  const c = episode.data ?? undefined;
  return (
    <section>
      <h1>
        {t('account')} {accountId}
      </h1>
      <p>
        <a href={href('accounts')}>← {t('accounts')}</a>
      </p>
      <Show loaded={episode}>
        {(v) =>
          v === null ? (
            <p role="status">{t('noEpisode')}</p>
          ) : (
            <div class="grid">
              <div class="card">
                <dl class="facts" aria-label={t('episode')}>
                  <dt>{t('status')}</dt>
                  <dd>{code(v.status)}</dd>
                  <dt>{t('stage')}</dt>
                  <dd>{code(v.stage)}</dd>
                  <dt>{t('service')}</dt>
                  <dd>{code(v.service)}</dd>
                  <dt>{t('balance')}</dt>
                  <dd data-testid="balance">
                    <Money amount={v.balance} currency={v.currency} />
                  </dd>
                  <dt>{t('lateFeeDue')}</dt>
                  <dd data-testid="late-fee">{v.lateFee ? <Money amount={v.lateFee.due} currency={v.currency} /> : '—'}</dd>
                  <dt>{t('billed')}</dt>
                  <dd>
                    <Money amount={v.billed} currency={v.currency} />
                  </dd>
                  <dt>{t('paid')}</dt>
                  <dd>
                    <Money amount={v.paid} currency={v.currency} />
                  </dd>
                  <dt>{t('nextAction')}</dt>
                  <dd>
                    {v.next ? (
                      <>
                        {code(v.next.action)} · <When at={v.next.at} zone={v.timezone} />
                      </>
                    ) : (
                      '—'
                    )}
                  </dd>
                  <dt>{t('policyUsed')}</dt>
                  <dd>
                    {v.policy.id}@{v.policy.version}
                  </dd>
                  <dt>{t('episode')}</dt>
                  <dd>
                    {v.episodeId}
                    {v.workflowUrl && (
                      <>
                        {' '}
                        <a href={v.workflowUrl} target="_blank" rel="noopener">
                          {t('openInTemporal')}
                        </a>
                      </>
                    )}
                  </dd>
                  {v.litigation && (
                    <>
                      <dt>{t('case')}</dt>
                      <dd>
                        <a href={href(`legal/${encodeURIComponent(v.litigation.caseId)}`)}>{v.litigation.caseNumber}</a> · {code(v.litigation.status)}
                      </dd>
                    </>
                  )}
                </dl>
              </div>
              <div class="card">
                <table aria-label={t('lines')}>
                  <thead>
                    <tr>
                      <th scope="col">{t('line')}</th>
                      <th scope="col">{t('service')}</th>
                      <th scope="col">{t('state')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.lines.map((l) => (
                      <tr key={l.lineId}>
                        <th scope="row">
                          {l.lineId}
                          {l.number ? ` (${l.number})` : ''}
                        </th>
                        <td>{l.service}</td>
                        <td>{code(l.state)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          )
        }
      </Show>
      {episode.data !== undefined && <Actions c={c} accountId={accountId} session={session} changed={() => setVersion((n) => n + 1)} />}
      <Timeline accountId={accountId} zone={c?.timezone} version={version} />
    </section>
  );
}
