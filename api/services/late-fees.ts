// The late fees due for billing (issue 13): the episode computes the late fee (违约金) day by day
// (domain/episode/practice/late-fee); the ledger keeps what has accrued as entries, brought up to
// date from each open episode's state, and waivers as they are accepted. Billing reads the feed
// (late-fee entries not yet acknowledged, oldest first, a cursor per entry), adds them to the
// next bill, and acknowledges up to a cursor: an acknowledged fee is never listed again.
import type { LedgerEntries } from '../../db/stores/ledger-entries';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';

/** Episodes whose money is still being collected: their late fee still accrues or is still owed. */
export const OPEN_STATUSES: readonly string[] = ['open', 'legal', 'written_off'];

export function isOpenEpisode(s: CollectionSnapshot): boolean {
  return OPEN_STATUSES.includes(s.status);
}

/** Brings the ledger's accrued late fee of one episode up to what the episode says (0: nothing new). */
export async function accrueFrom(entries: Pick<LedgerEntries, 'accrueLateFee'>, s: CollectionSnapshot): Promise<number> {
  if (!s.lateFee || s.lateFee.accrued <= 0) return 0;
  return entries.accrueLateFee({ accountId: s.accountId, episodeId: s.episodeId, currency: s.currency, accruedTotal: s.lateFee.accrued });
}

export function lateFeeService(deps: {
  entries: Pick<LedgerEntries, 'accrueLateFee' | 'accountsToReconcile' | 'lateFees'>;
  state: (accountId: string) => Promise<CollectionSnapshot | undefined>;
}) {
  /** Every open episode's late fee into the ledger; the number of episodes that accrued more. */
  async function accrueAll(): Promise<number> {
    let accrued = 0;
    for (const accountId of await deps.entries.accountsToReconcile()) {
      const s = await deps.state(accountId);
      if (s && isOpenEpisode(s) && (await accrueFrom(deps.entries, s)) > 0) accrued++;
    }
    return accrued;
  }

  return {
    accrueAll,
    /** A page of the feed; the first page (no `after`) brings the accruals up to date first. */
    async page(q: { after?: string; limit: number }) {
      if (!q.after) await accrueAll();
      return deps.entries.lateFees(q);
    },
  };
}
