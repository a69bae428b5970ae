import type { Logger } from 'pino';
import type { Diagnostics } from '../diagnostics.js';

export interface MemoryMonitor {
  /** Takes one sample now (what the timer does); returns whether heapUsed was past the threshold. */
  sample(): boolean;
  stop(): void;
}

/**
 * Logs rss, heapUsed, heapTotal and external every intervalMs, and an error
 * line while heapUsed is above thresholdBytes. The timer is unref'd, so it
 * never keeps a process alive, and stop() clears it.
 */
export function startMemoryMonitor(
  logger: Logger,
  diag: Diagnostics,
  intervalMs: number,
  thresholdBytes: number,
): MemoryMonitor {
  const sample = (): boolean => {
    try {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
      const memory = { rss, heapUsed, heapTotal, external };
      if (heapUsed > thresholdBytes) {
        logger.error({ memory, heapThresholdBytes: thresholdBytes }, 'heap usage above threshold');
        return true;
      }
      logger.info({ memory }, 'memory usage');
    } catch (err) {
      diag.report('memoryMonitor', err);
    }
    return false;
  };
  let timer: NodeJS.Timeout | undefined;
  if (intervalMs > 0) {
    timer = setInterval(sample, intervalMs);
    timer.unref();
  }
  return {
    sample,
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
