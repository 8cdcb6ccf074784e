// An account's whole story (GET /v1/accounts/:accountId/timeline) and a litigation case's evidence
// pack (GET /v1/legal/cases/:caseId/evidence, JSON or printable HTML): both read-only, both from
// the same gathering (db/stores/account-story.ts).
import { Router } from 'express';
import type { AppDeps } from '../app';
import { accountStoryStore } from '../../db/stores/account-story';
import { notFound } from '../errors';
import { renderEvidenceHtml } from '../services/evidence-html';
import { evidencePackService } from '../services/evidence-pack';
import { timelineService } from '../services/timeline';
import type { RouteMounter } from './mount';

export function storyRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const store = accountStoryStore(deps.pool);
  const timeline = timelineService({
    store,
    collection: deps.collection,
    ...(deps.temporalUiUrl ? { temporalUiUrl: deps.temporalUiUrl } : {}),
    ...(deps.namespace ? { namespace: deps.namespace } : {}),
    warn: (obj, msg) => deps.log.warn(obj, msg),
    ...(deps.payloadCodec ? { payloadCodec: deps.payloadCodec } : {}),
  });
  const evidence = evidencePackService({ store, collection: deps.collection, ...(deps.litigation ? { litigation: deps.litigation } : {}) });

  routes.mount(router, 'getAccountTimeline', async ({ params, query }) => {
    const page = await timeline.page(params.accountId, { limit: query.limit, ...(query.after ? { after: query.after } : {}) });
    if (!page) throw notFound(`no account ${params.accountId}`);
    return { status: 200, body: page };
  });

  routes.mount(router, 'getLegalCaseEvidence', async ({ params, query, req }) => {
    const pack = await evidence.build(params.caseId);
    if (!pack) throw notFound(`no litigation case ${params.caseId}`);
    const html = query.format === 'html' || (query.format === undefined && req.accepts(['application/json', 'text/html']) === 'text/html');
    const headers = { vary: 'Accept', 'cache-control': 'no-store' };
    if (html) return { status: 200, body: renderEvidenceHtml(pack), contentType: 'text/html; charset=utf-8', headers };
    return { status: 200, body: pack, headers };
  });

  return router;
}
