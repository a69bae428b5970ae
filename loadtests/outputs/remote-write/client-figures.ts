import type { ErrorKind } from '../../types.js';
import type { Series } from './write-request.js';
import {
  LABEL_ENDPOINT,
  LABEL_ERROR_TYPE,
  LABEL_GENERATOR,
  LABEL_LE,
  LABEL_TESTID,
  LOAD_DURATION_BUCKETS,
  LOAD_ERRORS,
  LOAD_IN_FLIGHT,
  LOAD_REQUEST_DURATION,
  LOAD_REQUESTS,
  LOAD_SEND_LAG,
} from './metric-names.js';

const ERROR_KINDS: readonly ErrorKind[] = ['timeout', 'refused', 'reset', 'non2xx', 'checkFailed', 'other'];
const LE_LABELS = [...LOAD_DURATION_BUCKETS.map(String), '+Inf'];

interface EndpointCounts {
  requests: number;
  errors: Record<ErrorKind, number>;
  /** Non-cumulative: buckets[i] counts latencies in (bounds[i-1], bounds[i]]; the last is +Inf. */
  buckets: Float64Array;
  sumSeconds: number;
  observed: number;
}

/** What one outcome event carries that the figures need. */
export interface ClientOutcome {
  latencyUs?: number;
  error?: ErrorKind;
}

/**
 * Cumulative client-side figures of one run, as Prometheus counters and a
 * classic histogram per endpoint. Counters only grow, so a failed or skipped
 * push loses nothing: the next one carries the totals.
 */
export class ClientFigures {
  private readonly endpoints = new Map<string, EndpointCounts>();
  inFlight = 0;
  /** Worst send lag of the last tick in ms, when the load model reports one. */
  sendLagMs: number | undefined;

  constructor(
    private readonly testid: string,
    private readonly generator: string,
  ) {}

  record(endpoint: string, outcome: ClientOutcome): void {
    let ep = this.endpoints.get(endpoint);
    if (ep === undefined) {
      ep = {
        requests: 0,
        errors: { timeout: 0, refused: 0, reset: 0, non2xx: 0, checkFailed: 0, other: 0 },
        buckets: new Float64Array(LE_LABELS.length),
        sumSeconds: 0,
        observed: 0,
      };
      this.endpoints.set(endpoint, ep);
    }
    ep.requests++;
    if (outcome.error !== undefined) ep.errors[outcome.error]++;
    if (outcome.latencyUs !== undefined) {
      const seconds = outcome.latencyUs / 1e6;
      let i = 0;
      while (i < LOAD_DURATION_BUCKETS.length && seconds > (LOAD_DURATION_BUCKETS[i] as number)) i++;
      ep.buckets[i] = (ep.buckets[i] ?? 0) + 1;
      ep.sumSeconds += seconds;
      ep.observed++;
    }
  }

  /** Every series at `timestampMs`. */
  series(timestampMs: number): Series[] {
    const base = { [LABEL_TESTID]: this.testid, [LABEL_GENERATOR]: this.generator };
    const out: Series[] = [];
    const add = (name: string, value: number, labels: Record<string, string> = {}): void => {
      out.push({ labels: { __name__: name, ...base, ...labels }, value, timestampMs });
    };
    for (const [endpoint, ep] of this.endpoints) {
      const e = { [LABEL_ENDPOINT]: endpoint };
      add(LOAD_REQUESTS, ep.requests, e);
      for (const kind of ERROR_KINDS) add(LOAD_ERRORS, ep.errors[kind], { ...e, [LABEL_ERROR_TYPE]: kind });
      let cumulative = 0;
      for (let i = 0; i < LE_LABELS.length; i++) {
        cumulative += ep.buckets[i] as number;
        add(`${LOAD_REQUEST_DURATION}_bucket`, cumulative, { ...e, [LABEL_LE]: LE_LABELS[i] as string });
      }
      add(`${LOAD_REQUEST_DURATION}_sum`, ep.sumSeconds, e);
      add(`${LOAD_REQUEST_DURATION}_count`, ep.observed, e);
    }
    add(LOAD_IN_FLIGHT, this.inFlight);
    if (this.sendLagMs !== undefined) add(LOAD_SEND_LAG, this.sendLagMs / 1000);
    return out;
  }

  /** Totals over endpoints, to report and to compare with result.json. */
  totals(): { requests: number; errors: number } {
    let requests = 0;
    let errors = 0;
    for (const ep of this.endpoints.values()) {
      requests += ep.requests;
      for (const kind of ERROR_KINDS) errors += ep.errors[kind];
    }
    return { requests, errors };
  }
}
