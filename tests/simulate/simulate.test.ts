// The portfolio simulator: the example scenario through the real workflows, twice, and bad input.
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../simulate/run';
import { parseScenario } from '../../simulate/scenario';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { bundleWorkflows } from '../support/temporal';

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/scenario.json'), 'utf8'));
let db: FreshDatabase;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [db, bundle] = await Promise.all([freshDatabase(), bundleWorkflows()]);
});
afterAll(async () => {
  await db?.drop();
});

test('the example scenario runs on the real workflows, deterministically', async () => {
  const { scenario, policy } = parseScenario(example);
  const first = await runScenario(scenario, policy, { pool: db.pool, bundle, batchSize: 2, parallel: 2 });
  const byId = Object.fromEntries(first.accounts.map((a) => [a.id, a]));
  expect(byId['A1']!.final).toEqual({ status: 'paid', balance: 0, service: 'active' });
  expect(byId['A1']!.actions.map((a) => a.action)).toEqual(['sms', 'voice']);
  expect(byId['A1']!.actions[0]!.at).toBe('2026-01-02T09:30:00+08:00'); // shown in the account's offset, in the scenario's year
  expect(byId['A2']!.actions.map((a) => a.action)).toContain('restore');
  expect(byId['A3']!.actions.map((a) => a.action)).not.toContain('suspend_outgoing'); // red list
  expect(first.summary).toMatchObject({ accounts: 4, billed: 614_050, recovered: 42_050, restorations: 1 });
  expect(first.summary.maxRestoreMinutes).toBeLessThan(24 * 60);

  // a second run (another database, one batch instead of two at once) gives the same actions
  const again = await freshDatabase();
  try {
    const second = await runScenario(scenario, policy, { pool: again.pool, bundle, batchSize: 4, parallel: 1 });
    expect(second.accounts).toEqual(first.accounts);
  } finally {
    await again.drop();
  }
});

test('a bad scenario is refused with a message naming the fields', () => {
  expect(() => parseScenario({ ...example, accounts: [{ ...example.accounts[0], amount: 1.5 }] })).toThrow(/accounts\.0\.amount/);
  const inconsistent = { ...example, until: '2025-01-01T00:00:00+08:00', events: [{ ...example.events[0], account: 'NOPE' }] };
  expect(() => parseScenario(inconsistent)).toThrow(/until: must be after start[\s\S]*events\.0\.account: unknown account NOPE/);
  expect(() => parseScenario({ ...example, policy: { id: 'x' } })).toThrow(/policy\./);
});
