// The activities the litigation case workflow may call (types only in the workflow bundle); the
// implementation is ./litigation.
import type { AlertRecord } from '../db/stores/collection-records';
import type { LitigationCaseRow, LegalTaskRecord } from '../db/stores/litigation-cases';

export type { LitigationCaseRow, LegalTaskRecord };

export interface LitigationActivities {
  /** Keeps the `litigation_cases` row current (a later version never loses to an earlier one). */
  recordLitigationCase: (row: LitigationCaseRow) => Promise<void>;
  /** A task for legal (hearing preparation), once per key. */
  createLegalTask: (task: LegalTaskRecord) => Promise<void>;
  /** An `alerts` row, once per key. */
  raiseLitigationAlert: (alert: AlertRecord) => Promise<void>;
}
