import type { ErrorKind } from '../types.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
  'PERFLAB_TIMEOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** Maps a transport error from undici or autocannon's sockets to the kind results count it under. */
export function classifyError(err: unknown): ErrorKind {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout';
  if (code !== undefined && RESET_CODES.has(code)) return 'reset';
  if (e?.name === 'TimeoutError' || /timed? ?out/i.test(String(e?.message ?? ''))) return 'timeout';
  if (e?.cause !== undefined && e.cause !== err) return classifyError(e.cause);
  return 'other';
}

/**
 * A transport error as a failure reason: its code (bounded, so reasons stay
 * few) before its message, which may carry an address.
 */
export function errorReason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
}

/** A scenario template (path, headers, body function) that threw: a scenario bug, named as such. */
export function templateReason(err: unknown): string {
  return `template threw: ${err instanceof Error ? err.message : String(err)}`;
}
