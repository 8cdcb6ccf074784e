// The work queue: claim the next open task of a queue, read the account's story beside it, and
// complete it with an outcome form that offers only what the task's queue takes.
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import { code, money, t } from '../i18n';
import { go, href } from '../router';
import { OUTCOME_FIELDS, OUTCOMES_BY_QUEUE, TASK_QUEUES, type TaskQueue } from '../tables';
import { ActionForm, Problem, Show, useLoad, When } from '../ui';
import { Timeline, type Collection } from './account';

interface Task {
  taskId: string;
  queue: TaskQueue;
  accountId: string;
  stepId: string;
  status: 'open' | 'claimed' | 'done';
  detail: Record<string, unknown>;
  dueAt: string;
  claimedBy: string | null;
  outcome: Record<string, unknown> | null;
}
interface TaskPage {
  tasks: Task[];
  next?: string;
}
interface Completion {
  task: Task;
  delivered: boolean;
  followUp?: string;
  promise?: { promiseId: string; date: string; due: number; status: string };
  dispute?: { disputeId: string; status: string; balance: number };
  review?: { decision: string };
}

const taskPath = (taskId: string, verb: string) => `/v1/tasks/${encodeURIComponent(taskId)}/${verb}`;

function Story({ accountId }: { accountId: string }) {
  const c = useLoad(
    () =>
      get<Collection>(`/v1/accounts/${encodeURIComponent(accountId)}/collection`).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    [accountId],
  );
  return (
    <section class="card" aria-labelledby="story-h">
      <h2 id="story-h">
        {t('story')}: <a href={href(`accounts/${encodeURIComponent(accountId)}`)}>{accountId}</a>
      </h2>
      <Show loaded={c}>
        {(v) =>
          v && (
            <dl class="facts">
              <dt>{t('status')}</dt>
              <dd>{code(v.status)}</dd>
              <dt>{t('balance')}</dt>
              <dd>{money(v.balance, v.currency)}</dd>
              <dt>{t('lateFeeDue')}</dt>
              <dd>{v.lateFee ? money(v.lateFee.due, v.currency) : '—'}</dd>
              <dt>{t('service')}</dt>
              <dd>{code(v.service)}</dd>
            </dl>
          )
        }
      </Show>
      {c.data !== undefined && <Timeline accountId={accountId} zone={c.data?.timezone} version={0} />}
    </section>
  );
}

