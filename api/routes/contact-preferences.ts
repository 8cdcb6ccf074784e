// The customer's contact preferences (opt-out of reminders, a second number, preferred hours).
import { Router } from 'express';
import type { AppDeps } from '../app';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { contactPreferencesService } from '../services/contact-preferences';
import type { RouteMounter } from './mount';

export function contactPreferencesRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const setPreferences = contactPreferencesService({ store: contactPreferencesStore(deps.pool), collection: deps.collection, policy: deps.policy });

  routes.mount(router, 'putContactPreferences', async ({ params, body, caller }) => {
    const answer = await setPreferences(params.accountId, body, caller.actor);
    return { status: 200, body: answer, outcome: answer.optOut ? `opted out (${answer.episode})` : `opted in (${answer.episode})` };
  });

  return router;
}
