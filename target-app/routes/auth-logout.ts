import { tokenOf } from '../auth/middleware.js';
import type { TokenDenyList } from '../auth/deny-list.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse } from '../response-schemas.js';

/** Logout: the presented token is refused from now until it would have expired anyway. */
export function logoutRoute(denyList: TokenDenyList): AnyRoute {
  return defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    access: 'user',
    tag: 'auth',
    summary: 'Revoke the bearer token of this request (other tokens of the account stay valid)',
    responses: {
      204: { description: 'revoked' },
      ...errorResponses(ErrorResponse, 400, 401, 429),
    },
    handler: async ({ res }) => {
      const { tokenId, expiresAt } = tokenOf(res);
      await denyList.deny(tokenId, expiresAt);
      res.status(204).end();
    },
  });
}
