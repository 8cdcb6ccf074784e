// THE table of every HTTP route: method, path, roles, request schemas and answers. The routers
// (api/routes/<resource>.ts) mount their handlers by operationId against these entries, so a path,
// a method or a role list is written once, here; the role-matrix test and the OpenAPI document
// read the same entries. Adding a route: add its entry here, then `mount(router, 'operationId', …)`
// in its resource's router (createApp refuses to start while an entry has no handler).
//
// Roles (`admin` may call every route and is not listed): billing posts bills and payments; ops
// runs collection (reads episodes, takes promises, opens disputes, agrees plans, moves policies,
// reads the audit trail); legal decides disputes (ops too, for the simple cases); finance writes
// off. `agency` is in no route yet: an agency sees only the accounts referred to it, and there is
// no agency-facing route (its outcomes arrive in issue 11); an agency key is refused (403) everywhere.
// Litigation cases (issue 12): legal opens cases and records their steps; ops reads them too.
import type { z } from 'zod';
import {
  arrearsResultSchema,
  auditPageSchema,
  collectionViewSchema,
  disputeAnswerSchema,
  healthSchema,
  installmentPlanAnswerSchema,
  litigationCasePageSchema,
  litigationCaseSchema,
  litigationViewSchema,
  openApiDocumentSchema,
  paymentAnswerSchema,
  paymentStatusSchema,
  policyMigrationAnswerSchema,
  promiseAnswerSchema,
  stepAnswerSchema,
  writeOffAnswerSchema,
} from '../openapi/responses';
import type { ResponseSpec, RouteSpec } from './route-spec';
import {
  accountParams,
  arrearsBody,
  auditQuery,
  caseListQuery,
  caseParams,
  caseStepBody,
  disputeBody,
  disputeParams,
  installmentPlanBody,
  openCaseBody,
  paymentBody,
  paymentParams,
  policyMigrationBody,
  promiseBody,
  resolutionBody,
  writeOffBody,
} from '../schemas/requests';

const answer = (description: string, schema?: z.ZodType): ResponseSpec => (schema ? { description, schema } : { description });

/** Answers every protected route can give, whatever it does. */
const PROTECTED = {
  400: answer('invalid request: `errors` names each offending field'),
  401: answer('no key, or an unknown or revoked one (`WWW-Authenticate: Bearer`)'),
  403: answer('the key lacks every role the route needs (`requiredRoles`)'),
  503: answer('PostgreSQL or the workflow service is unavailable; retry after `Retry-After` seconds'),
} as const;

/** An update sent to the account's open episode. */
const EPISODE_ACTION = {
  ...PROTECTED,
  404: answer('no open collection episode for the account'),
  422: answer('refused by the episode'),
} as const;

