// The litigation case's I/O: its row in `litigation_cases`, tasks for legal and alerts. Each write is
// idempotent (a version, a key), so a retried activity changes nothing.
import type { Pool } from 'pg';
import { collectionRecords } from '../db/stores/collection-records';
import { litigationCases } from '../db/stores/litigation-cases';
import type { LitigationActivities } from './litigation-contract';

export function createLitigationActivities(pool: Pool): LitigationActivities {
  const cases = litigationCases(pool);
  const records = collectionRecords(pool);
  return {
    recordLitigationCase: (row) => cases.upsert(row),
    createLegalTask: (task) => cases.createTask(task),
    raiseLitigationAlert: (alert) => records.raiseAlert(alert),
  };
}
