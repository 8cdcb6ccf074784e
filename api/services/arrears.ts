// Billing posts an overdue bill: remember it (idempotent per bill id), then start the account's
// episode or add the bill to the running one (signal-with-start). A new episode starts with the
// account's stored opt-out (PUT …/contact-preferences); a running one got it as a signal.
import type { Pool, PoolClient } from 'pg';
import { accountLinesStore, type AccountLinesStore } from '../../db/stores/account-lines';
import { collectionRecords, type CollectionRecords } from '../../db/stores/collection-records';
import { contactPreferencesStore, type ContactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger, type Ledger } from '../../db/stores/ledger';
import { ledgerEntries, type LedgerEntries } from '../../db/stores/ledger-entries';
import { unappliedMoney } from '../../db/stores/unapplied-money';
import { reportsStore, type ReportsStore } from '../../db/stores/reports';
import { promisePolicy } from '../../domain/policy/default-policy';
import type { CollectionPolicy, Customer, EpisodeCustomer } from '../../domain/policy/types';
import type { CollectionClient } from '../collection-client';
import { conflict, unavailable, unprocessable } from '../errors';
import type { ArrearsBody } from '../schemas/requests';
import { requestHash } from './request-hash';
import { moneyService, type MoneyService } from './unapplied-money';

export interface ArrearsResult {
  status: 'accepted' | 'duplicate';
  accountId: string;
  billId: string;
  workflowId: string;
}

export function arrearsService(deps: {
  ledger: Ledger;
  records: CollectionRecords;
  collection: CollectionClient;
  policy: () => CollectionPolicy;
  /** The account's stored contact preferences: a new episode starts with the opt-out. */
  preferences: Pick<ContactPreferencesStore, 'current'>;
  /** Early payments and the account's credit: a new episode starts with them applied. */
  money?: Pick<MoneyService, 'openingFor' | 'confirmOpening'>;
  /** The account's lines (issue 13): stored with their numbers; a new episode starts with their ids and services. Absent: no lines, as before. */
  lines?: Pick<AccountLinesStore, 'upsert'>;
  /** The ledger: the bill's charge is appended once it reached its episode. */
  entries?: Pick<LedgerEntries, 'append'>;
  /** The policy the episode runs, recorded with its charge (the policy report, the list's `policyVersion`). Absent: not recorded. */
  policyPins?: Pick<ReportsStore, 'pinPolicy'>;
}) {
  /** `onDelivered` runs inside the transaction that marks the bill delivered (the audit row). */
  return async function postArrears(
    accountId: string,
    body: ArrearsBody,
    onDelivered?: (tx: PoolClient, result: ArrearsResult) => Promise<void>,
  ): Promise<ArrearsResult> {
    const policy = deps.policy();
    const [brokenPromises, others, preferences] = await Promise.all([
      deps.records.brokenPromises(accountId),
      deps.ledger.otherBills(accountId, body.billId),
      deps.preferences.current(accountId),
    ]);
    // Repeat promise breakers are treated as black list (policy.promise.blackListAfterBroken).
    const repeatBreaker = brokenPromises >= promisePolicy(policy).blackListAfterBroken;
    const lists = repeatBreaker && !body.lists.includes('black') ? [...body.lists, 'black' as const] : body.lists;
    const customer: Customer = {
      name: body.customerName,
      phone: body.phone,
      segment: body.segment,
      lists,
      timezone: body.timezone,
      priorArrears: others.count,
      ...(body.language ? { language: body.language } : {}),
    };
    if (others.currencies.some((c) => c !== body.currency)) {
      throw unprocessable(`account ${accountId} is billed in ${others.currencies.join(', ')}; a ${body.currency} bill cannot join its episode`);
    }
    const hash = requestHash({ accountId, ...body });
    const recorded = await deps.ledger.recordBill(
      customer,
      {
        billId: body.billId,
        accountId,
        amount: body.amount,
        currency: body.currency,
        dueDate: body.dueDate,
        previousAverage: body.previousAverage,
        requestHash: hash,
      },
      body.region,
    );
    if (recorded.conflict) throw conflict(`bill ${body.billId} was already posted with different content`);
    const { created, row, numberRef, numberChanged } = recorded;
    // The customer reference (ADR 26): the episode gets the account id and what the ladder decides by
    // (segment, lists, zone, language, which number is on file), never the name or the number; the
    // activities read those from \`accounts\` when they address the customer.
    const { name: _name, phone: _phone, ...rest } = customer;
    const episodeCustomer: EpisodeCustomer = { ...rest, numberRef };
    // A bill already delivered is never re-sent: its episode may have ended, and re-sending would open a new one.
    if (!created && row.deliveredAt) {
      return { status: 'duplicate', accountId, billId: body.billId, workflowId: `collection-${accountId}` };
    }
    // Payments kept while no episode was open, and the account's credit, go into the start input:
    // applied before the first rung (a start that finds an episode running hands them back below).
    const opening = deps.money
      ? await deps.money.openingFor(accountId, body.billId, { amount: body.amount, currency: body.currency }).catch((err: Error) => {
          throw unavailable(`bill recorded but the account's early payments could not be read (${err.message}); re-send it`);
        })
      : {};
    const { openingPayments, openingCredit } = opening;
    // The lines (ADR 17): numbers stay in PostgreSQL (the activities look them up); the workflow gets ids and services.
    const lines = body.lines ?? [{ lineId: 'L1', number: body.phone, service: 'mobile' as const }];
    if (deps.lines) {
      await deps.lines.upsert(accountId, lines).catch((err: Error) => {
        throw unavailable(`bill recorded but the account's lines could not be stored (${err.message}); re-send it`);
      });
    }
    // If this fails the bill stays undelivered and a re-send delivers it.
    const { workflowId } = await deps.collection
      .enrol(
        {
          accountId,
          customer: episodeCustomer,
          numberChanged,
          bill: {
            billId: body.billId,
            amount: body.amount,
            currency: body.currency,
            dueDate: body.dueDate,
            ...(body.previousAverage !== undefined ? { previousAverage: body.previousAverage } : {}),
          },
          policy,
        },
        {
          ...(preferences?.optOut ? { optedOut: true } : {}),
          // Preferred hours and whether there is a second number (never the number itself).
          ...(preferences?.preferredHours ? { preferredHours: preferences.preferredHours } : {}),
          ...(preferences?.secondNumber ? { secondNumber: true } : {}),
          ...(openingPayments ? { openingPayments } : {}),
          ...(openingCredit ? { openingCredit } : {}),
          ...(deps.lines ? { lines: lines.map((l) => ({ lineId: l.lineId, service: l.service })) } : {}),
        },
      )
      .catch((err: Error) => {
        throw unavailable(`bill recorded but not yet delivered to the collection workflow (${err.message}); re-send it`);
      });
    // The charge goes into the ledger under the episode the bill joined (the episode says which).
    if (deps.entries) await recordCharge(deps.entries, deps.collection, accountId, body, deps.policyPins);
    // Before the bill is marked delivered: if this fails, a re-send confirms it.
    await deps.money?.confirmOpening(accountId, body.billId, body.currency, opening).catch((err: Error) => {
      throw unavailable(`bill delivered but its early payments are not confirmed yet (${err.message}); re-send it`);
    });
    const result: ArrearsResult = { status: created ? 'accepted' : 'duplicate', accountId, billId: body.billId, workflowId };
    await deps.ledger.markBillDelivered(body.billId, onDelivered && ((tx) => onDelivered(tx, result)));
    return result;
  };
}

