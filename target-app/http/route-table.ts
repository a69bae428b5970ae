import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Db } from '../db/types.js';

/**
 * One declarative entry per endpoint. The same table mounts the routes on the
 * app (mount-routes.ts) and generates /api/openapi.json (openapi/spec.ts), so
 * the documented surface cannot drift from the served one.
 */

/** Who may call a route: anyone, any signed-in account, or an admin. */
export type Access = 'public' | 'user' | 'admin';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export const JSON_CONTENT = 'application/json';

export interface RouteResponse {
  description: string;
  /** The body's shape; omitted for an empty body (204). */
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteContext<P, Q, B> {
  /** The database, bound to this request (its queries are this request's spans and counts). */
  db: Db;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
  next: NextFunction;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** A full Express template such as /api/orders/:id (the probes label metrics with it). */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  /** Defaults to "no query parameters at all". */
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  responses: Record<number, RouteResponse>;
  /** Middleware that runs after authentication and before validation (e.g. the login limiters). */
  before?: RequestHandler[];
  handler(ctx: RouteContext<P, Q, B>): unknown;
}

/** Identity, but it infers P, Q and B from the schemas so the handler is typed. */
export function defineRoute<P, Q, B>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

// The table holds routes of many shapes; each was type-checked by defineRoute.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any>;

/** Express template (:id) to OpenAPI template ({id}). */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input; `field` names the offending field',
  401: 'no valid bearer token (or wrong credentials on login)',
  403: 'the caller lacks the role',
  404: 'not found, or not the caller’s',
  409: 'conflicts with the current state',
  413: 'body over the size limit',
  422: 'refers to something that does not exist',
  429: 'rate limit reached; see Retry-After and RateLimit',
};

/** The error responses a route can give, all in the one error shape. */
export function errorResponses(schema: z.ZodType, ...statuses: number[]): Record<number, RouteResponse> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s] ?? 'error', schema }]),
  );
}
