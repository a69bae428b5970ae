import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricNames as N } from '../../../probes/index.js';
import type { BusObserver, EventType } from '../events/types.js';

/** Breaker state as a number: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function breakerMetrics(registry: Registry) {
  return {
    state: once(
      registry,
      N.BREAKER_STATE,
      () =>
        new Gauge({
          name: N.BREAKER_STATE,
          help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
          labelNames: [N.LABEL_BREAKER],
          registers: [registry],
        }),
    ),
    events: once(
      registry,
      N.BREAKER_EVENTS,
      () =>
        new Counter({
          name: N.BREAKER_EVENTS,
          help: 'Circuit breaker events: fire, success, failure, timeout, reject, fallback, open, half_open, close',
          labelNames: [N.LABEL_BREAKER, N.LABEL_BREAKER_EVENT],
          registers: [registry],
        }),
    ),
  };
}

/** The bus figures of one service's consumers. */
export function busObserver(registry: Registry): BusObserver {
  const lag = once(
    registry,
    N.BUS_CONSUMER_LAG,
    () =>
      new Gauge({
        name: N.BUS_CONSUMER_LAG,
        help: 'Events waiting for a consumer after the last one it handled',
        labelNames: [N.LABEL_CONSUMER],
        registers: [registry],
      }),
  );
  const redeliveries = once(
    registry,
    N.BUS_REDELIVERIES,
    () =>
      new Counter({
        name: N.BUS_REDELIVERIES,
        help: 'Events delivered again after a failed, crashed or unacknowledged attempt',
        labelNames: [N.LABEL_CONSUMER, N.LABEL_EVENT_TYPE],
        registers: [registry],
      }),
  );
  const dead = once(
    registry,
    N.BUS_DEAD_LETTERS,
    () =>
      new Counter({
        name: N.BUS_DEAD_LETTERS,
        help: 'Events given up after the maximum deliveries and sent to the dead-letter subject',
        labelNames: [N.LABEL_CONSUMER, N.LABEL_EVENT_TYPE],
        registers: [registry],
      }),
  );
  return {
    lag: (consumer, pending) => lag.set({ [N.LABEL_CONSUMER]: consumer }, Math.max(0, pending)),
    redelivered: (consumer, type: EventType) =>
      redeliveries.inc({ [N.LABEL_CONSUMER]: consumer, [N.LABEL_EVENT_TYPE]: type }),
    deadLettered: (consumer, type: EventType) =>
      dead.inc({ [N.LABEL_CONSUMER]: consumer, [N.LABEL_EVENT_TYPE]: type }),
  };
}

export function sagaMetrics(registry: Registry) {
  const outcomes = once(
    registry,
    N.SAGA_OUTCOMES,
    () =>
      new Counter({
        name: N.SAGA_OUTCOMES,
        help: 'Checkout sagas that reached a terminal state, by result',
        labelNames: [N.LABEL_SAGA_RESULT],
        registers: [registry],
      }),
  );
  const duration = once(
    registry,
    N.SAGA_DURATION,
    () =>
      new Histogram({
        name: N.SAGA_DURATION,
        help: 'Time from order created to its terminal state',
        labelNames: [N.LABEL_SAGA_RESULT],
        buckets: [...N.SAGA_DURATION_BUCKETS],
        registers: [registry],
      }),
  );
  return {
    finished(result: 'confirmed' | 'failed', seconds: number) {
      outcomes.inc({ [N.LABEL_SAGA_RESULT]: result });
      duration.observe({ [N.LABEL_SAGA_RESULT]: result }, Math.max(0, seconds));
    },
  };
}
