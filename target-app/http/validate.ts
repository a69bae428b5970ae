import type { z } from 'zod';
import { HttpError } from './errors.js';

/**
 * Parses one part of a request with its zod schema. The first issue becomes a
 * 400 naming the offending field as a dotted path (items.0.quantity).
 */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let path = issue?.path.map(String).join('.') ?? '';
  // An unknown field is reported on the object, but the client needs its name.
  if (issue?.code === 'unrecognized_keys') path = [path, ...issue.keys.slice(0, 1)].filter(Boolean).join('.');
  const field = path === '' ? where : path;
  // A schema rule about business limits carries its own status and code (e.g. 422 ORDER_TOO_LARGE).
  const custom =
    issue?.code === 'custom' ? (issue.params as { status?: unknown; code?: unknown } | undefined) : undefined;
  if (typeof custom?.status === 'number' && typeof custom.code === 'string') {
    throw new HttpError(custom.status, custom.code, `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  throw new HttpError(400, 'VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`, field);
}
