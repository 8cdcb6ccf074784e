// A time-skipping Temporal test server plus a worker running the real workflows and activities on
// a migrated database with the provider simulator: what every workflow test needs.
//
// The test server has one clock for all its workflows, so each test gets its own environment
// (~0.3 s) and workflows of one test cannot move another test's time; the workflow bundle is built
// once per file.
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Pool } from 'pg';
import { CollectionClient } from '../../api/collection-client';
import { ProviderSimulator } from '../../activities/providers/simulator';
import { testServerPath } from '../../scripts/temporal-bins';
import { createCollectionWorker, WORKFLOWS_PATH } from '../../worker/create-worker';
import { freshDatabase, type FreshDatabase } from './db';
import { REPO_ROOT } from '../../config';
import { configuredPayloadCodec, encryptingDataConverter } from '../../config/payload-codec';

/** The codec of every test client and worker: PAYLOAD_KEYS if set, else the dev key in .data (ADR 20). */
export function testDataConverter() {
  return encryptingDataConverter(configuredPayloadCodec(path.join(REPO_ROOT, '.data')));
}

let runtimeInstalled = false;
/** Keeps the SDK's INFO chatter out of test output. */
export function quietTemporalLogs(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // Core at ERROR: the time-skipping test server predates the SDK's heartbeat-capability check,
    // which warns once per worker.
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // already installed by another helper in this process
  }
}

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  quietTemporalLogs();
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
}

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  simulator: ProviderSimulator;
  collection: CollectionClient;
  client: Client;
  taskQueue: string;
  teardown(): Promise<void>;
}

export async function startWorkflowHarness(pool: Pool, bundle: WorkflowBundleWithSourceMap): Promise<WorkflowHarness> {
  quietTemporalLogs();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
    client: { dataConverter: testDataConverter() },
  });
  const taskQueue = `test-${randomUUID()}`;
  const simulator = new ProviderSimulator(pool);
  let worker: Worker;
  try {
    worker = await createCollectionWorker({
      connection: env.nativeConnection,
      taskQueue,
      pool,
      providers: simulator.providers(),
      dataConverter: testDataConverter(),
      tuning: { workflowBundle: bundle },
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const running = worker.run();
  return {
    env,
    simulator,
    client: env.client,
    collection: new CollectionClient(env.client, taskQueue),
    taskQueue,
    async teardown() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

export interface HarnessContext {
  /** The current test's harness (a fresh test server per test). */
  h: WorkflowHarness;
  /** The file's database. */
  db: FreshDatabase;
}

/**
 * Registers the jest hooks of a workflow test file: one database and one workflow bundle per
 * file, a fresh time-skipping environment and worker per test. Read `ctx.h` / `ctx.db` in tests.
 */
export function useWorkflowHarness(): HarnessContext {
  const ctx = {} as HarnessContext;
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    [ctx.db, bundle] = await Promise.all([freshDatabase(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await ctx.db?.drop();
  });
  beforeEach(async () => {
    ctx.h = await startWorkflowHarness(ctx.db.pool, bundle);
  });
  afterEach(async () => {
    await ctx.h?.teardown();
  });
  return ctx;
}
