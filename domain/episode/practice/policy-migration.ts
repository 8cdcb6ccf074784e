// Moving a running episode to another policy version: only by an explicit, audited operation
// (who, why, from which version to which). New episodes simply start on the active policy. Pure.
import type { EpisodeState, PolicyMigration } from '../state';
import type { CollectionPolicy } from '../../policy/types';

export interface PolicyMigrationRequest {
  migrationId: string;
  policy: CollectionPolicy;
  reason: string;
  actor: string;
}

export function migrationProblem(state: EpisodeState, req: PolicyMigrationRequest): string | undefined {
  if ((state.migrations ?? []).some((m) => m.migrationId === req.migrationId)) return undefined; // a repeat
  if (state.status !== 'open' && state.status !== 'legal') return `episode is ${state.status}`;
  if (!req.reason.trim() || !req.actor.trim()) return 'a migration needs a reason and an actor';
  const ladder = state.ladder ?? '';
  if (!req.policy.ladders[ladder]) return `the new policy has no ladder "${ladder}", which this episode climbs`;
  if (req.policy.ladders[ladder].length < state.index) return `the new policy's ladder "${ladder}" is shorter than this episode's position`;
  return undefined;
}

/** Switches the episode to the new policy; its position on the ladder is kept. */
export function migratePolicy(state: EpisodeState, req: PolicyMigrationRequest, now: number): PolicyMigration {
  state.migrations ??= [];
  const known = state.migrations.find((m) => m.migrationId === req.migrationId);
  if (known) return known;
  const migration: PolicyMigration = {
    migrationId: req.migrationId,
    from: { id: state.policy.id, version: state.policy.version },
    to: { id: req.policy.id, version: req.policy.version },
    reason: req.reason,
    actor: req.actor,
    at: now,
  };
  state.policy = req.policy;
  state.migrations.push(migration);
  return migration;
}
