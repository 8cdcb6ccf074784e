// Why: every process (api, worker, start, tests) reads the environment the same way, once,
// and fails fast with the name of the bad variable instead of misbehaving later.
import path from 'node:path';
import { z } from 'zod';

export const REPO_ROOT = path.resolve(__dirname, '..');

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  /** undefined: use embedded postgres. */
  readonly databaseUrl?: string;
  readonly temporal: {
    /** undefined: start a dev server. */
    readonly address?: string;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly uiUrl: string;
    readonly port: number;
    readonly uiPort: number;
  };
  readonly api: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly pgPort: number;
  readonly logLevel: LogLevel;
  readonly bins: { readonly temporalCli?: string; readonly testServer?: string };
  /** Episodes a worker keeps in memory between tasks (SDK default when unset); see README "Benchmarks". */
  readonly workerMaxCachedWorkflows?: number;
  /** Batch rows enrolled at once by the API's batch enrolment job (default 8). */
  readonly batchEnrolConcurrency?: number;
  /** Requests per API key per window (api/rate-limit.ts); `requests` 0: no limit. */
  readonly rateLimit: { readonly requests: number; readonly windowSeconds: number };
  /** Days personal data stays after an account's last episode ended (`npm run retention`, default 365). */
  readonly retentionDaysAfterEnd: number;
}

const port = z.string().regex(/^\d+$/, 'must be an integer').transform(Number).pipe(z.number().int().min(1, 'must be 1..65535').max(65535, 'must be 1..65535'));

const text = z.string().min(1);

const EnvSchema = z.object({
  DATABASE_URL: text.optional(),
  TEMPORAL_ADDRESS: text.optional(),
  TEMPORAL_NAMESPACE: text.default('default'),
  TEMPORAL_TASK_QUEUE: text.default('collection'),
  API_HOST: text.default('127.0.0.1'),
  API_PORT: port.optional(),
  TEMPORAL_UI_URL: z.url().optional(),
  DATA_DIR: text.optional(),
  PG_PORT: port.optional(),
  TEMPORAL_PORT: port.optional(),
  TEMPORAL_UI_PORT: port.optional(),
  TEMPORAL_CLI_PATH: text.optional(),
  TEMPORAL_TEST_SERVER_PATH: text.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_REQUESTS: z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number (0: no limit)')
    .transform(Number)
    .optional(),
  RATE_LIMIT_WINDOW_SECONDS: z
    .string()
    .regex(/^[1-9]\d{0,4}$/, 'must be 1..99999')
    .transform(Number)
    .optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional(),
  BATCH_ENROL_CONCURRENCY: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be 1..999')
    .transform(Number)
    .optional(),
  RETENTION_DAYS_AFTER_END: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a whole number of days')
    .transform(Number)
    .default(365),
});

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}

/** Parses the environment; throws an Error naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Only our variables; empty strings count as unset (so `FOO= npm start` means default).
  const input: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') input[key] = v.trim();
  }
  const parsed = EnvSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new Error(`Invalid environment variable ${name}=${JSON.stringify(input[name])}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  const uiPort = e.TEMPORAL_UI_PORT ?? 8233;
  const config: AppConfig = {
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${uiPort}`,
      port: e.TEMPORAL_PORT ?? 7233,
      uiPort,
    },
    api: { host: e.API_HOST, port: e.API_PORT ?? 3000 },
    dataDir: path.resolve(e.DATA_DIR ?? path.join(REPO_ROOT, '.data')),
    pgPort: e.PG_PORT ?? 5433,
    logLevel: e.LOG_LEVEL,
    // 500 requests per 10 s per key: far above a person's use, a runaway script gets 429s.
    rateLimit: { requests: e.RATE_LIMIT_REQUESTS ?? 500, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS ?? 10 },
    bins: { temporalCli: e.TEMPORAL_CLI_PATH, testServer: e.TEMPORAL_TEST_SERVER_PATH },
    ...(e.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    ...(e.BATCH_ENROL_CONCURRENCY !== undefined ? { batchEnrolConcurrency: e.BATCH_ENROL_CONCURRENCY } : {}),
    retentionDaysAfterEnd: e.RETENTION_DAYS_AFTER_END,
  };
  return deepFreeze(config);
}
