// The operations console: sign in with an API key, then the screens the key's roles allow.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { forgetKey, hasRole, session, signIn, storedKey, type Role, type Session } from './api';
import { lang, setLang, t, type Key } from './i18n';
import { href, route } from './router';
import { useSignal } from './state';
import { AccountScreen } from './screens/account';
import { AccountsScreen } from './screens/accounts';
import { BatchesScreen } from './screens/batches';
import { DashboardScreen } from './screens/dashboard';
import { LegalScreen } from './screens/legal';
import { PolicyScreen } from './screens/policy';
import { SignIn } from './screens/sign-in';
import { WorkQueueScreen } from './screens/work-queue';

/** The menu: each screen and the roles that see it (admin sees all). */
const SCREENS: { path: string; label: Key; roles: Role[] }[] = [
  { path: 'dashboard', label: 'dashboard', roles: ['ops', 'legal', 'finance', 'billing'] },
  { path: 'accounts', label: 'accounts', roles: ['ops', 'legal', 'finance'] },
  { path: 'tasks', label: 'workQueue', roles: ['ops'] },
  { path: 'legal', label: 'legal', roles: ['legal', 'ops'] },
  { path: 'batches', label: 'batches', roles: ['billing', 'ops'] },
  { path: 'policy', label: 'policy', roles: ['ops', 'legal', 'finance', 'billing'] },
];

function Screen({ s }: { s: Session }) {
  const r = useSignal(route);
  const [first = '', ...rest] = r.path;
  const screen = SCREENS.find((x) => x.path === first) ?? SCREENS.find((x) => hasRole(s, ...x.roles));
  if (!screen || !hasRole(s, ...screen.roles)) return <p role="alert">{t('notAllowed')}</p>;
  switch (screen.path) {
    case 'dashboard':
      return <DashboardScreen session={s} />;
    case 'accounts':
      return rest[0] ? <AccountScreen accountId={rest[0]} session={s} /> : <AccountsScreen query={r.query} />;
    case 'tasks':
      return <WorkQueueScreen query={r.query} />;
    case 'legal':
      return <LegalScreen caseId={rest[0]} query={r.query} session={s} />;
    case 'batches':
      return <BatchesScreen kind={rest[0]} batchId={rest[1]} session={s} />;
    default:
      return <PolicyScreen />;
  }
}

function App() {
  const l = useSignal(lang);
  const s = useSignal(session);
  const r = useSignal(route);
  const [checking, setChecking] = useState(() => !!storedKey() && !session.get());
  useEffect(() => {
    document.documentElement.lang = l;
    document.title = t('appName');
  }, [l]);
  useEffect(() => {
    const key = storedKey();
    if (key && !session.get())
      signIn(key).then(
        () => setChecking(false),
        () => {
          forgetKey();
          setChecking(false);
        },
      );
  }, []);
  const current = r.path[0] ?? '';
  return (
    <>
      <header class="bar">
        <strong>{t('appName')}</strong>
        {s && (
          <nav aria-label={t('menu')}>
            <ul>
              {SCREENS.filter((x) => hasRole(s, ...x.roles)).map((x) => (
                <li key={x.path}>
                  <a href={href(x.path)} aria-current={current === x.path ? 'page' : undefined}>
                    {t(x.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="who">
          {s && (
            <span>
              {t('roles')}: {s.roles.join(', ')}
              {s.agency ? ` (${s.agency})` : ''}
            </span>
          )}
          <button type="button" lang={l === 'en' ? 'zh-CN' : 'en'} onClick={() => setLang(l === 'en' ? 'zh-CN' : 'en')}>
            {t('switchLanguage')}
          </button>
          {s && (
            <button
              type="button"
              onClick={() => {
                forgetKey();
                location.hash = '';
              }}
            >
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      <main>{checking ? <p aria-busy="true">{t('loading')}</p> : s ? <Screen s={s} /> : <SignIn />}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
