// Litigation cases (legal): open a case by hand, list cases from `litigation_cases`, read one from
// its workflow, record its steps. A step that does not fit the case's state answers 409 with the
// case's state and the steps that would fit.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { litigationCases } from '../../db/stores/litigation-cases';
import { HttpError, notFound, unprocessable } from '../errors';
import { StepRefused } from '../litigation-client';
import { legalCasesService } from '../services/legal-cases';
import type { RouteMounter } from './mount';

export function legalRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const cases = litigationCases(deps.pool);
  const service = legalCasesService({ pool: deps.pool, cases, collection: deps.collection, litigation: deps.litigation });

  const known = async (caseId: string) => {
    const row = await cases.get(caseId);
    if (!row) throw notFound(`no litigation case ${caseId}`);
    return row;
  };

  routes.mount(router, 'postLegalCase', async ({ body, caller, auditIn }) => {
    const { status, row } = await service.open(body, caller.actor, auditIn);
    return { status, body: row, outcome: status === 201 ? `case ${row.caseId} opened` : `case ${row.caseId} re-sent` };
  });

  routes.mount(router, 'listLegalCases', async ({ query }) => {
    const { limit, after, state, court, procedure, deadlineBefore } = query;
    const page = await cases.list({
      limit,
      ...(after ? { after } : {}),
      ...(state ? { state } : {}),
      ...(court ? { court } : {}),
      ...(procedure ? { procedure } : {}),
      ...(deadlineBefore ? { deadlineBefore } : {}),
    });
    return { status: 200, body: page };
  });

  routes.mount(router, 'getLegalCase', async ({ params }) => {
    await known(params.caseId);
    const view = await service.litigation().state(params.caseId);
    if (!view) throw notFound(`the workflow of case ${params.caseId} is not found`);
    return { status: 200, body: view };
  });

  routes.mount(router, 'postLegalCaseStep', async ({ params, body }) => {
    await known(params.caseId);
    const answer = await service
      .litigation()
      .step(params.caseId, body)
      .catch((err: unknown) => {
        if (!(err instanceof StepRefused)) throw err;
        if (err.details.code === 'invalid_step') throw unprocessable(err.message);
        const extra = err.details.code === 'step_not_allowed' ? { state: err.details.state, allowedSteps: err.details.allowed ?? [] } : {};
        throw new HttpError(409, 'Conflict', err.message, extra);
      });
    if (!answer) throw notFound(`the workflow of case ${params.caseId} is not found`);
    return { status: answer.duplicate ? 200 : 201, body: answer, outcome: `${answer.step} ${answer.duplicate ? 're-sent' : 'recorded'}: ${answer.state}` };
  });

  return router;
}
