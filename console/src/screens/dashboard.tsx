// The dashboard: arrears by age, the recovery curve per enrolment month, restorations against the
// 24-hour rule, open work. Every figure comes from a report route (GET /v1/reports/…), computed in
// PostgreSQL and shared with other tools; each is shown as a chart and as a table.
import { ApiError, get, hasRole, type Role, type Session } from '../api';
import { code, count, money, percent, t } from '../i18n';
import { ChartCanvas, PALETTE } from '../chart';
import { Problem, useLoad, When, type Loaded } from '../ui';
import type { ComponentChildren } from 'preact';

interface Aging {
  asOf: string;
  buckets: { bucket: string; minDays: number; maxDays: number | null; currency: string; accounts: number; amount: number }[];
  totals: { currency: string; accounts: number; amount: number }[];
}
interface Recovery {
  points: number[];
  cohorts: { month: string; currency: string; accounts: number; billed: number; curve: { days: number; recovered: number; share: number }[] }[];
}
interface Restorations {
  ruleHours: number;
  count: number;
  withinRule: number;
  breaches: number;
  p50Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
  histogram: { bucket: string; upToSeconds: number | null; count: number }[];
  slowest: { accountId: string; lineId: string | null; paidAt: string; restoredAt: string; seconds: number }[];
  pending: number;
}
interface Workload {
  tasks: { queue: string; open: number; claimed: number; overdue: number }[];
  cases: { state: string; count: number }[];
  alerts: { open: number };
}

const seconds = (s: number | null) => (s === null ? '—' : count(Math.round(s)));

function Panel<T>({ id, title, loaded, children }: { id: string; title: string; loaded: Loaded<T | null>; children: (d: T) => ComponentChildren }) {
  let body: ComponentChildren;
  if (loaded.error) body = loaded.error instanceof ApiError && loaded.error.status === 404 ? <p>{t('notAvailable')}</p> : <Problem error={loaded.error} />;
  else if (loaded.data === undefined) body = <p aria-busy="true">{t('loading')}</p>;
  else if (loaded.data === null) return null;
  else body = children(loaded.data);
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {body}
    </section>
  );
}

/** A report the key's roles may read (null when they may not: the panel is left out). */
function useReport<T>(session: Session, path: string, roles: Role[]): Loaded<T | null> {
  return useLoad(() => (hasRole(session, ...roles) ? get<T>(path) : Promise.resolve(null)), [path, session.keyId]);
}

