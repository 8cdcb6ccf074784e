// 业会核对 (issue 13, seed 004): the ledger's figures against every open episode's own state. For
// each account with ledger entries or an open episode in the read model, the episode's state (the
// collectionState query) is compared with the ledger's balances of that episode: the balance
// (charges less payments, recoveries and credits) and the late fee (accrued less waived, after
// bringing the ledger's accrual up to date). Every difference is listed; none means the books agree.
import type { LedgerBalance, LedgerEntries } from '../../db/stores/ledger-entries';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { accrueFrom, isOpenEpisode } from './late-fees';

export interface ReconcileDifference {
  accountId: string;
  episodeId: string;
  currency: string;
  /** Which figure differs. */
  figure: 'balance' | 'late_fee';
  ledger: number;
  episode: number;
  /** ledger − episode */
  delta: number;
}

export interface ReconcileReport {
  /** Open episodes compared. */
  episodes: number;
  differences: ReconcileDifference[];
}

/** The differences of one open episode against its ledger balances (pure). */
export function compareEpisode(s: CollectionSnapshot, balances: LedgerBalance[]): ReconcileDifference[] {
  const mine = balances.find((b) => b.episodeId === s.episodeId && b.currency === s.currency);
  const out: ReconcileDifference[] = [];
  const diff = (figure: ReconcileDifference['figure'], ledger: number, episode: number) => {
    if (ledger !== episode)
      out.push({ accountId: s.accountId, episodeId: s.episodeId, currency: s.currency, figure, ledger, episode, delta: ledger - episode });
  };
  diff('balance', mine?.balance ?? 0, s.balance);
  if (s.lateFee) diff('late_fee', mine?.lateFees ?? 0, s.lateFee.accrued - s.lateFee.waived);
  return out;
}

export async function reconcile(deps: {
  entries: Pick<LedgerEntries, 'accountsToReconcile' | 'ledgerBalance' | 'accrueLateFee'>;
  state: (accountId: string) => Promise<CollectionSnapshot | undefined>;
  /** Called per account compared (progress). */
  onAccount?: (accountId: string) => void;
}): Promise<ReconcileReport> {
  const differences: ReconcileDifference[] = [];
  let episodes = 0;
  for (const accountId of await deps.entries.accountsToReconcile()) {
    deps.onAccount?.(accountId);
    // the same instant for the accrual and the comparison: the fee accrues by the day
    const s = await deps.state(accountId);
    if (!s || !isOpenEpisode(s)) continue;
    episodes++;
    await accrueFrom(deps.entries, s);
    differences.push(...compareEpisode(s, await deps.entries.ledgerBalance(accountId)));
  }
  return { episodes, differences };
}
