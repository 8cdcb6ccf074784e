// Legal: the cases by state and next deadline, and a case page with its history, deadlines, the
// money, the steps allowed now (a form for each, for legal keys) and the evidence pack. A step the
// case refuses (another person moved it meanwhile) is explained: the state it is in and what fits now.
import { useState } from 'preact/hooks';
import { ApiError, get, hasRole, htmlUrl, newId, post, type Session } from '../api';
import { code, money, t } from '../i18n';
import { go, href } from '../router';
import { CASE_STATES, STEP_FIELDS } from '../tables';
import { ActionForm, Money, Problem, Show, useLoad, When } from '../ui';

interface CaseRow {
  caseId: string;
  caseNumber: string;
  accountId: string;
  state: string;
  currency: string;
  principal: number;
  nextDeadline: string | null;
  nextDeadlineKind: string | null;
  court: string | null;
}
interface Deadline {
  key: string;
  kind: string;
  due: string;
  status: string;
}
interface CaseView {
  caseId: string;
  caseNumber: string;
  accountId: string;
  state: string;
  currency: string;
  court?: string;
  procedure?: string;
  courtCaseNumber?: string;
  money: { balance: number; lateFee: number; principal: number; paidSinceReferral: number; collectedByEnforcement: number };
  allowedSteps: string[];
  deadlines: Deadline[];
  history: (
    | { kind: 'step'; stepId: string; step: string; at: string; from: string; to: string }
    | { kind: 'deadline'; key: string; deadline: string; at: string; from: string; to: string }
  )[];
}

/** The court's zone: deadlines end on court days in UTC+08:00 (China). */
const COURT_ZONE = 'Asia/Shanghai';

