// The customer's name and billing number by account id (issue 14, ADR 26): workflows carry the account
// id only (the customer reference), and the activities that address the customer read these here at
// run time. Personal data: never logged, never returned to a workflow.
import type { Pool } from 'pg';

export interface CustomerContact {
  name: string;
  phone: string;
}

export function customerContactStore(pool: Pool) {
  return {
    /** The name and billing number billing last posted for the account; undefined when it never posted one. */
    async of(accountId: string): Promise<CustomerContact | undefined> {
      const { rows } = await pool.query<CustomerContact>('SELECT customer_name AS name, phone FROM accounts WHERE account_id = $1', [accountId]);
      return rows[0];
    },
  };
}
export type CustomerContactStore = ReturnType<typeof customerContactStore>;
