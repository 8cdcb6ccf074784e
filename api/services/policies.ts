// Which policy a request means: a known one by name, or an inline policy object validated by the
// policy schema (its errors name the offending fields).
import { checkPolicy, KNOWN_POLICIES } from '../../config/policy-schema';
import type { CollectionPolicy } from '../../domain/policy/types';
import { HttpError, unprocessable } from '../errors';

export function resolvePolicy(ref: string | Record<string, unknown>): CollectionPolicy {
  if (typeof ref === 'string') {
    const known = KNOWN_POLICIES[ref];
    if (!known) throw unprocessable(`unknown policy ${ref}; known: ${Object.keys(KNOWN_POLICIES).join(', ')}`);
    return known;
  }
  const checked = checkPolicy(ref);
  if ('policy' in checked) return checked.policy;
  const errors = checked.issues.map((i) => ({ field: ['body', 'policy', ...i.path].join('.'), message: i.message }));
  throw new HttpError(400, 'Bad Request', `invalid ${errors.map((e) => e.field).join(', ')}`, { errors });
}