function CaseList({ query }: { query: URLSearchParams }) {
  const qs = query.toString();
  const page = useLoad(() => get<{ cases: CaseRow[]; next?: string }>(`/v1/legal/cases${qs ? `?${qs}` : ''}`), [qs]);
  const [state, setState] = useState(query.get('state') ?? '');
  const [before, setBefore] = useState(query.get('deadlineBefore') ?? '');
  const apply = (e: Event) => {
    e.preventDefault();
    go('legal', { ...(state ? { state } : {}), ...(before ? { deadlineBefore: new Date(before).toISOString() } : {}) });
  };
  return (
    <section>
      <h1>{t('legal')}</h1>
      <form class="filters" aria-label={t('filters')} onSubmit={apply}>
        <label for="case-state">
          {t('state')}
          <select id="case-state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">{t('any')}</option>
            {CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {code(s)}
              </option>
            ))}
          </select>
        </label>
        <label for="case-before">
          {t('deadlineBefore')}
          <input id="case-before" type="datetime-local" value={before.slice(0, 16)} onInput={(e) => setBefore(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t('apply')}
        </button>
        <a href={href('legal')}>{t('reset')}</a>
      </form>
      <Show loaded={page}>
        {(p) =>
          p.cases.length === 0 ? (
            <p role="status">{t('noRows')}</p>
          ) : (
            <>
              <table aria-label={t('cases')}>
                <thead>
                  <tr>
                    <th scope="col">{t('case')}</th>
                    <th scope="col">{t('accountId')}</th>
                    <th scope="col">{t('state')}</th>
                    <th scope="col">{t('nextDeadline')}</th>
                    <th scope="col" class="num">
                      {t('principal')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {p.cases.map((c) => (
                    <tr key={c.caseId}>
                      <th scope="row">
                        <a href={href(`legal/${encodeURIComponent(c.caseId)}`)}>{c.caseNumber}</a>
                      </th>
                      <td>
                        <a href={href(`accounts/${encodeURIComponent(c.accountId)}`)}>{c.accountId}</a>
                      </td>
                      <td>{code(c.state)}</td>
                      <td>
                        {c.nextDeadline ? (
                          <>
                            {code(c.nextDeadlineKind)} · <When at={c.nextDeadline} zone={COURT_ZONE} />
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td class="num">{money(c.principal, c.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {p.next && <a href={href('legal', { ...Object.fromEntries(query), after: p.next })}>{t('nextPage')}</a>}
            </>
          )
        }
      </Show>
    </section>
  );
}

function refusal(err: unknown): Error {
  if (err instanceof ApiError && err.status === 409 && typeof err.problem['state'] === 'string') {
    const allowed = (err.problem['allowedSteps'] as string[] | undefined) ?? [];
    return new Error(
      `${t('stepRefused')}: ${err.message} — ${t('stateNow')}: ${code(err.problem['state'])}; ${t('allowedNow')}: ${allowed.map(code).join(', ') || '—'}`,
    );
  }
  return err as Error;
}

function CasePage({ caseId, session }: { caseId: string; session: Session }) {
  const [version, setVersion] = useState(0);
  const view = useLoad(() => get<CaseView>(`/v1/legal/cases/${encodeURIComponent(caseId)}`), [caseId, version]);
  const [packError, setPackError] = useState<Error | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const openPack = async () => {
    try {
      window.open(await htmlUrl(`/v1/legal/cases/${encodeURIComponent(caseId)}/evidence?format=html`), '_blank');
    } catch (err) {
      setPackError(err as Error);
    }
  };
  return (
    <section>
      <p>
        <a href={href('legal')}>← {t('legal')}</a>
      </p>
      <Show loaded={view}>
        {(v) => (
          <>
            <h1>
              {t('case')} {v.caseNumber}
            </h1>
            <div class="grid">
              <dl class="facts card" aria-label={t('case')}>
                <dt>{t('state')}</dt>
                <dd data-testid="case-state">{code(v.state)}</dd>
                <dt>{t('accountId')}</dt>
                <dd>
                  <a href={href(`accounts/${encodeURIComponent(v.accountId)}`)}>{v.accountId}</a>
                </dd>
                <dt>{t('principal')}</dt>
                <dd>
                  <Money amount={v.money.principal} currency={v.currency} />
                </dd>
                <dt>{t('balance')}</dt>
                <dd>
                  <Money amount={v.money.balance} currency={v.currency} />
                </dd>
                <dt>{t('lateFeeDue')}</dt>
                <dd>
                  <Money amount={v.money.lateFee} currency={v.currency} />
                </dd>
                {v.court && (
                  <>
                    <dt>{t('court')}</dt>
                    <dd>
                      {v.court}
                      {v.courtCaseNumber ? ` (${v.courtCaseNumber})` : ''}
                    </dd>
                  </>
                )}
                <dt>{t('evidencePack')}</dt>
                <dd>
                  <button type="button" onClick={() => void openPack()}>
                    {t('evidencePack')}
                  </button>
                  {packError && <Problem error={packError} />}
                </dd>
              </dl>
              <div class="card">
                <table aria-label={t('deadlines')}>
                  <caption>{t('deadlines')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('kind')}</th>
                      <th scope="col">{t('due')}</th>
                      <th scope="col">{t('status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.deadlines.map((d) => (
                      <tr key={d.key}>
                        <td>{code(d.kind)}</td>
                        <td>
                          <When at={d.due} zone={COURT_ZONE} />
                        </td>
                        <td>{code(d.status)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
            <h2 id="history-h">{t('history')}</h2>
            <table aria-labelledby="history-h">
              <thead>
                <tr>
                  <th scope="col">{t('at')}</th>
                  <th scope="col">{t('step')}</th>
                  <th scope="col">{t('state')}</th>
                </tr>
              </thead>
              <tbody>
                {v.history.map((h) => (
                  <tr key={h.kind === 'step' ? h.stepId : h.key}>
                    <td>
                      <When at={h.at} zone={COURT_ZONE} />
                    </td>
                    <td>{h.kind === 'step' ? code(h.step) : code(h.deadline)}</td>
                    <td>
                      {code(h.from)} → {code(h.to)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {hasRole(session, 'legal') && (
              <section aria-labelledby="steps-h">
                <h2 id="steps-h">{t('allowedSteps')}</h2>
                {last && (
                  <p role="status" class="answer">
                    {t('answer')}: {last}
                  </p>
                )}
                {v.allowedSteps.length === 0 && <p>{t('noSteps')}</p>}
                {v.allowedSteps.map((step) => (
                  <details class="action" key={`${step}-${v.state}`}>
                    <summary>{code(step)}</summary>
                    <ActionForm
                      title={code(step)}
                      fields={STEP_FIELDS[step] ?? []}
                      send={async (body) => {
                        try {
                          const a = await post<{ state: string; allowedSteps: string[] }>(`/v1/legal/cases/${encodeURIComponent(caseId)}/steps`, {
                            stepId: newId('S'),
                            step,
                            ...body,
                          });
                          const text = `${code(step)} → ${t('stateNow')}: ${code(a.state)}; ${t('allowedNow')}: ${a.allowedSteps.map(code).join(', ') || '—'}`;
                          setLast(text);
                          setVersion((n) => n + 1);
                          return text;
                        } catch (err) {
                          throw refusal(err);
                        }
                      }}
                    />
                  </details>
                ))}
                <button type="button" onClick={() => setVersion((n) => n + 1)}>
                  {t('refresh')}
                </button>
              </section>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

export function LegalScreen({ caseId, query, session }: { caseId: string | undefined; query: URLSearchParams; session: Session }) {
  return caseId ? <CasePage caseId={caseId} session={session} /> : <CaseList query={query} />;
}
