import { defineRoute, type AnyRoute } from '../http/route-table.js';
import { HealthResponse, ReadyResponse } from '../response-schemas.js';
import { cachedCheck } from '../security/ready-cache.js';

const TAG = 'health';

export function healthRoutes(): AnyRoute[] {
  const ready = cachedCheck();
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      access: 'public',
      tag: TAG,
      summary: 'The process is up',
      responses: { 200: { description: 'up', schema: HealthResponse } },
      handler: ({ res }) => {
        res.json({ status: 'ok' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      access: 'public',
      tag: TAG,
      summary: 'The database answers (one check per second, shared by all callers)',
      responses: {
        200: { description: 'ready', schema: ReadyResponse },
        503: { description: 'the database does not answer', schema: ReadyResponse },
      },
      handler: async ({ db, res }) => {
        if (await ready(() => db.query('SELECT 1'))) res.json({ status: 'ready', db: db.kind });
        else res.status(503).json({ status: 'unavailable', db: db.kind });
      },
    }),
  ];
}
