import type { RequestHandler } from 'express';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';

/** What each request leaves behind while memory_leak is on: enough to see on a heap panel. */
const RETAINED_BYTES = 8 * 1024;

/**
 * memory_leak: a "per-request cache" keyed by something unique to each
 * request, so it never hits and never evicts: the classic unbounded Map.
 * It exists for the memory panels; switching the flag off empties it.
 */
export function createLeak(flags: FlagReader) {
  const retained = new Map<number, { url: string; at: number; pad: Buffer }>();
  let next = 0;
  const middleware: RequestHandler = (req, _res, nextHandler) => {
    if (flags.isOn(FLAG.MEMORY_LEAK)) {
      retained.set(next++, {
        url: req.originalUrl.slice(0, 200),
        at: Date.now(),
        pad: Buffer.alloc(RETAINED_BYTES, 1),
      });
    }
    nextHandler();
  };
  return {
    middleware,
    /** Entries held right now. */
    size: () => retained.size,
    clear: () => retained.clear(),
  };
}

export type Leak = ReturnType<typeof createLeak>;
