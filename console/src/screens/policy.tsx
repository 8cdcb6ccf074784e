// The policy: each known policy's ladder as a table (rung, timing, window, threshold) and how many
// episodes run each version, linked to the account list of those episodes (GET /v1/policies).
import { get } from '../api';
import { code, count, money, t } from '../i18n';
import { href } from '../router';
import { Show, useLoad } from '../ui';

interface Policies {
  active: { name: string; version: number };
  policies: {
    name: string;
    version: number;
    active: boolean;
    description?: string | null;
    ladder: {
      ladderName?: string;
      step: string;
      action: string;
      timing: string;
      afterDays: number | null;
      window: string | null;
      threshold: { amount: number; currency: string } | null;
      notes: string | null;
    }[];
    episodes: { open: number; ended: number };
  }[];
}

export function PolicyScreen() {
  const policies = useLoad(() => get<Policies>('/v1/policies'), []);
  return (
    <section>
      <h1>{t('policy')}</h1>
      <Show loaded={policies}>
        {(p) => (
          <>
            {p.policies.map((x) => {
              const id = `policy-${x.name}-${x.version}`;
              return (
                <section key={id} class="card" aria-labelledby={id}>
                  <h2 id={id}>
                    {x.name} · {t('version')} {x.version} {x.active && <span>({t('active')})</span>}
                  </h2>
                  {x.description && <p>{x.description}</p>}
                  <p>
                    {t('episodesRunning')} <strong>{count(x.episodes.open)}</strong>, {t('episodesEnded')} <strong>{count(x.episodes.ended)}</strong>{' '}
                    <a href={href('accounts', { policy: x.name, policyVersion: String(x.version) })}>{t('showAccounts')}</a>
                  </p>
                  <table aria-label={`${t('ladder')} ${x.name} ${x.version}`}>
                    <thead>
                      <tr>
                        {x.ladder.some((r) => r.ladderName) && <th scope="col">{t('ladder')}</th>}
                        <th scope="col">{t('step')}</th>
                        <th scope="col">{t('action')}</th>
                        <th scope="col">{t('timing')}</th>
                        <th scope="col">{t('window')}</th>
                        <th scope="col">{t('threshold')}</th>
                        <th scope="col">{t('notes')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {x.ladder.map((r) => (
                        <tr key={`${r.ladderName ?? ''}-${r.step}`}>
                          {x.ladder.some((l) => l.ladderName) && <td>{r.ladderName}</td>}
                          <th scope="row">{r.step}</th>
                          <td>{code(r.action)}</td>
                          <td>{r.timing}</td>
                          <td>{r.window ?? '—'}</td>
                          <td>{r.threshold ? money(r.threshold.amount, r.threshold.currency) : '—'}</td>
                          <td>{r.notes ?? '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              );
            })}
          </>
        )}
      </Show>
    </section>
  );
}
