import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { loggableError } from './error-log.js';

/** An error whose status, code and message are safe to show the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what = 'resource'): HttpError =>
  new HttpError(404, 'NOT_FOUND', `${what} not found`);

export function sendError(
  res: Parameters<RequestHandler>[1],
  status: number,
  code: string,
  message: string,
  field?: string,
): void {
  res.status(status).json({ error: { code, message, ...(field === undefined ? {} : { field }) } });
}

export const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${req.path.slice(0, 200)}`);
};

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * PostgreSQL class 22 (data exception: out-of-range number, impossible date,
 * bad text encoding) means a value from the request got past validation; it
 * is the client's input, so a 400, never a 500.
 */
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;
export const isDataException = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DATA_EXCEPTION.test(code);
};

/**
 * The last middleware. Known errors become their 4xx; anything else is logged
 * (type, code, message and stack, never driver detail or values; see
 * error-log.ts), through the request's own logger when there is one (its lines
 * carry the trace id), and the client gets a generic 500 with the request id to quote.
 */
export function errorHandler(logger: Logger, loggerFor?: (req: Request) => Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      sendError(res, err.status, err.code, err.message, err.field);
      return;
    }
    const bodyError = err as BodyParserError;
    if (bodyError.type === 'entity.too.large') {
      sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'request body is over the 100 kB limit');
      return;
    }
    if (bodyError.type === 'entity.parse.failed') {
      sendError(res, 400, 'MALFORMED_JSON', 'request body is not valid JSON', 'body');
      return;
    }
    if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      sendError(res, bodyError.status, 'BAD_REQUEST', 'the request could not be read');
      return;
    }
    if (isDataException(err)) {
      // Still worth a line: validation should have caught it. No stack, no value.
      const { type, code, message } = loggableError(err);
      (loggerFor ? loggerFor(req) : logger).warn(
        { err: { type, code, message }, reqId: req.id },
        'data exception answered 400',
      );
      sendError(res, 400, 'VALIDATION_FAILED', 'a value in the request is out of range or malformed');
      return;
    }
    (loggerFor ? loggerFor(req) : logger).error(
      { err: loggableError(err), reqId: req.id },
      'unhandled error',
    );
    res.status(500).json({
      error: { code: 'INTERNAL', message: 'internal server error', requestId: String(req.id ?? '') },
    });
  };
}
