// Records workflow histories for the replay test: `npm run record-histories`. Run it when a new
// workflow version ships, and commit the new files next to the old ones: every recorded history
// must keep replaying, which is how a non-deterministic change to running workflows is caught.
// Uses a throw-away embedded PostgreSQL and the time-skipping test server.
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { ProviderSimulator } from '../../activities/providers/simulator';
import { CollectionClient } from '../../api/collection-client';
import { LitigationClient } from '../../api/litigation-client';
import { litigationWorkflowId } from '../../workflows/litigation-messages';
import type { CaseStep } from '../../domain/litigation';
import { quietTemporalRuntime } from '../../config/logger';
import { withThrowawayDatabase } from '../../db/throwaway';
import { accountLinesStore } from '../../db/stores/account-lines';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { testServerPath } from '../../scripts/temporal-bins';
import { createCollectionWorker } from '../../worker/create-worker';
import { testReplayDataConverter } from './test-payload-key';
import {
  addChargeSignal,
  agreeInstallmentsUpdate,
  callOutcomeSignal,
  collectionWorkflowId,
  contactPreferenceSignal,
  decideReviewUpdate,
  openDisputeUpdate,
  postPaymentUpdate,
  promiseToPayUpdate,
  resolveDisputeUpdate,
  waiveLateFeeUpdate,
  writeOffUpdate,
  wrongNumberSignal,
  pauseEpisodeUpdate,
  resumeEpisodeUpdate,
  escalateEpisodeUpdate,
  skipRungUpdate,
  emergencyRestoreUpdate,
} from '../../workflows/messages';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { ListFlag } from '../../domain/policy/types';

const OUT = path.join(__dirname, 'histories');
const ZONE = 'Asia/Shanghai';

