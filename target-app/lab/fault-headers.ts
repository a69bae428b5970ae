import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';
import { HttpError } from '../http/errors.js';

export const DELAY_HEADER = 'x-perflab-delay-ms';
export const FAIL_HEADER = 'x-perflab-fail';
export const MAX_DELAY_MS = 10_000;

/**
 * QuickPizza's trick: a request asks for its own trouble. Only with the
 * fault_headers flag on (it is a denial-of-service lever), and every use is
 * logged. x-perflab-delay-ms adds latency, capped at 10 s; x-perflab-fail
 * (any value) answers 500.
 */
export function faultHeaders(flags: FlagReader, logger: Pick<Logger, 'warn'>): RequestHandler {
  return async (req, _res, next) => {
    const delayRaw = req.get(DELAY_HEADER);
    const fail = req.get(FAIL_HEADER) !== undefined;
    if (!flags.isOn(FLAG.FAULT_HEADERS) || (delayRaw === undefined && !fail)) {
      next();
      return;
    }
    let delayMs = 0;
    if (delayRaw !== undefined) {
      if (!/^\d{1,9}$/.test(delayRaw.trim())) {
        throw new HttpError(
          400,
          'VALIDATION_FAILED',
          `${DELAY_HEADER}: must be whole milliseconds`,
          DELAY_HEADER,
        );
      }
      delayMs = Math.min(Number(delayRaw.trim()), MAX_DELAY_MS);
    }
    logger.warn({ path: req.path.slice(0, 200), delayMs, fail }, 'fault injected by request headers');
    if (delayMs > 0) await sleep(delayMs);
    if (fail) throw new HttpError(500, 'INJECTED_FAULT', `${FAIL_HEADER} asked for this error`);
    next();
  };
}
