import type { FlagReader } from '../flags/types.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, SalesReportResponse } from '../response-schemas.js';
import { salesByDay } from '../store/reports.js';

export function reportRoutes(flags: FlagReader): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/reports/sales',
      access: 'admin',
      tag: 'reports',
      summary: 'Orders and revenue per UTC day, over every order (admin)',
      responses: {
        200: { description: 'one row per day', schema: SalesReportResponse },
        ...errorResponses(ErrorResponse, 400, 401, 403, 429),
      },
      handler: async ({ db, res }) => {
        res.json({ days: await salesByDay(db, flags) });
      },
    }),
  ];
}
