// RFC 9457 problem details (application/problem+json): the body of every 4xx and 5xx answer, as
// api/errors.ts writes it. Extension members are allowed (RFC 9457 §3.2), so the object is loose;
// the two the API uses are named.
import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const fieldErrorSchema = z
  .object({
    field: z.string().meta({ description: 'where the value was, e.g. `body.amount` or `params.accountId`', example: 'body.amount' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError', description: 'One invalid field of a request.' });

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'a URI naming the problem type; `about:blank` when the status says it all' }),
    title: z.string().meta({ example: 'Bad Request' }),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional().meta({ description: 'the request path' }),
    /** Validation errors (400): one entry per offending field. */
    errors: z.array(fieldErrorSchema).optional().meta({ description: 'on a 400: one entry per offending field' }),
    /** On a 403: the roles of which the key needs one. */
    requiredRoles: z.array(z.string()).optional().meta({ description: 'on a 403: the key needs one of these roles' }),
    /** A litigation step that does not fit: the case's state and the steps that would. */
    state: z.string().optional().meta({ description: 'on a 409 to a litigation step: the case’s state' }),
    allowedSteps: z.array(z.string()).optional().meta({ description: 'on a 409 to a litigation step: the steps that would fit' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof problemSchema>;