function Current({ taskId, queue }: { taskId: string; queue: TaskQueue }) {
  const [version, setVersion] = useState(0);
  // the task as the queue lists it: claimed by me, or done
  const task = useLoad(async () => {
    for (const status of ['claimed', 'done'] as const) {
      const page = await get<TaskPage>(`/v1/tasks?queue=${queue}&status=${status}&assignee=me&limit=200`);
      const found = page.tasks.find((x) => x.taskId === taskId);
      if (found) return found;
    }
    return null;
  }, [taskId, version]);
  const [outcome, setOutcome] = useState<string>('');
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const release = async () => {
    try {
      await post(taskPath(taskId, 'release'), {});
      go('tasks', { queue });
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Show loaded={task}>
      {(x) =>
        !x ? (
          <p role="status">{t('queueEmpty')}</p>
        ) : (
          <div class="grid work">
            <section class="card" aria-labelledby="task-h">
              <h2 id="task-h">
                {t('task')}: {code(x.queue)} · {x.stepId}
              </h2>
              <dl class="facts">
                <dt>{t('accountId')}</dt>
                <dd>{x.accountId}</dd>
                <dt>{t('status')}</dt>
                <dd>{code(x.status)}</dd>
                <dt>{t('due')}</dt>
                <dd>
                  <When at={x.dueAt} />
                </dd>
                {typeof x.detail['balance'] === 'number' && typeof x.detail['currency'] === 'string' && (
                  <>
                    <dt>{t('balance')}</dt>
                    <dd>{money(x.detail['balance'], x.detail['currency'])}</dd>
                  </>
                )}
              </dl>
              {x.status === 'claimed' ? (
                <>
                  <label for="outcome">
                    {t('outcome')}
                    <select id="outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
                      <option value="">—</option>
                      {OUTCOMES_BY_QUEUE[x.queue].map((o) => (
                        <option key={o} value={o}>
                          {code(o)}
                        </option>
                      ))}
                    </select>
                  </label>
                  {outcome && (
                    <ActionForm
                      key={outcome}
                      title={`${t('complete')}: ${code(outcome)}`}
                      submitLabel={t('complete')}
                      fields={OUTCOME_FIELDS[outcome] ?? []}
                      send={async (body) => {
                        const a = await post<Completion>(taskPath(taskId, 'complete'), { outcome, ...body });
                        const parts = [code(a.task.status)];
                        if (a.promise)
                          parts.push(
                            `${t('promise')} ${a.promise.date} ${money(a.promise.due, typeof x.detail['currency'] === 'string' ? x.detail['currency'] : 'CNY')} (${code(a.promise.status)})`,
                          );
                        if (a.dispute) parts.push(`${t('dispute')}: ${code(a.dispute.status)}`);
                        if (a.review) parts.push(code(a.review.decision));
                        if (a.followUp) parts.push(`${t('task')} ${a.followUp}`);
                        const text = parts.join(' · ');
                        setAnswer(text);
                        setVersion((n) => n + 1);
                        return text;
                      }}
                    />
                  )}
                  <p>
                    <button type="button" onClick={() => void release()}>
                      {t('release')}
                    </button>
                  </p>
                </>
              ) : (
                <p role="status">
                  {t('done')}: {code(typeof x.outcome?.['outcome'] === 'string' ? x.outcome['outcome'] : null)}
                  {answer && (
                    <>
                      <br />
                      {t('answer')}: {answer}
                    </>
                  )}
                </p>
              )}
              {error && <Problem error={error} />}
            </section>
            <Story accountId={x.accountId} />
          </div>
        )
      }
    </Show>
  );
}

export function WorkQueueScreen({ query }: { query: URLSearchParams }) {
  const q = query.get('queue');
  const queue: TaskQueue = (TASK_QUEUES as readonly string[]).includes(q ?? '') ? (q as TaskQueue) : 'manual_call';
  const taskId = query.get('task');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const mine = useLoad(() => get<TaskPage>(`/v1/tasks?queue=${queue}&status=claimed&assignee=me&limit=50`), [queue, taskId]);
  const claimNext = async () => {
    setMessage(null);
    setError(null);
    try {
      // oldest due first; someone else may take one between the list and the claim: try the next
      const open = await get<TaskPage>(`/v1/tasks?queue=${queue}&status=open&limit=20`);
      for (const x of open.tasks) {
        try {
          await post(taskPath(x.taskId, 'claim'), {});
          go('tasks', { queue, task: x.taskId });
          return;
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 409)) throw err;
        }
      }
      setMessage(t('queueEmpty'));
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section>
      <h1>{t('workQueue')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="queue">
          {t('queue')}
          <select id="queue" value={queue} onChange={(e) => go('tasks', { queue: e.currentTarget.value })}>
            {TASK_QUEUES.map((x) => (
              <option key={x} value={x}>
                {code(x)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={() => void claimNext()}>
          {t('claimNext')}
        </button>
      </form>
      {message && <p role="status">{message}</p>}
      {error && <Problem error={error} />}
      <Show loaded={mine}>
        {(p) =>
          p.tasks.length > 0 && (
            <nav aria-label={t('myTasks')}>
              <h2>{t('myTasks')}</h2>
              <ul>
                {p.tasks.map((x) => (
                  <li key={x.taskId}>
                    <a href={href('tasks', { queue, task: x.taskId })} aria-current={x.taskId === taskId ? 'page' : undefined}>
                      {x.accountId} · {x.stepId}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )
        }
      </Show>
      {taskId && <Current key={taskId} taskId={taskId} queue={queue} />}
    </section>
  );
}
