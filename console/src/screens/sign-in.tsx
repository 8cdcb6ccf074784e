import { useState } from 'preact/hooks';
import { ApiError, signIn } from '../api';
import { t } from '../i18n';

export function SignIn() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await signIn(key.trim());
    } catch (err) {
      setError(err instanceof ApiError ? `${t('badKey')}: ${err.message}` : String(err));
    }
  };
  return (
    <section class="signin card">
      <h1>{t('signIn')}</h1>
      <form onSubmit={(e) => void submit(e)}>
        <p>
          <label for="api-key">
            {t('apiKey')}
            <input
              id="api-key"
              type="password"
              autoComplete="off"
              required
              value={key}
              aria-describedby="api-key-hint"
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          </label>
        </p>
        <p id="api-key-hint" class="muted">
          {t('apiKeyHint')}
        </p>
        <button type="submit" class="primary">
          {t('signIn')}
        </button>
        {error && <p role="alert">{error}</p>}
      </form>
    </section>
  );
}
