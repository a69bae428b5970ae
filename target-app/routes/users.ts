import { principalOf } from '../auth/middleware.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, UserResponse } from '../response-schemas.js';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  created_at: Date;
}

/** The only shape a user leaves the API in: never the password hash. */
export const toUser = (r: UserRow) => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

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
        const { rows } = await db.query<UserRow>(
          'SELECT id, email, name, role, created_at FROM users WHERE id = $1',
          [principalOf(res).userId],
        );
        if (!rows[0]) throw notFound('user');
        res.json(toUser(rows[0]));
      },
    }),
  ];
}