export const ROUTES = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness of the API process',
    tags: ['health'],
    roles: 'public',
    responses: { 200: answer('the process is up', healthSchema) },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document (OpenAPI 3.1), generated from this table',
    tags: ['docs'],
    roles: 'public',
    responses: { 200: answer('the OpenAPI document', openApiDocumentSchema) },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'getDocsPage',
    summary: 'The rendered documentation (Swagger UI, served from the API itself: works offline)',
    tags: ['docs'],
    roles: 'public',
    responses: { 200: answer('an HTML page') },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/arrears',
    operationId: 'postArrears',
    summary: 'Post an overdue bill: starts the account’s episode or adds the bill to the running one',
    tags: ['accounts'],
    roles: ['billing'],
    request: { params: accountParams, body: arrearsBody },
    responses: {
      201: answer('accepted: episode started or bill added', arrearsResultSchema),
      200: answer('duplicate: the same bill id with the same body', arrearsResultSchema),
      ...PROTECTED,
      409: answer('the same bill id with a different body'),
      422: answer('a bill in another currency than the account’s'),
    },
  },
  {
    method: 'get',
    path: '/v1/accounts/:accountId/collection',
    operationId: 'getCollection',
    summary: 'The state of the account’s episode',
    tags: ['accounts'],
    roles: ['ops', 'legal', 'finance'],
    request: { params: accountParams },
    responses: { 200: answer('the episode’s state, with `workflowUrl`', collectionViewSchema), ...PROTECTED, 404: answer('the account was never enrolled') },
  },
  {
    method: 'post',
    path: '/v1/payments',
    operationId: 'postPayment',
    summary: 'Post a payment; applied by the account’s episode, or kept for delivery',
    tags: ['payments'],
    roles: ['billing'],
    request: { body: paymentBody },
    responses: {
      201: answer('applied now (or recorded with `applied: false` when no episode is open)', paymentAnswerSchema),
      200: answer('a re-send: the first answer, `duplicate: true`', paymentAnswerSchema),
      202: answer('kept for delivery (`Prefer: respond-async`, or the workflow service unreachable); `Location` shows it', paymentAnswerSchema),
      ...PROTECTED,
      409: answer('the same payment id with a different body'),
      422: answer('refused by the episode (e.g. another currency)'),
    },
  },
  {
    method: 'get',
    path: '/v1/payments/:paymentId',
    operationId: 'getPayment',
    summary: 'Where a payment is: its delivery and the episode’s answer',
    tags: ['payments'],
    roles: ['billing', 'ops'],
    request: { params: paymentParams },
    responses: { 200: answer('the payment and its delivery', paymentStatusSchema), ...PROTECTED, 404: answer('unknown payment') },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/promises',
    operationId: 'postPromise',
    summary: 'Record a promise to pay (预约缴费)',
    tags: ['episode actions'],
    roles: ['ops'],
    request: { params: accountParams, body: promiseBody },
    responses: { 201: answer('the promise and its due time', promiseAnswerSchema), ...EPISODE_ACTION },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/disputes',
    operationId: 'postDispute',
    summary: 'Open a dispute: its amount leaves the pressure, sanctions hold',
    tags: ['episode actions'],
    roles: ['ops'],
    request: { params: accountParams, body: disputeBody },
    responses: { 201: answer('the dispute and the new balance', disputeAnswerSchema), ...EPISODE_ACTION },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/disputes/:disputeId/resolution',
    operationId: 'postDisputeResolution',
    summary: 'Resolve a dispute: upheld (credited) or rejected',
    tags: ['episode actions'],
    roles: ['legal', 'ops'],
    request: { params: disputeParams, body: resolutionBody },
    responses: { 201: answer('the dispute and the new balance', disputeAnswerSchema), ...EPISODE_ACTION },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/installment-plans',
    operationId: 'postInstallmentPlan',
    summary: 'Agree an installment plan (分期)',
    tags: ['episode actions'],
    roles: ['ops'],
    request: { params: accountParams, body: installmentPlanBody },
    responses: { 201: answer('the plan and whether the line is being restored', installmentPlanAnswerSchema), ...EPISODE_ACTION },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/policy-migrations',
    operationId: 'postPolicyMigration',
    summary: 'Move the running episode to another policy version; the actor is the caller’s key',
    tags: ['episode actions'],
    roles: ['ops'],
    request: { params: accountParams, body: policyMigrationBody },
    responses: { 201: answer('from which policy version to which', policyMigrationAnswerSchema), ...EPISODE_ACTION },
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/write-off',
    operationId: 'postWriteOff',
    summary: 'Write the balance off (核销, 账销案存); the approver is the caller’s key',
    tags: ['episode actions'],
    roles: ['finance'],
    request: { params: accountParams, body: writeOffBody },
    responses: { 201: answer('the amount written off and the new status', writeOffAnswerSchema), ...EPISODE_ACTION },
  },
  {
    method: 'get',
    path: '/v1/accounts/:accountId/audit',
    operationId: 'getAccountAudit',
    summary: 'The audit trail of requests that changed (or tried to change) the account, newest first',
    tags: ['audit'],
    roles: ['ops'],
    request: { params: accountParams, query: auditQuery },
    responses: { 200: answer('a page of audit events and the cursor of the next one', auditPageSchema), ...PROTECTED },
  },
  {
    method: 'post',
    path: '/v1/legal/cases',
    operationId: 'postLegalCase',
    summary: 'Open a litigation case by hand for an account with a collection episode (one open case per account)',
    tags: ['legal'],
    roles: ['legal'],
    request: { body: openCaseBody },
    responses: {
      201: answer('the case is open (state `referred`): its workflow runs', litigationCaseSchema),
      200: answer('a re-send: the case id is open for this account already', litigationCaseSchema),
      ...PROTECTED,
      404: answer('the account has no collection episode'),
      409: answer('the case id names another account’s case, or the account has another open case'),
      422: answer('the account’s episode has ended (paid or closed)'),
    },
  },
  {
    method: 'get',
    path: '/v1/legal/cases',
    operationId: 'listLegalCases',
    summary: 'Litigation cases, filtered by state, court, procedure or next deadline, a page at a time (by case id)',
    tags: ['legal'],
    roles: ['legal', 'ops'],
    request: { query: caseListQuery },
    responses: { 200: answer('a page of cases and the cursor of the next one', litigationCasePageSchema), ...PROTECTED },
  },
  {
    method: 'get',
    path: '/v1/legal/cases/:caseId',
    operationId: 'getLegalCase',
    summary: 'A litigation case: its state, the steps that fit now, its deadlines and history',
    tags: ['legal'],
    roles: ['legal', 'ops'],
    request: { params: caseParams },
    responses: { 200: answer('the case, from its workflow', litigationViewSchema), ...PROTECTED, 404: answer('no such case') },
  },
  {
    method: 'post',
    path: '/v1/legal/cases/:caseId/steps',
    operationId: 'postLegalCaseStep',
    summary: 'Record a step of a litigation case `{stepId, step, …fields}`; idempotent by step id',
    tags: ['legal'],
    roles: ['legal'],
    request: { params: caseParams, body: caseStepBody },
    responses: {
      201: answer('recorded: the new state and the steps that fit now', stepAnswerSchema),
      200: answer('a re-send: the step id was recorded with this step already', stepAnswerSchema),
      ...PROTECTED,
      404: answer('no such case'),
      409: answer('the step does not fit the case’s state (`state`, `allowedSteps`), or the step id was used for another step'),
      422: answer('the step’s fields are refused by the case'),
    },
  },
] as const satisfies readonly RouteSpec[];

export type RouteTable = typeof ROUTES;
export type OperationId = RouteTable[number]['operationId'];
export type SpecOf<Id extends OperationId> = Extract<RouteTable[number], { operationId: Id }>;

export function routeSpec<Id extends OperationId>(operationId: Id): SpecOf<Id> {
  const spec = ROUTES.find((r) => r.operationId === operationId);
  if (!spec) throw new Error(`no route ${operationId} in api/routes/table.ts`);
  return spec as SpecOf<Id>;
}

/** The roles that may call a route (admin always may); `public` needs no key. */
export function allowedRoles(spec: RouteSpec): readonly string[] | 'public' {
  return spec.roles === 'public' ? 'public' : [...spec.roles, 'admin'];
}
