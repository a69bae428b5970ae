import { defineRoute, type AnyRoute } from '../http/route-table.js';
import { HealthResponse, ReadyResponse } from '../response-schemas.js';

const TAG = 'health';

export function healthRoutes(): AnyRoute[] {
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
      summary: 'The database answers',
      responses: {
        200: { description: 'ready', schema: ReadyResponse },
        503: { description: 'the database does not answer', schema: ReadyResponse },
      },
      handler: async ({ db, res }) => {
        try {
          await db.query('SELECT 1');
          res.json({ status: 'ready', db: db.kind });
        } catch {
          res.status(503).json({ status: 'unavailable', db: db.kind });
        }
      },
    }),
  ];
}
