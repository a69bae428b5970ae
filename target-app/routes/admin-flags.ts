import { principalOf } from '../auth/middleware.js';
import { FlagRefusedError, type Flags } from '../flags/index.js';
import { HttpError } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, FlagsResponse } from '../response-schemas.js';
import { FlagsBody } from '../schemas.js';

const TAG = 'admin';

/** The optimization lab's switches (docs/lab.md): admin only, every switch logged with who made it. */
export function adminFlagRoutes(flags: Flags): AnyRoute[] {
  const get = defineRoute({
    method: 'get',
    path: '/api/admin/flags',
    access: 'admin',
    tag: TAG,
    summary: 'The optimization-lab flags and whether each is on (admin)',
    responses: {
      200: { description: 'every flag', schema: FlagsResponse },
      ...errorResponses(ErrorResponse, 400, 401, 403, 429),
    },
    handler: ({ res }) => {
      res.json({ flags: flags.all() });
    },
  });

  const put = defineRoute({
    method: 'put',
    path: '/api/admin/flags',
    access: 'admin',
    tag: TAG,
    summary: 'Switch optimization-lab flags, e.g. { "n_plus_one": true } (admin)',
    body: FlagsBody,
    responses: {
      200: { description: 'every flag after the switch', schema: FlagsResponse },
      ...errorResponses(ErrorResponse, 400, 401, 403, 409, 413, 429),
    },
    handler: async ({ body, res }) => {
      try {
        res.json({ flags: await flags.set(body, `admin#${principalOf(res).userId}`) });
      } catch (err) {
        if (err instanceof FlagRefusedError) throw new HttpError(409, 'FLAG_REFUSED', err.message, err.flag);
        throw err;
      }
    },
  });

  return [get, put];
}
