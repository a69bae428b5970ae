import { principalOf } from '../auth/middleware.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, UserResponse } from '../response-schemas.js';
import { findUser } from '../store/users.js';

export function userRoutes(): AnyRoute[] {
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
  ];
}