/**
 * The one wiring of `postArrears` over a database: the single route (POST …/arrears) and the batch
 * enrolment job (POST /v1/arrears/batches) both build it here, so a bill enrolled either way gets
 * the same treatment (early payments and the account's credit applied at start, the lines stored,
 * the charge in the ledger). Also returns the money rules and the stores the accounts router reads.
 */
export function arrearsWiring(deps: {
  pool: Pool;
  collection: CollectionClient;
  policy: () => CollectionPolicy;
  /** Wakes the payment deliverer when a payment was put in the outbox. */
  onPaymentPending?: () => void;
}) {
  const money = unappliedMoney(deps.pool);
  const moneyRules = moneyService({
    pool: deps.pool,
    money,
    ledger: ledger(deps.pool),
    collection: deps.collection,
    ...(deps.onPaymentPending ? { onPending: deps.onPaymentPending } : {}),
  });
  const lines = accountLinesStore(deps.pool);
  const postArrears = arrearsService({
    money: moneyRules,
    ledger: ledger(deps.pool),
    records: collectionRecords(deps.pool),
    collection: deps.collection,
    policy: deps.policy,
    preferences: contactPreferencesStore(deps.pool),
    lines,
    entries: ledgerEntries(deps.pool),
    policyPins: reportsStore(deps.pool),
  });
  return { postArrears, moneyRules, money, lines };
}

/** Appends the bill's charge (once, by bill id) to the episode that holds it; before the bill is marked delivered, so a re-send retries it. */
async function recordCharge(
  entries: Pick<LedgerEntries, 'append'>,
  collection: CollectionClient,
  accountId: string,
  body: ArrearsBody,
  pins?: Pick<ReportsStore, 'pinPolicy'>,
): Promise<void> {
  const state = await collection.state(accountId).catch((err: Error) => {
    throw unavailable(`bill delivered but not yet in the ledger (${err.message}); re-send it`);
  });
  // A bill its episode did not take (refused) is no charge.
  if (!state || !state.bills.some((b) => b.billId === body.billId)) return;
  await entries
    .append({
      key: `charge:${body.billId}`,
      accountId,
      episodeId: state.episodeId,
      kind: 'charge',
      amount: body.amount,
      currency: body.currency,
      billId: body.billId,
    })
    .catch((err: Error) => {
      throw unavailable(`bill delivered but not yet in the ledger (${err.message}); re-send it`);
    });
  // The policy the episode runs (its snapshot names it), for the policy report.
  await pins?.pinPolicy(accountId, state.episodeId, state.policy).catch((err: Error) => {
    throw unavailable(`bill delivered but its episode's policy is not recorded yet (${err.message}); re-send it`);
  });
}