async function main(): Promise<void> {
  const label = process.argv[2] ?? 'v1';
  quietTemporalRuntime();
  await withThrowawayDatabase({ name: 'record', port: 54000 + (process.pid % 1000), fast: true }, async ({ pool }) => {
    // Encrypted like production (ADR 20), with the fixed test key the replay test decrypts with.
    const dataConverter = testReplayDataConverter();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServerPath() } },
      client: { dataConverter },
    });
    try {
      const simulator = new ProviderSimulator(pool);
      const worker = await createCollectionWorker({
        connection: env.nativeConnection,
        taskQueue: 'record',
        pool,
        providers: simulator.providers(),
        dataConverter,
      });
      const collection = new CollectionClient(env.client, 'record');
      let r7Case: string | undefined; // the case R7's legal_referral rung opens
      await worker.runUntil(async () => {
        const dueDate = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        const customer = (lists: ListFlag[]) => ({ name: '回放', phone: '13600000000', segment: 'consumer' as const, lists, timezone: ZONE });

        // 1. charge, partial payment, new bill, suspension, payment in full → restoration
        await collection.enrol({
          accountId: 'R1',
          customer: customer([]),
          bill: { billId: 'R1-B1', amount: 10_000, currency: 'CNY', dueDate },
          policy: DEFAULT_POLICY,
        });
        await env.sleep('20 days');
        await collection.postPayment('R1', { paymentId: 'R1-P1', amount: 2_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
        await collection.enrol({
          accountId: 'R1',
          customer: customer([]),
          bill: { billId: 'R1-B2', amount: 3_000, currency: 'CNY', dueDate: addDays(dueDate, 30) },
          policy: DEFAULT_POLICY,
        });
        await collection.recordCallOutcome('R1', { stepId: 'call-1', answered: true });
        await env.sleep('25 days');
        await collection.postPayment('R1', { paymentId: 'R1-P2', amount: 11_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'counter' });
        await env.client.workflow.getHandle(collectionWorkflowId('R1')).result();

        // 2. red list through to legal, then closed by legal; continue-as-new on the way
        await collection.enrol(
          { accountId: 'R2', customer: customer(['red']), bill: { billId: 'R2-B1', amount: 50_000, currency: 'CNY', dueDate }, policy: DEFAULT_POLICY },
          { continueAsNewAfterEvents: 60 },
        );
        await env.sleep('300 days');
        await env.client.workflow.getHandle(collectionWorkflowId('R2')).signal('closeEpisode', { reason: 'settled in court' });
        await env.client.workflow.getHandle(collectionWorkflowId('R2')).result();

        // 3. promise to pay (reminded, then broken), a late-fee waiver, then paid in full
        // (the test server's clock jumps after a result(): take dates afresh)
        const due3 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        await collection.enrol({
          accountId: 'R3',
          customer: customer([]),
          bill: { billId: 'R3-B1', amount: 8_000, currency: 'CNY', dueDate: due3 },
          policy: DEFAULT_POLICY,
        });
        await env.sleep('3 days');
        await collection.promiseToPay('R3', { promiseId: 'R3-PR1', date: addDays(localDateOf(await env.currentTimeMs(), ZONE), 5), source: 'call:record' });
        await env.client.workflow
          .getHandle(collectionWorkflowId('R3'))
          .executeUpdate(waiveLateFeeUpdate, { args: [{ adjustmentId: 'R3-W1', amount: 20, reason: 'goodwill' }] });
        await env.sleep('20 days');
        await collection.postPayment('R3', { paymentId: 'R3-P1', amount: 8_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'online' });
        await env.client.workflow.getHandle(collectionWorkflowId('R3')).result();

        // 4. dispute (part upheld), installment plan kept, write-off-free ending
        const due4 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        await collection.enrol({
          accountId: 'R4',
          customer: customer([]),
          bill: { billId: 'R4-B1', amount: 20_000, currency: 'CNY', dueDate: due4 },
          policy: DEFAULT_POLICY,
        });
        await env.sleep('2 days');
        await collection.openDispute('R4', { disputeId: 'R4-D1', amount: 4_000, reason: 'premium-rate calls' });
        await env.sleep('10 days');
        await collection.resolveDispute('R4', { disputeId: 'R4-D1', upheld: true, note: 'reversed' });
        const today4 = localDateOf(await env.currentTimeMs(), ZONE);
        await collection.agreeInstallments('R4', {
          planId: 'R4-PL',
          installments: [
            { dueDate: addDays(today4, 5), amount: 8_000 },
            { dueDate: addDays(today4, 35), amount: 8_000 },
          ],
          source: 'counter',
        });
        await collection.postPayment('R4', { paymentId: 'R4-P1', amount: 8_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
        await env.sleep('30 days');
        await collection.postPayment('R4', { paymentId: 'R4-P2', amount: 8_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
        await env.client.workflow.getHandle(collectionWorkflowId('R4')).result();

        // 5. repeats while the loop sleeps: each message twice (the second changes nothing and must
        // not wake the loop), a call outcome, opt-out and back, an installment plan, a write-off, closed
        const due5 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        const bill5 = { billId: 'R5-B1', amount: 30_000, currency: 'CNY', dueDate: due5 };
        await collection.enrol({ accountId: 'R5', customer: customer([]), bill: bill5, policy: DEFAULT_POLICY });
        await env.sleep('2 days');
        const r5 = env.client.workflow.getHandle(collectionWorkflowId('R5'));
        const twice = async (send: () => Promise<unknown>) => {
          await send();
          await send();
        };
        const paidAt = new Date().toISOString();
        await twice(() => r5.executeUpdate(postPaymentUpdate, { args: [{ paymentId: 'R5-P1', amount: 1_000, currency: 'CNY', paidAt, channel: 'bank' }] }));
        await twice(() => r5.signal(addChargeSignal, { bill: bill5 }));
        const today5 = localDateOf(await env.currentTimeMs(), ZONE);
        await twice(() => r5.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'R5-PR1', date: addDays(today5, 3), source: 'call:record' }] }));
        await twice(() => r5.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'R5-D1', amount: 2_000, reason: 'roaming' }] }));
        await twice(() => r5.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'R5-D1', upheld: false }] }));
        await twice(() => r5.executeUpdate(waiveLateFeeUpdate, { args: [{ adjustmentId: 'R5-W1', amount: 1, reason: 'goodwill' }] }));
        await r5.signal(callOutcomeSignal, { stepId: 'call-1', answered: false });
        await r5.signal(contactPreferenceSignal, { optOut: true, source: 'record' });
        await r5.signal(contactPreferenceSignal, { optOut: false, source: 'record' });
        await env.sleep('10 days');
        const later5 = localDateOf(await env.currentTimeMs(), ZONE);
        const installments = [
          { dueDate: addDays(later5, 5), amount: 15_000 },
          { dueDate: addDays(later5, 35), amount: 15_000 },
        ];
        await twice(() => r5.executeUpdate(agreeInstallmentsUpdate, { args: [{ planId: 'R5-PL', installments, source: 'counter' }] }));
        await twice(() => r5.executeUpdate(writeOffUpdate, { args: [{ writeOffId: 'R5-WO', reason: 'uncollectable', approvedBy: 'finance' }] }));
        await env.sleep('1 day');
        await r5.signal('closeEpisode', { reason: 'record' });
        await r5.result();

        // 6. red list: the number reported wrong after the SMS (voice and calls skipped), the one-way
        // suspension's review approved (taken in its window), the two-way suspension's rejected,
        // then paid in full (restoration)
        const due6 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        await collection.enrol({
          accountId: 'R6',
          customer: customer(['red']),
          bill: { billId: 'R6-B1', amount: 20_000, currency: 'CNY', dueDate: due6 },
          policy: DEFAULT_POLICY,
        });
        const r6 = env.client.workflow.getHandle(collectionWorkflowId('R6'));
        const untilStep = async (stepId: string) => {
          for (let day = 0; day < 90 && !(await collection.state('R6'))!.steps.some((x) => x.stepId === stepId); day++) await env.sleep('1 day');
        };
        await untilStep('sms');
        await r6.signal(wrongNumberSignal, { stepId: 'sms' });
        await untilStep('suspend-outgoing');
        await r6.executeUpdate(decideReviewUpdate, { args: [{ stepId: 'suspend-outgoing', approve: true, decidedBy: 'key:record' }] });
        await untilStep('suspend-full');
        await r6.executeUpdate(decideReviewUpdate, { args: [{ stepId: 'suspend-full', approve: false, reason: 'hardship', decidedBy: 'key:record' }] });
        await env.sleep('1 day');
        await collection.postPayment('R6', { paymentId: 'R6-P1', amount: 20_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'counter' });
        await r6.result();

        // 7. black list to legal: the legal_referral rung opens the case by itself (ADR 12); the court
        // accepts it (its number reaches the episode), enforcement collects part (a payment through
        // the payment path), an ordinary payment clears the rest: case closed collected, episode paid
        await collection.enrol({
          accountId: 'R7',
          customer: customer(['black']),
          bill: { billId: 'R7-B1', amount: 40_000, currency: 'CNY', dueDate: addDays(localDateOf(await env.currentTimeMs(), ZONE), -1) },
          policy: DEFAULT_POLICY,
        });
        let caseId: string | undefined;
        for (let day = 0; day < 400 && !caseId; day++) {
          caseId = (await collection.state('R7'))!.litigation?.caseId;
          if (!caseId) await env.sleep('1 day');
        }
        if (!caseId) throw new Error('R7 did not reach legal_referral');
        r7Case = caseId;
        const cases = new LitigationClient(env.client, 'record');
        const at = new Date(await env.currentTimeMs()).toISOString();
        const r7steps: Record<string, unknown>[] = [
          { step: 'accept' },
          { step: 'demand_letter_sent', sentAt: at, deadlineDays: 10 },
          { step: 'suit_filed', court: '朝阳区人民法院', claimAmount: 40_000, courtFee: 1_000, procedure: 'small_claims', filedAt: at },
          { step: 'case_accepted', courtCaseNumber: '(2026)京0105民初9号' },
          { step: 'judgment', amount: 40_000, costs: 500, servedAt: at },
          { step: 'enforcement_applied', at },
          { step: 'enforcement_collected', amount: 15_000 },
        ];
        for (const [i, st] of r7steps.entries()) await cases.step(caseId, { stepId: `R7-S${i}`, ...st } as CaseStep);
        for (let i = 0; i < 100 && (await collection.state('R7'))!.paid < 15_000; i++) await env.sleep('1 minute');
        await collection.postPayment('R7', { paymentId: 'R7-P1', amount: 25_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
        await env.client.workflow.getHandle(collectionWorkflowId('R7')).result();

        // 8. the limitation period (诉讼时效): a partial payment restarts it, then nothing for three
        // years: the alert 90 days before the expiry (a timer), the legal referral refused as
        // time-barred (with an alert), then closed by legal. A ladder whose referral comes late.
        const due8 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        const slowLegal = {
          ...DEFAULT_POLICY,
          id: 'slow-legal',
          ladders: {
            standard: [
              { id: 'sms', action: 'sms' as const, at: { kind: 'days_after_due' as const, days: 1 } },
              { id: 'legal-referral', action: 'legal_referral' as const, at: { kind: 'days_after_due' as const, days: 1_200 } },
            ],
            black: DEFAULT_POLICY.ladders['black']!,
          },
        };
        await collection.enrol({
          accountId: 'R8',
          customer: customer([]),
          bill: { billId: 'R8-B1', amount: 10_000, currency: 'CNY', dueDate: due8 },
          policy: slowLegal,
        });
        await env.sleep('10 days');
        await collection.postPayment('R8', {
          paymentId: 'R8-P1',
          amount: 2_000,
          currency: 'CNY',
          paidAt: new Date(await env.currentTimeMs()).toISOString(),
          channel: 'bank',
        });
        await env.sleep('1210 days');
        const r8 = env.client.workflow.getHandle(collectionWorkflowId('R8'));
        await r8.signal('closeEpisode', { reason: 'time-barred: not pursued' });
        await r8.result();

        // 9. steering by hand (v6-steering): paused after the SMS and resumed, escalated (the voice
        // now), paused until a date (ends by itself), the next rung skipped, the suspension restored
        // by hand in an emergency, then paid in full
        const due9 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        await collection.enrol({
          accountId: 'R9',
          customer: customer([]),
          bill: { billId: 'R9-B1', amount: 20_000, currency: 'CNY', dueDate: due9 },
          policy: DEFAULT_POLICY,
        });
        const r9 = env.client.workflow.getHandle(collectionWorkflowId('R9'));
        const until9 = async (ok: (s: CollectionSnapshot) => boolean) => {
          for (let day = 0; day < 90 && !ok((await collection.state('R9'))!); day++) await env.sleep('1 day');
        };
        const steer = (requestId: string) => ({ requestId, reason: 'record', by: 'key:record' });
        await until9((s) => s.steps.some((x) => x.stepId === 'sms'));
        await r9.executeUpdate(pauseEpisodeUpdate, { args: [steer('R9-S1')] });
        await env.sleep('10 days');
        await r9.executeUpdate(resumeEpisodeUpdate, { args: [steer('R9-S2')] });
        await r9.executeUpdate(escalateEpisodeUpdate, { args: [steer('R9-S3')] });
        await until9((s) => s.steps.some((x) => x.stepId === 'voice'));
        await r9.executeUpdate(pauseEpisodeUpdate, { args: [{ ...steer('R9-S4'), until: (await env.currentTimeMs()) + 3 * 86_400_000 }] });
        await env.sleep('4 days');
        await r9.executeUpdate(skipRungUpdate, { args: [steer('R9-S5')] });
        await until9((s) => s.service === 'outgoing_barred');
        await r9.executeUpdate(emergencyRestoreUpdate, { args: [steer('R9-S6')] });
        await until9((s) => s.service === 'active');
        await env.sleep('1 day');
        await collection.postPayment('R9', { paymentId: 'R9-P1', amount: 20_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'counter' });
        await r9.result();

        // 10. accounts with lines (v7-lines, ADR 17): two lines (mobile, fixed) with linked suspension
        // (关联停机): the one-way suspension on both lines (a call each), then paid in full: both restored
        const due10 = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        const lines10 = [
          { lineId: 'L1', number: '13600000010', service: 'mobile' as const },
          { lineId: 'L2', number: '01060000010', service: 'fixed' as const },
        ];
        await accountLinesStore(pool).upsert('R10', lines10);
        await collection.enrol(
          {
            accountId: 'R10',
            customer: customer([]),
            bill: { billId: 'R10-B1', amount: 15_000, currency: 'CNY', dueDate: due10 },
            policy: { ...DEFAULT_POLICY, linkedSuspension: true },
          },
          { lines: lines10.map((l) => ({ lineId: l.lineId, service: l.service })) },
        );
        for (let day = 0; day < 120 && (await collection.state('R10'))!.service !== 'outgoing_barred'; day++) await env.sleep('1 day');
        await collection.postPayment('R10', { paymentId: 'R10-P1', amount: 15_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
        await env.client.workflow.getHandle(collectionWorkflowId('R10')).result();

        // C. contact preferences and the restoration queue (v7-contact): preferred evening hours and a
        // second number from the start, new hours by signal, a wrong number (the voice reminder to the
        // second number), then suspended, paid, the network refusing the restoration: a restoration
        // task, restored by hand
        const dueC = addDays(localDateOf(await env.currentTimeMs(), ZONE), -1);
        await pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ('RC', '回放', '13600000000', 'consumer', $1)", [
          ZONE,
        ]);
        await contactPreferencesStore(pool).record({ accountId: 'RC', optOut: false, secondNumber: '13600000001', source: 'record', setBy: 'key:record' });
        await collection.enrol(
          { accountId: 'RC', customer: customer([]), bill: { billId: 'RC-B1', amount: 20_000, currency: 'CNY', dueDate: dueC }, policy: DEFAULT_POLICY },
          { preferredHours: { start: '18:00', end: '20:00' }, secondNumber: true },
        );
        const untilC = async (ok: (s: CollectionSnapshot) => boolean) => {
          for (let day = 0; day < 90 && !ok((await collection.state('RC'))!); day++) await env.sleep('1 day');
        };
        await untilC((s) => s.steps.some((x) => x.stepId === 'sms'));
        await collection.setContactPreference('RC', { optOut: false, source: 'record', preferredHours: { start: '12:00', end: '14:00' }, secondNumber: true });
        await collection.reportWrongNumber('RC', 'sms');
        await untilC((s) => s.service === 'outgoing_barred');
        simulator.refuseNext('setServiceState:active', 1_000);
        await collection.postPayment('RC', { paymentId: 'RC-P1', amount: 20_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'counter' });
        let taskC: string | undefined;
        for (let i = 0; i < 100 && !taskC; i++) {
          taskC = (await pool.query<{ task_id: string }>("SELECT task_id FROM work_tasks WHERE account_id = 'RC' AND kind = 'restoration'")).rows[0]?.task_id;
          if (!taskC) await env.sleep('10 minutes');
        }
        await collection.recordRestoredByHand('RC', { taskId: taskC!, by: 'key:record' });
        await env.client.workflow.getHandle(collectionWorkflowId('RC')).result();
        simulator.refuseNext('setServiceState:active', 0);
      });

      fs.mkdirSync(OUT, { recursive: true });
      const r2 = await env.client.workflow.getHandle(collectionWorkflowId('R2')).describe();
      const runs: [string, string | undefined][] = [
        ['R1', undefined],
        ['R2-first-run', r2.raw.workflowExecutionInfo?.firstRunId ?? undefined],
        ['R2-last-run', undefined],
        ['R3', undefined],
        ['R4', undefined],
        ['R5', undefined],
        ['R6', undefined],
        ['R7', undefined],
        ['R8', undefined],
        ['R9', undefined],
        ['R10', undefined],
        ['RC', undefined],
      ];
      for (const [name, runId] of runs) {
        const history = await env.client.workflow.getHandle(collectionWorkflowId(name.split('-')[0]!), runId).fetchHistory();
        const file = path.join(OUT, `collection-${label}-${name}.json`);
        fs.writeFileSync(file, historyToJSON(history)); // the same format as `temporal workflow show -o json`
        console.log(`wrote ${path.relative(process.cwd(), file)} (${history.events?.length ?? 0} events)`);
      }
      // The litigation case R7's legal_referral rung opened (ADR 12): its own history, its steps, the
      // filing told to the episode and its closing by the money.
      if (!r7Case) throw new Error('R7 has no litigation case');
      const caseHistory = await env.client.workflow.getHandle(litigationWorkflowId(r7Case)).fetchHistory();
      const caseFile = path.join(OUT, `litigation-${label}-R7-case.json`);
      fs.writeFileSync(caseFile, historyToJSON(caseHistory));
      console.log(`wrote ${path.relative(process.cwd(), caseFile)} (${caseHistory.events?.length ?? 0} events)`);
    } finally {
      await env.teardown();
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
