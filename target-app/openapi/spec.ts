import { OpenAPIRegistry, OpenApiGeneratorV3, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { EmptyQuery } from '../schemas.js';
import { JSON_CONTENT, openApiPath, type AnyRoute } from '../http/route-table.js';

export const OPENAPI_VERSION = '3.0.3';
export const BEARER_SCHEME = 'bearerAuth';
const API_TITLE = 'perflab shop API';
const API_VERSION = '1.0.0';

type ObjectSchema = NonNullable<NonNullable<RouteConfig['request']>['query']>;

/**
 * The OpenAPI 3 document for a route table, generated from the very zod
 * schemas that validate requests, so it cannot describe a different API.
 */
export function buildOpenApiSpec(routes: readonly AnyRoute[]): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const route of routes) {
    const query = route.query ?? EmptyQuery;
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      summary: route.summary,
      tags: [route.tag],
      ...(route.access === 'public' ? {} : { security: [{ [BEARER_SCHEME]: [] }] }),
      ...(route.access === 'admin' ? { 'x-required-role': 'admin' } : {}),
      request: {
        ...(route.params ? { params: route.params as ObjectSchema } : {}),
        query: query as ObjectSchema,
        ...(route.body
          ? { body: { required: true, content: { [JSON_CONTENT]: { schema: route.body as z.ZodType } } } }
          : {}),
      },
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema ? { content: { [r.contentType ?? JSON_CONTENT]: { schema: r.schema } } } : {}),
          },
        ]),
      ),
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: OPENAPI_VERSION,
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: 'The sample shop perflab load-tests. Generated from the zod schemas; do not edit.',
    },
  });
}
