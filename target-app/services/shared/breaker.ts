import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { metricNames as N } from '../../../probes/index.js';
import type { BreakerSettings } from './services-config.js';
import { BREAKER_STATE_VALUE, breakerMetrics } from './service-metrics.js';

/** What a call through an open (or failing) breaker answers instead. */
export const DEGRADED = Symbol('degraded');

/** opossum's event names, and the label each gets in perflab_circuit_breaker_events_total. */
const COUNTED = {
  fire: 'fire',
  success: 'success',
  failure: 'failure',
  timeout: 'timeout',
  reject: 'reject',
  fallback: 'fallback',
  open: 'open',
  halfOpen: 'half_open',
  close: 'close',
} as const;

/**
 * Wraps a remote call in an opossum circuit breaker with our settings, a
 * fallback answering DEGRADED, every event counted (label-bounded: the
 * breaker name is ours, never a request value), the state as a gauge and
 * each transition logged. `isNotFailure` keeps answers such as a 404 from
 * counting as the remote being down.
 */
export function createBreaker<A extends unknown[], R>(
  name: string,
  call: (...args: A) => Promise<R>,
  settings: BreakerSettings,
  deps: { registry: Registry; logger: Logger; isNotFailure?: (err: unknown) => boolean },
): CircuitBreaker<A, R | typeof DEGRADED> {
  const breaker = new CircuitBreaker<A, R | typeof DEGRADED>(call, {
    name,
    timeout: settings.timeoutMs,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
    ...(deps.isNotFailure ? { errorFilter: deps.isNotFailure } : {}),
  });
  breaker.fallback(() => DEGRADED);
  const m = breakerMetrics(deps.registry);
  const labels = { [N.LABEL_BREAKER]: name };
  m.state.set(labels, BREAKER_STATE_VALUE.closed);
  for (const [event, label] of Object.entries(COUNTED)) {
    breaker.on(event as 'fire', () => m.events.inc({ ...labels, [N.LABEL_BREAKER_EVENT]: label }));
  }
  breaker.on('open', () => {
    m.state.set(labels, BREAKER_STATE_VALUE.open);
    deps.logger.warn(
      { breaker: name, resetMs: settings.resetTimeoutMs },
      'circuit breaker opened: calls now answer degraded',
    );
  });
  breaker.on('halfOpen', () => {
    m.state.set(labels, BREAKER_STATE_VALUE.halfOpen);
    deps.logger.info({ breaker: name }, 'circuit breaker half-open: trying one call');
  });
  breaker.on('close', () => {
    m.state.set(labels, BREAKER_STATE_VALUE.closed);
    deps.logger.info({ breaker: name }, 'circuit breaker closed: the remote answers again');
  });
  return breaker;
}
