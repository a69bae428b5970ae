import { principalOf } from '../auth/middleware.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, UserResponse, UserSummaryResponse } from '../response-schemas.js';
import type { FlagReader } from '../flags/types.js';
import { findUser, userSummary } from '../store/users.js';

export function userRoutes(flags: FlagReader): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/users/me',
      access: 'user',
      tag: 'users',
      summary: 'The signed-in account',
      responses: {
        200: { description: 'the caller', schema: UserResponse },
        ...errorResponses(ErrorResponse, 400, 401, 404, 429),
      },
      handler: async ({ db, res }) => {
        const user = await findUser(db, principalOf(res).userId);
        if (!user) throw notFound('user');
        res.json(user);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/me/summary',
      access: 'user',
      tag: 'users',
      summary: 'The caller’s order count, total spent, last 5 orders and 5 recommended products',
      responses: {
        200: { description: 'the summary', schema: UserSummaryResponse },
        ...errorResponses(ErrorResponse, 400, 401, 429),
      },
      handler: async ({ db, res }) => {
        res.json(await userSummary(db, flags, principalOf(res).userId));
      },
    }),
  ];
}
