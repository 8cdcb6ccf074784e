// Batches: upload a CSV of overdue bills or of payments (billing), watch its progress, read its
// rejected rows (row number, field, message). Ops may follow a batch by its id.
import { useEffect, useState } from 'preact/hooks';
import { get, hasRole, upload, type Session } from '../api';
import { count, t, type Key } from '../i18n';
import { go, href } from '../router';
import { Problem, Show, useLoad, When } from '../ui';

type Kind = 'arrears' | 'payments';
interface Counts {
  rows: number;
  pending: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  enrolled: number;
}
interface BatchPage {
  batchId: string;
  kind: Kind;
  state: 'received' | 'enrolling' | 'done';
  createdAt: string;
  counts: Counts;
  rejectedRows: { row: number; errors: { field: string; message: string }[] }[];
  next?: string;
}

const base = (kind: Kind) => (kind === 'payments' ? '/v1/payments/batches' : '/v1/arrears/batches');
const COUNTS: [keyof Counts, Key][] = [
  ['rows', 'rows'],
  ['pending', 'pending'],
  ['accepted', 'accepted'],
  ['updated', 'updatedRows'],
  ['unchanged', 'unchanged'],
  ['rejected', 'rejected'],
  ['enrolled', 'enrolled'],
];

function Upload() {
  const [kind, setKind] = useState<Kind>('arrears');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const b = await upload<BatchPage>(base(kind), file, 'text/csv');
      go(`batches/${kind}/${encodeURIComponent(b.batchId)}`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action" aria-label={t('upload')} onSubmit={(e) => void submit(e)}>
      <label for="batch-kind">
        {t('batchKind')}
        <select id="batch-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
          <option value="arrears">{t('arrears')}</option>
          <option value="payments">{t('payments')}</option>
        </select>
      </label>
      <label for="batch-file">
        {t('file')}
        <input id="batch-file" type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </label>
      <button type="submit" class="primary" disabled={busy || !file}>
        {t('upload')}
      </button>
      {error && <Problem error={error} />}
    </form>
  );
}

function Batch({ kind, batchId }: { kind: Kind; batchId: string }) {
  const [after, setAfter] = useState(0);
  const [tick, setTick] = useState(0);
  const batch = useLoad(() => get<BatchPage>(`${base(kind)}/${encodeURIComponent(batchId)}?after=${after}&limit=100`), [kind, batchId, after, tick]);
  // watch the progress: ask again every second until no row is pending
  const state = batch.data?.state;
  useEffect(() => {
    if (!state || state === 'done') return;
    const timer = setTimeout(() => setTick((n) => n + 1), 1000);
    return () => clearTimeout(timer);
  }, [state, tick]);
  return (
    <Show loaded={batch}>
      {(b) => (
        <section aria-labelledby="batch-h">
          <h2 id="batch-h">
            {t('batch')} {b.batchId}
          </h2>
          <p>
            {t(b.kind === 'payments' ? 'payments' : 'arrears')} · <When at={b.createdAt} />
          </p>
          <p role="status" data-testid="batch-state">
            {t('progress')}: {b.state} ({count(b.counts.rows - b.counts.pending)} / {count(b.counts.rows)})
          </p>
          <progress max={b.counts.rows || 1} value={b.counts.rows - b.counts.pending} aria-label={t('progress')} />
          <table aria-label={t('batch')}>
            <tbody>
              {COUNTS.map(([k, label]) => (
                <tr key={k}>
                  <th scope="row">{t(label)}</th>
                  <td class="num">{count(b.counts[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 id="rejected-h">{t('rejectedRows')}</h3>
          {b.rejectedRows.length === 0 ? (
            <p>{t('noRows')}</p>
          ) : (
            <table aria-labelledby="rejected-h">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    {t('row')}
                  </th>
                  <th scope="col">{t('field')}</th>
                  <th scope="col">{t('message')}</th>
                </tr>
              </thead>
              <tbody>
                {b.rejectedRows.flatMap((r) =>
                  r.errors.map((e, i) => (
                    <tr key={`${r.row}-${i}`}>
                      <td class="num">{r.row}</td>
                      <td>{e.field}</td>
                      <td>{e.message}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
          {b.next && (
            <button type="button" onClick={() => setAfter(Number(b.next))}>
              {t('nextPage')}
            </button>
          )}
        </section>
      )}
    </Show>
  );
}

export function BatchesScreen({ kind, batchId, session }: { kind: string | undefined; batchId: string | undefined; session: Session }) {
  const [lookup, setLookup] = useState({ kind: 'arrears' as Kind, id: '' });
  return (
    <section>
      <h1>{t('batches')}</h1>
      {hasRole(session, 'billing') && <Upload />}
      <form
        class="filters"
        aria-label={t('batch')}
        onSubmit={(e) => {
          e.preventDefault();
          if (lookup.id) go(`batches/${lookup.kind}/${encodeURIComponent(lookup.id)}`);
        }}
      >
        <label for="lookup-kind">
          {t('batchKind')}
          <select id="lookup-kind" value={lookup.kind} onChange={(e) => setLookup((l) => ({ ...l, kind: e.currentTarget.value as Kind }))}>
            <option value="arrears">{t('arrears')}</option>
            <option value="payments">{t('payments')}</option>
          </select>
        </label>
        <label for="lookup-id">
          {t('batch')}
          <input id="lookup-id" value={lookup.id} onInput={(e) => setLookup((l) => ({ ...l, id: e.currentTarget.value.trim() }))} />
        </label>
        <button type="submit">{t('apply')}</button>
      </form>
      {batchId && (kind === 'arrears' || kind === 'payments') && <Batch key={`${kind}/${batchId}`} kind={kind} batchId={batchId} />}
      {batchId && <a href={href('batches')}>{t('reset')}</a>}
    </section>
  );
}
