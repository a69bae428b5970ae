/**
 * What of an unexpected error may go into the log. Driver errors can quote the
 * offending value (PostgreSQL class 22, "invalid input syntax for type
 * integer: \"...\""), and the stack's first line repeats the message, so both
 * are cut at the first colon for those codes. `detail`, `where` and query
 * parameters are never copied at all.
 */

/** SQLSTATE classes whose messages may quote a value from the statement's parameters. */
const VALUE_QUOTING_CLASSES = new Set(['22']);
const SQLSTATE = /^[0-9A-Z]{5}$/;
const REDACTED = '[value redacted]';

export interface LoggableError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
}

export function loggableError(err: unknown): LoggableError {
  const e = err instanceof Error ? err : new Error(String(err));
  const rawCode = (e as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const quotesValues =
    code !== undefined && SQLSTATE.test(code) && VALUE_QUOTING_CLASSES.has(code.slice(0, 2));
  const message = quotesValues ? scrub(e.message) : e.message;
  let stack = e.stack;
  if (quotesValues && stack) {
    const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
    stack = [`${e.name}: ${message}`, ...frames].join('\n');
  }
  return { type: e.name, message, ...(code ? { code } : {}), ...(stack ? { stack } : {}) };
}

function scrub(message: string): string {
  const colon = message.indexOf(':');
  return colon === -1 ? REDACTED : `${message.slice(0, colon)}: ${REDACTED}`;
}
