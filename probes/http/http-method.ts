import { METHOD_OTHER } from '../metric-names.js';

const KNOWN = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** The semconv-known HTTP methods pass through; anything else becomes `_OTHER`. */
export function normalizeMethod(method: string): string {
  return KNOWN.has(method) ? method : KNOWN.has(method.toUpperCase()) ? method.toUpperCase() : METHOD_OTHER;
}
