// Billing posts an overdue bill: remember it (idempotent per bill id), then start the account's
// episode or add the bill to the running one (signal-with-start).
import type { CollectionRecords } from '../../db/stores/collection-records';
import type { Ledger } from '../../db/stores/ledger';
import { promisePolicy } from '../../workflows/promise';
import type { CollectionPolicy, Customer } from '../../workflows/policy/types';
import type { CollectionClient } from '../collection-client';
import { conflict, unavailable, unprocessable } from '../errors';
import type { ArrearsBody } from '../schemas';
import { requestHash } from './request-hash';

export interface ArrearsResult {
  status: 'accepted' | 'duplicate';
  accountId: string;
  billId: string;
  workflowId: string;
}

export function arrearsService(deps: { ledger: Ledger; records: CollectionRecords; collection: CollectionClient; policy: () => CollectionPolicy }) {
  return async function postArrears(accountId: string, body: ArrearsBody): Promise<ArrearsResult> {
    const policy = deps.policy();
    // Repeat promise breakers are treated as black list (policy.promise.blackListAfterBroken).
    const repeatBreaker = (await deps.records.brokenPromises(accountId)) >= promisePolicy(policy).blackListAfterBroken;
    const lists = repeatBreaker && !body.lists.includes('black') ? [...body.lists, 'black' as const] : body.lists;
    const priorArrears = await deps.ledger.priorBillCount(accountId, body.billId);
    const customer: Customer = { name: body.customerName, phone: body.phone, segment: body.segment, lists, timezone: body.timezone, priorArrears };
    const hash = requestHash({ accountId, ...body });
    const currencies = await deps.ledger.otherBillCurrencies(accountId, body.billId);
    if (currencies.some((c) => c !== body.currency)) {
      throw unprocessable(`account ${accountId} is billed in ${currencies.join(', ')}; a ${body.currency} bill cannot join its episode`);
    }
    await deps.ledger.ensureAccount(accountId, customer);
    const { created, row } = await deps.ledger.insertBill({ billId: body.billId, accountId, amount: body.amount, currency: body.currency, dueDate: body.dueDate, previousAverage: body.previousAverage, requestHash: hash });
    if (row.requestHash !== hash) throw conflict(`bill ${body.billId} was already posted with different content`);
    await deps.ledger.upsertAccount(accountId, customer); // billing's latest contact details
    // A bill already delivered is never re-sent: its episode may have ended, and re-sending would open a new one.
    if (!created && row.deliveredAt) {
      return { status: 'duplicate', accountId, billId: body.billId, workflowId: `collection-${accountId}` };
    }
    // If this fails the bill stays undelivered and a re-send delivers it.
    const { workflowId } = await deps.collection
      .enrol({
        accountId,
        customer,
        bill: {
          billId: body.billId,
          amount: body.amount,
          currency: body.currency,
          dueDate: body.dueDate,
          ...(body.previousAverage !== undefined ? { previousAverage: body.previousAverage } : {}),
        },
        policy,
      })
      .catch((err: Error) => {
        throw unavailable(`bill recorded but not yet delivered to the collection workflow (${err.message}); re-send it`);
      });
    await deps.ledger.markBillDelivered(body.billId);
    return { status: created ? 'accepted' : 'duplicate', accountId, billId: body.billId, workflowId };
  };
}
