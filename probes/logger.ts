import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { ResolvedOptions } from './options.js';

/** Keys whose values never reach a log line, at the top level and up to four levels deep. */
export const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'token'] as const;

export function redactPaths(extra: readonly string[]): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = k.startsWith('[') ? '' : '.';
    paths.push(k);
    for (let depth = 1; depth <= 4; depth++) paths.push('*' + '.*'.repeat(depth - 1) + dot + k);
  }
  return [...paths, ...extra];
}

/** trace_id/span_id of the active span, on every line logged inside it. */
function traceMixin(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const sc = span.spanContext();
  return sc.traceId && sc.traceId !== '00000000000000000000000000000000'
    ? { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags === 1 ? '01' : '00' }
    : {};
}

export interface CreatedLogger {
  logger: Logger;
  /** Flushes buffered lines; resolves even if the destination fails. */
  flush(): Promise<void>;
}

export function createLogger(o: ResolvedOptions): CreatedLogger {
  let destination: DestinationStream;
  if (typeof o.logDestination === 'object' && o.logDestination !== null) destination = o.logDestination;
  else {
    destination = pino.destination({
      dest: o.logDestination ?? 1,
      sync: false,
      minLength: 0,
      mkdir: typeof o.logDestination === 'string',
    });
  }
  const logger = pino(
    {
      level: o.logLevel,
      base: { service: o.serviceName, pid: process.pid },
      mixin: traceMixin,
      redact: { paths: redactPaths(o.redact), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const boom = typeof o.logDestination === 'object' && o.logDestination !== null ? undefined : destination;
  return {
    logger,
    flush: async () => {
      try {
        if (boom) await drain(boom as unknown as SonicBoomLike);
        else await new Promise<void>((resolve) => logger.flush(() => resolve()));
      } catch {
        // Flushing is best effort: a broken destination must not fail shutdown.
      }
    },
  };
}

interface SonicBoomLike {
  fd: number;
  _writing?: boolean;
  destroyed?: boolean;
  once(event: string, fn: () => void): unknown;
  flushSync(): void;
}

/** Waits for the file to open and any in-flight async write, then writes the rest synchronously. */
async function drain(dest: SonicBoomLike): Promise<void> {
  if (dest.destroyed) return;
  if (dest.fd < 0) await new Promise<void>((resolve) => dest.once('ready', resolve));
  for (let i = 0; i < 100 && dest._writing; i++)
    await new Promise<void>((resolve) => dest.once('write', resolve));
  dest.flushSync();
}
