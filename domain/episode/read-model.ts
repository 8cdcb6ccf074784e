// The list read model's view of an episode (ADR 8): the fields operations filter and sort by,
// derived from the state and its next move. The workflow writes it when it differs from the last
// write, with a version one higher. Pure.
import { balanceOf } from './ledger';
import type { NextMove } from './practice/next-move';
import { limitationOf } from './practice/limitation';
import { stageOf } from './snapshot';
import type { EpisodeState } from './state';

export interface EpisodeView {
  status: string;
  stage: string;
  service: string;
  balance: number;
  currency: string;
  segment: string;
  lists: string[];
  anchorDueDate: string;
  nextAction: string | null;
  /** Epoch ms; null when nothing is planned. */
  nextActionAt: number | null;
  /** The litigation case (ADR 12); absent when the episode has none (older views are written as before). */
  litigationCaseId?: string;
  /** The court's case number once the court accepted the case, else the case's own number. */
  litigationCaseNumber?: string;
  /** 诉讼时效: epoch ms the earliest unpaid bill becomes time-barred; null when nothing is owed; absent before the `limitation` patch. */
  limitationExpiresAt?: number | null;
  /** Each line's state (issue 13; `service` is the worst of them); absent for episodes before lines (their view is written as before). */
  lines?: { lineId: string; service: string; state: string }[];
}

export function episodeView(state: EpisodeState, move: NextMove | undefined, limitation = false): EpisodeView {
  return {
    status: state.status,
    stage: stageOf(state),
    service: state.service,
    balance: balanceOf(state),
    currency: state.currency,
    segment: state.customer.segment,
    lists: [...state.customer.lists],
    anchorDueDate: state.anchorDueDate,
    nextAction: move ? (move.kind === 'rung' ? move.plan.action : move.kind) : null,
    // A pause until resumed has no time (its `at` is Infinity).
    nextActionAt: move ? (move.kind === 'paused' ? (move.until ?? null) : move.at) : null,
    ...(state.litigation
      ? { litigationCaseId: state.litigation.caseId, litigationCaseNumber: state.litigation.courtCaseNumber ?? state.litigation.caseNumber }
      : {}),
    ...(limitation ? { limitationExpiresAt: limitationOf(state)?.expiresAt ?? null } : {}),
    ...(state.lines ? { lines: state.lines.map((l) => ({ lineId: l.lineId, service: l.service, state: l.state })) } : {}),
  };
}

/** The view to write, with its version, or undefined when it is what was last written. */
export function viewToWrite(
  state: EpisodeState,
  move: NextMove | undefined,
  now: number,
  limitation = false,
): { view: EpisodeView; version: number; startedAt: number } | undefined {
  const view = episodeView(state, move, limitation);
  const written = JSON.stringify(view);
  if (state.readModel?.written === written) return undefined;
  const mark = { startedAt: state.readModel?.startedAt ?? now, version: (state.readModel?.version ?? 0) + 1, written };
  state.readModel = mark;
  return { view, version: mark.version, startedAt: mark.startedAt };
}
