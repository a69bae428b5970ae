import { defineRoute, type AnyRoute } from '../http/route-table.js';
import { OpenApiDocument } from '../response-schemas.js';

export const OPENAPI_PATH = '/api/openapi.json';

/** Serves the spec; `spec` is computed once the whole table (this route included) exists. */
export function openApiRoute(spec: () => object): AnyRoute {
  return defineRoute({
    method: 'get',
    path: OPENAPI_PATH,
    access: 'public',
    tag: 'meta',
    summary: 'This document',
    responses: { 200: { description: 'the OpenAPI 3 document', schema: OpenApiDocument } },
    handler: ({ res }) => {
      res.json(spec());
    },
  });
}
