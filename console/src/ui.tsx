// Pieces every screen uses: loading a route's answer, times in two zones, money, and the action
// form (labelled fields, the route's answer or its refusal shown where a screen reader hears it).
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { code, money, parseYuan, t, timeIn, type Key } from './i18n';
import type { Field } from './tables';

export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
  reload: () => void;
}

/** GETs a route's answer (again when `deps` change, or on reload()). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export function Problem({ error }: { error: Error }) {
  const fields = error instanceof ApiError ? error.fields : [];
  return (
    <div role="alert" class="error">
      {error instanceof ApiError ? `${error.status}: ` : ''}
      {error.message}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error) return <Problem error={loaded.error} />;
  if (loaded.data === undefined) return <p aria-busy="true">{t('loading')}</p>;
  return <>{children(loaded.data)}</>;
}

/** An instant in the customer's zone (when known) and in the viewer's. */
export function When({ at, zone }: { at: string | null | undefined; zone?: string | undefined }) {
  if (!at) return <>—</>;
  return (
    <time dateTime={at}>
      {zone && (
        <>
          {timeIn(at, zone)}{' '}
          <span class="muted">
            ({t('customerTime')} {zone})
          </span>
          <br />
        </>
      )}
      {timeIn(at)} <span class="muted">({t('yourTime')})</span>
    </time>
  );
}

export function Money({ amount, currency }: { amount: number; currency: string }) {
  return <span class="money">{money(amount, currency)}</span>;
}

const FIELD_LABELS: Record<string, Key> = {
  note: 'note',
  reason: 'reason',
  date: 'date',
  amount: 'amountYuan',
  reference: 'reference',
  upheld: 'upheld',
  court: 'court',
  outcome: 'outcome',
  installments: 'installments',
};

export function fieldLabel(name: string): string {
  const key = FIELD_LABELS[name];
  return key ? t(key) : name;
}

type Values = Record<string, string | boolean>;

/** Turns typed-in values into the route's body fields; a message names the first bad one. */
export function toBody(fields: readonly Field[], values: Values): { body: Record<string, unknown> } | { problem: string } {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === 'bool') {
      body[f.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (!text) {
      if (f.optional) continue;
      return { problem: `${fieldLabel(f.name)}: ${t('required')}` };
    }
    if (f.kind === 'yuan' || f.kind === 'yuan0') {
      const minor = text === '0' && f.kind === 'yuan0' ? 0 : parseYuan(text);
      if (minor === undefined) return { problem: `${fieldLabel(f.name)}: ${text}` };
      body[f.name] = minor;
    } else if (f.kind === 'int') {
      if (!/^\d+$/.test(text)) return { problem: `${fieldLabel(f.name)}: ${text}` };
      body[f.name] = Number(text);
    } else if (f.kind === 'instant') {
      const d = new Date(text); // datetime-local: the viewer's zone
      if (Number.isNaN(d.getTime())) return { problem: `${fieldLabel(f.name)}: ${text}` };
      body[f.name] = d.toISOString();
    } else if (f.kind === 'installments') {
      const lines = text.split('\n').filter((l) => l.trim());
      const parsed = lines.map((l) => /^\s*(\d{4}-\d{2}-\d{2})\s+(\S+)\s*$/.exec(l));
      if (parsed.some((m) => !m || parseYuan(m[2]!) === undefined)) return { problem: `${fieldLabel(f.name)}: ${t('installmentsHint')}` };
      body[f.name] = parsed.map((m) => ({ dueDate: m![1], amount: parseYuan(m![2]!) }));
    } else {
      body[f.name] = text;
    }
  }
  return { body };
}

export function FieldInput({
  id,
  field,
  value,
  onInput,
}: {
  id: string;
  field: Field;
  value: string | boolean | undefined;
  onInput: (v: string | boolean) => void;
}) {
  const label = `${fieldLabel(field.name)}${field.optional ? '' : ' *'}`;
  const kind = field.kind;
  if (kind === 'bool') {
    return (
      <label class="inline" for={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onInput(e.currentTarget.checked)} />
        {fieldLabel(field.name)}
      </label>
    );
  }
  const common = {
    id,
    name: field.name,
    required: !field.optional,
    value: typeof value === 'string' ? value : '',
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
  };
  let input;
  if (typeof kind === 'object') {
    input = (
      <select {...common}>
        <option value="">—</option>
        {kind.choice.map((c) => (
          <option key={c} value={c}>
            {code(c)}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'installments') {
    input = <textarea {...common} rows={3} placeholder="2030-01-31 100.00" aria-describedby={`${id}-hint`} />;
  } else if (kind === 'date') {
    input = <input {...common} type="date" />;
  } else if (kind === 'instant') {
    input = <input {...common} type="datetime-local" />;
  } else if (kind === 'yuan' || kind === 'yuan0') {
    input = <input {...common} inputMode="decimal" pattern="\d+(\.\d{1,2})?" />;
  } else if (kind === 'int') {
    input = <input {...common} type="number" min={1} />;
  } else {
    input = <input {...common} type="text" />;
  }
  return (
    <label for={id}>
      {label}
      {input}
      {kind === 'installments' && (
        <span id={`${id}-hint`} class="muted">
          {t('installmentsHint')}
        </span>
      )}
    </label>
  );
}

let formSeq = 0;

/**
 * A form for one request: its fields, a submit button, and the answer. `send` gets the body built
 * from the fields and returns a one-line account of the answer.
 */
export function ActionForm({
  title,
  fields,
  send,
  submitLabel,
  initial,
}: {
  title: string;
  fields: readonly Field[];
  send: (body: Record<string, unknown>) => Promise<string>;
  submitLabel?: string;
  initial?: Values;
}) {
  const [prefix] = useState(() => `f${++formSeq}`);
  const [values, setValues] = useState<Values>(initial ?? {});
  const [result, setResult] = useState<{ ok: boolean; text: string; error?: Error } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const built = toBody(fields, values);
    if ('problem' in built) return setResult({ ok: false, text: built.problem });
    setBusy(true);
    try {
      setResult({ ok: true, text: await send(built.body) });
    } catch (err) {
      setResult({ ok: false, text: '', error: err as Error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action" aria-label={title} onSubmit={(e) => void submit(e)}>
      {fields.map((f) => (
        <FieldInput key={f.name} id={`${prefix}-${f.name}`} field={f} value={values[f.name]} onInput={(v) => setValues((s) => ({ ...s, [f.name]: v }))} />
      ))}
      <button type="submit" class="primary" disabled={busy}>
        {submitLabel ?? t('send')}
      </button>
      {result &&
        (result.ok ? (
          <p role="status" class="answer">
            {t('answer')}: {result.text}
          </p>
        ) : (
          <div>
            <strong>{t('refused')}</strong>
            {result.error ? <Problem error={result.error} /> : <p role="alert">{result.text}</p>}
          </div>
        ))}
    </form>
  );
}
