// The customer's contact preferences: checked against the lawful contact window, stored on the
// account (the latest row is in force, so every later episode starts with its opt-out: see
// ./arrears), then sent to the open episode, if any, as its `setContactPreference` signal.
import type { ContactPreferences, ContactPreferencesStore } from '../../db/stores/contact-preferences';
import type { CollectionPolicy } from '../../domain/policy/types';
import type { CollectionClient } from '../collection-client';
import { notFound, unavailable, unprocessable } from '../errors';
import type { ContactPreferencesBody } from '../schemas/requests';

export type ContactPreferencesAnswer = ContactPreferences & { episode: 'signalled' | 'none' };

export function contactPreferencesService(deps: { store: ContactPreferencesStore; collection: CollectionClient; policy: () => CollectionPolicy }) {
  return async function setContactPreferences(accountId: string, body: ContactPreferencesBody, actor: string): Promise<ContactPreferencesAnswer> {
    const lawful = deps.policy().contactWindow;
    const hours = body.preferredHours;
    // HH:mm strings compare in time order.
    if (hours && (hours.start < lawful.start || hours.end > lawful.end)) {
      throw unprocessable(`preferredHours ${hours.start}–${hours.end} lie outside the lawful contact window ${lawful.start}–${lawful.end}`);
    }
    if (!(await deps.store.accountExists(accountId))) throw notFound(`no account ${accountId}`);
    // Stored first: an episode that starts from now on reads it, whatever happens to the signal.
    const stored = await deps.store.record({
      accountId,
      optOut: body.optOut,
      ...(body.secondNumber ? { secondNumber: body.secondNumber } : {}),
      ...(hours ? { preferredHours: hours } : {}),
      source: body.source,
      setBy: actor,
    });
    // The episode gets the hours and whether there is a second number; the number stays in PostgreSQL.
    const pref = {
      optOut: body.optOut,
      source: body.source,
      ...(hours ? { preferredHours: hours } : {}),
      ...(body.secondNumber ? { secondNumber: true } : {}),
    };
    const signalled = await deps.collection.setContactPreference(accountId, pref).catch((err: Error) => {
      throw unavailable(`preferences stored but not yet sent to the open episode (${err.message}); re-send them`);
    });
    return { ...stored, episode: signalled ? 'signalled' : 'none' };
  };
}
