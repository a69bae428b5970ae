import { trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { ResolvedOptions } from '../options.js';

/** Keys (case-insensitive) whose values never reach a log line, at any depth up to 6. */
export const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'passwordHash',
  'password_hash',
  'accessToken',
  'refreshToken',
] as const;

const CENSOR = '[redacted]';
const MAX_DEPTH = 6;

/**
 * Returns obj with the value of every secret key replaced by `[redacted]`,
 * copying only the objects on the way to a secret (the input is never
 * mutated). Plain objects and arrays are walked; class instances (errors,
 * buffers, dates) are left to pino's serializers. About 0.1 µs for a typical
 * line, where pino's path-based redaction with deep wildcards costs ~13 µs.
 */
export function redactSecrets(value: unknown, keys: ReadonlySet<string>, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = redactSecrets(value[i], keys, depth + 1);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in record) {
    const v = record[key];
    const r = keys.has(key.toLowerCase()) ? CENSOR : redactSecrets(v, keys, depth + 1);
    if (r !== v) (out ??= { ...record })[key] = r;
  }
  return out ?? value;
}

/** The fields a log line carries to name its span (W3C trace-context names). */
export interface TraceLogFields {
  trace_id: string;
  span_id: string;
  /** `01` when the span is sampled, else `00`: only the sampled bit, whatever other flags are set. */
  trace_flags: '01' | '00';
}

/** The log fields for a span context: the one place lines from the mixin and from forRequest(req).logger are stamped. */
export function traceLogFields(sc: SpanContext): TraceLogFields {
  return {
    trace_id: sc.traceId,
    span_id: sc.spanId,
    trace_flags: (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00',
  };
}

/** trace_id/span_id of the active span, on every line logged inside it. */
function traceMixin(): Partial<TraceLogFields> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const sc = span.spanContext();
  return sc.traceId && sc.traceId !== '00000000000000000000000000000000' ? traceLogFields(sc) : {};
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
  // `redact` entries that are plain key names join the key walk; paths
  // (with `.` or `[`) go to pino's own path-based redaction.
  const keys = new Set<string>(SECRET_KEYS.map((k) => k.toLowerCase()));
  const paths: string[] = [];
  for (const entry of o.redact) {
    if (/[.[*]/.test(entry)) paths.push(entry);
    else keys.add(entry.toLowerCase());
  }
  const logger = pino(
    {
      level: o.logLevel,
      base: { service: o.serviceName, pid: process.pid },
      mixin: traceMixin,
      ...(paths.length > 0 ? { redact: { paths, censor: CENSOR } } : {}),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactSecrets(obj, keys) as Record<string, unknown>,
      },
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