function AgingPanel({ a }: { a: Aging }) {
  const currencies = [...new Set(a.buckets.map((b) => b.currency))];
  const labels = [...new Set(a.buckets.map((b) => b.bucket))];
  return (
    <>
      <p class="muted">{a.asOf}</p>
      {a.buckets.length > 0 && (
        <ChartCanvas
          label={t('aginglabel')}
          config={{
            type: 'bar',
            data: {
              labels,
              datasets: currencies.map((c, i) => ({
                label: c,
                backgroundColor: PALETTE[i % PALETTE.length]!,
                data: labels.map((l) => (a.buckets.find((b) => b.bucket === l && b.currency === c)?.amount ?? 0) / 100),
              })),
            },
          }}
        />
      )}
      <table aria-label={t('aginglabel')}>
        <thead>
          <tr>
            <th scope="col">{t('bucket')}</th>
            <th scope="col">{t('currency')}</th>
            <th scope="col" class="num">
              {t('accountsCount')}
            </th>
            <th scope="col" class="num">
              {t('amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {a.buckets.map((b) => (
            <tr key={`${b.bucket}-${b.currency}`}>
              <th scope="row">
                {b.bucket} {t('days')}
              </th>
              <td>{b.currency}</td>
              <td class="num">{count(b.accounts)}</td>
              <td class="num">{money(b.amount, b.currency)}</td>
            </tr>
          ))}
          {a.totals.map((x) => (
            <tr key={`total-${x.currency}`}>
              <th scope="row">{t('total')}</th>
              <td>{x.currency}</td>
              <td class="num">{count(x.accounts)}</td>
              <td class="num">{money(x.amount, x.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RecoveryPanel({ r }: { r: Recovery }) {
  return (
    <>
      {r.cohorts.length > 0 && (
        <ChartCanvas
          label={t('recovery')}
          config={{
            type: 'line',
            data: {
              labels: r.points.map((p) => `${p}`),
              datasets: r.cohorts.map((c, i) => ({
                label: `${c.month} ${c.currency}`,
                borderColor: PALETTE[i % PALETTE.length]!,
                backgroundColor: PALETTE[i % PALETTE.length]!,
                data: c.curve.map((p) => p.share * 100),
              })),
            },
            options: { scales: { y: { min: 0, max: 100 } } },
          }}
        />
      )}
      <table aria-label={t('recovery')}>
        <thead>
          <tr>
            <th scope="col">{t('month')}</th>
            <th scope="col" class="num">
              {t('accountsCount')}
            </th>
            <th scope="col" class="num">
              {t('billed')}
            </th>
            {r.points.map((p) => (
              <th scope="col" class="num" key={p}>
                {p} {t('days')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {r.cohorts.map((c) => (
            <tr key={`${c.month}-${c.currency}`}>
              <th scope="row">{c.month}</th>
              <td class="num">{count(c.accounts)}</td>
              <td class="num">{money(c.billed, c.currency)}</td>
              {c.curve.map((p) => (
                <td class="num" key={p.days}>
                  {percent(p.share)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RestorationsPanel({ r }: { r: Restorations }) {
  return (
    <>
      <table aria-label={t('restorations')}>
        <tbody>
          {(
            [
              [t('count'), count(r.count)],
              [`${t('withinRule')} (${r.ruleHours} h)`, count(r.withinRule)],
              [t('breaches'), count(r.breaches)],
              [`p50 (${t('seconds')})`, seconds(r.p50Seconds)],
              [`p99 (${t('seconds')})`, seconds(r.p99Seconds)],
              [`max (${t('seconds')})`, seconds(r.maxSeconds)],
              [t('pending'), count(r.pending)],
            ] as const
          ).map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td class="num">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ChartCanvas
        label={`${t('restorations')}: ${t('count')}`}
        config={{
          type: 'bar',
          data: {
            labels: r.histogram.map((h) => h.bucket),
            datasets: [{ label: t('count'), backgroundColor: PALETTE[0]!, data: r.histogram.map((h) => h.count) }],
          },
          options: { plugins: { legend: { display: false } } },
        }}
      />
      <table aria-label={`${t('restorations')}: ${t('count')}`}>
        <thead>
          <tr>
            {r.histogram.map((h) => (
              <th scope="col" class="num" key={h.bucket}>
                {h.bucket}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {r.histogram.map((h) => (
              <td class="num" key={h.bucket}>
                {count(h.count)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {r.slowest.length > 0 && (
        <table aria-label={t('slowest')}>
          <caption>{t('slowest')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accountId')}</th>
              <th scope="col">{t('line')}</th>
              <th scope="col">{t('paidAt')}</th>
              <th scope="col">{t('restoredAt')}</th>
              <th scope="col" class="num">
                {t('seconds')}
              </th>
            </tr>
          </thead>
          <tbody>
            {r.slowest.map((s) => (
              <tr key={`${s.accountId}-${s.lineId}-${s.paidAt}`}>
                <th scope="row">{s.accountId}</th>
                <td>{s.lineId ?? '—'}</td>
                <td>
                  <When at={s.paidAt} />
                </td>
                <td>
                  <When at={s.restoredAt} />
                </td>
                <td class="num">{seconds(s.seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function WorkloadPanel({ w }: { w: Workload }) {
  return (
    <>
      <table aria-label={t('workload')}>
        <thead>
          <tr>
            <th scope="col">{t('queue')}</th>
            <th scope="col" class="num">
              {t('open')}
            </th>
            <th scope="col" class="num">
              {t('claimed')}
            </th>
            <th scope="col" class="num">
              {t('overdue')}
            </th>
          </tr>
        </thead>
        <tbody>
          {w.tasks.map((q) => (
            <tr key={q.queue}>
              <th scope="row">{code(q.queue)}</th>
              <td class="num">{count(q.open)}</td>
              <td class="num">{count(q.claimed)}</td>
              <td class="num">{count(q.overdue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label={t('casesByState')}>
        <caption>{t('casesByState')}</caption>
        <tbody>
          {w.cases.map((c) => (
            <tr key={c.state}>
              <th scope="row">{code(c.state)}</th>
              <td class="num">{count(c.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t('openAlerts')}: <strong data-testid="open-alerts">{count(w.alerts.open)}</strong>
      </p>
    </>
  );
}

export function DashboardScreen({ session }: { session: Session }) {
  const aging = useReport<Aging>(session, '/v1/reports/aging', ['ops', 'legal', 'finance', 'billing']);
  const recovery = useReport<Recovery>(session, '/v1/reports/recovery', ['ops', 'finance', 'billing']);
  const restorations = useReport<Restorations>(session, '/v1/reports/restorations', ['ops', 'finance']);
  const workload = useReport<Workload>(session, '/v1/reports/workload', ['ops', 'legal', 'finance']);
  return (
    <section>
      <h1>{t('dashboard')}</h1>
      <div class="grid">
        <Panel id="aging-h" title={t('aginglabel')} loaded={aging}>
          {(a) => <AgingPanel a={a} />}
        </Panel>
        <Panel id="workload-h" title={t('workload')} loaded={workload}>
          {(w) => <WorkloadPanel w={w} />}
        </Panel>
        <Panel id="recovery-h" title={t('recovery')} loaded={recovery}>
          {(r) => <RecoveryPanel r={r} />}
        </Panel>
        <Panel id="restorations-h" title={t('restorations')} loaded={restorations}>
          {(r) => <RestorationsPanel r={r} />}
        </Panel>
      </div>
    </section>
  );
}
