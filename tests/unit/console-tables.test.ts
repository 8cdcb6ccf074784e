// The console's copies of the API's tables (console/src/tables.ts) equal the API's own: the
// outcomes each queue takes, the fields of each outcome and of each litigation step, the list
// filters' values. A drift here would offer a form the API refuses, or hide one it takes.
import type { z } from 'zod';
import { OUTCOMES_BY_QUEUE as API_OUTCOMES } from '../../api/services/tasks';
import { accountListQuery, caseStepBody, taskCompletionBody } from '../../api/schemas/requests';
import { AGING_BUCKETS as API_AGING, SORT_KEYS as API_SORT } from '../../db/stores/read-model';
import { TASK_QUEUES as API_QUEUES } from '../../db/stores/work-tasks';
import { CASE_STATES as API_CASE_STATES, OUTCOMES as API_CASE_OUTCOMES, PROCEDURES as API_PROCEDURES } from '../../domain/litigation';
import { LADDER_ACTIONS as API_ACTIONS, LIST_FLAGS as API_LISTS, SEGMENTS as API_SEGMENTS } from '../../domain/policy/types';
import * as console from '../../console/src/tables';

/** Each variant's fields (but the discriminator and ids), with whether they are optional. */
function variants(union: z.ZodDiscriminatedUnion, discriminator: string, skip: string[]): Record<string, Record<string, boolean>> {
  const out: Record<string, Record<string, boolean>> = {};
  for (const option of union.options as unknown as z.ZodObject[]) {
    const shape = option.shape;
    const name = (shape[discriminator] as z.ZodLiteral).value as string;
    out[name] = Object.fromEntries(
      Object.entries(shape)
        .filter(([k]) => k !== discriminator && !skip.includes(k))
        .map(([k, v]) => [k, (v as z.ZodType).safeParse(undefined).success]),
    );
  }
  return out;
}
const consoleFields = (table: Record<string, readonly console.Field[]>) =>
  Object.fromEntries(Object.entries(table).map(([k, fields]) => [k, Object.fromEntries(fields.map((f) => [f.name, f.optional === true]))]));

test('work queues and their outcomes', () => {
  expect(console.TASK_QUEUES).toEqual(API_QUEUES);
  expect(console.OUTCOMES_BY_QUEUE).toEqual(API_OUTCOMES);
  expect(consoleFields(console.OUTCOME_FIELDS)).toEqual(variants(taskCompletionBody, 'outcome', []));
});

test('litigation steps and their fields', () => {
  expect(consoleFields(console.STEP_FIELDS)).toEqual(variants(caseStepBody, 'step', ['stepId']));
  expect(console.CASE_STATES).toEqual(API_CASE_STATES);
  expect(console.CASE_OUTCOMES).toEqual(API_CASE_OUTCOMES);
  expect(console.PROCEDURES).toEqual(API_PROCEDURES);
});

test('the account list filters’ values are the list route’s', () => {
  expect(console.AGING_BUCKETS).toEqual(API_AGING);
  expect(console.SORT_KEYS).toEqual(API_SORT);
  expect(console.SEGMENTS).toEqual(API_SEGMENTS);
  expect(console.LIST_FLAGS).toEqual(API_LISTS);
  expect(console.LADDER_ACTIONS).toEqual(API_ACTIONS);
  const q = (query: Record<string, string>) => accountListQuery.safeParse(query).success;
  for (const status of console.EPISODE_STATUSES) expect(q({ status })).toBe(true);
  for (const stage of console.STAGES) expect(q({ stage })).toBe(true);
  for (const service of console.SERVICE_STATES) expect(q({ service })).toBe(true);
  expect(q({ status: 'nonsense' })).toBe(false);
});
