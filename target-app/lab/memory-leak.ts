import type { RequestHandler } from 'express';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';

/**
 * What each request leaves behind while memory_leak is on: 64 KB of V8 heap
 * (an array of 8,192 small integers, 8 bytes a slot), so 100 requests a
 * second grow the heap by about 6 MB/s: past the tens of MB a busy app's
 * heap swings between collections, so it is plain on a heap panel and to
 * the compare's memory-growth rule. Heap, not a Buffer: a Buffer's bytes
 * live outside the V8 heap and would show in RSS only.
 */
const RETAINED_SLOTS = 8 * 1024;

/**
 * memory_leak: a "per-request cache" keyed by something unique to each
 * request, so it never hits and never evicts: the classic unbounded Map.
 * It exists for the memory panels; switching the flag off empties it.
 */
export function createLeak(flags: FlagReader) {
  const retained = new Map<number, { url: string; at: number; pad: number[] }>();
  let next = 0;
  const middleware: RequestHandler = (req, _res, nextHandler) => {
    if (flags.isOn(FLAG.MEMORY_LEAK)) {
      retained.set(next++, {
        url: req.originalUrl.slice(0, 200),
        at: Date.now(),
        pad: new Array<number>(RETAINED_SLOTS).fill(next),
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
