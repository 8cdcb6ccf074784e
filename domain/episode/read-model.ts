// The list read model's view of an episode (ADR 8): the fields operations filter and sort by,
// derived from the state and its next move. The workflow writes it when it differs from the last
// write, with a version one higher. Pure.
import { balanceOf } from './ledger';
import type { NextMove } from './practice/next-move';
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
}

export function episodeView(state: EpisodeState, move: NextMove | undefined): EpisodeView {
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
  };
}

/** The view to write, with its version, or undefined when it is what was last written. */
export function viewToWrite(
  state: EpisodeState,
  move: NextMove | undefined,
  now: number,
): { view: EpisodeView; version: number; startedAt: number } | undefined {
  const view = episodeView(state, move);
  const written = JSON.stringify(view);
  if (state.readModel?.written === written) return undefined;
  const mark = { startedAt: state.readModel?.startedAt ?? now, version: (state.readModel?.version ?? 0) + 1, written };
  state.readModel = mark;
  return { view, version: mark.version, startedAt: mark.startedAt };
}
