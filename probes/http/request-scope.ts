import type { IncomingMessage } from 'node:http';
import { propagation, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { otelContextActive, stateOf, type RequestState } from './request-state.js';
import { bindDb } from '../db/instrument-db.js';
import { traceLogFields } from '../logs/logger.js';
import type { ProbeDeps } from '../probe-deps.js';
import type { DbLike, RequestScope, RequestStats } from '../types.js';

/**
 * probes.forRequest(req): the request's state, found on the request object
 * itself, so nothing here depends on AsyncLocalStorage. A request the
 * middleware never saw (an ignored path, or no middleware) gets a scope that
 * changes nothing: the db comes back as given and the logger is the base one.
 */
export function createForRequest(deps: ProbeDeps): (req: IncomingMessage) => RequestScope {
  return (req) => new Scope(deps, stateOf(req));
}

class Scope implements RequestScope {
  readonly #deps: ProbeDeps;
  readonly #state: RequestState | undefined;

  constructor(deps: ProbeDeps, state: RequestState | undefined) {
    this.#deps = deps;
    this.#state = state;
  }

  db<D extends DbLike>(db: D): D {
    const s = this.#state;
    if (!s) return db;
    if (s.dbSource === db) return s.dbView as D;
    const view = bindDb(db, s);
    if (view === undefined) return db;
    s.dbSource = db;
    s.dbView = view;
    s.tracked = true;
    return view;
  }

  get logger(): Logger {
    const s = this.#state;
    const base = this.#deps.logger;
    if (!s?.span) return base;
    // Where the context is implicit, the logger's mixin already stamps the
    // active span's ids on each line; binding them too would repeat the keys.
    if (s.tracked && this.#deps.context() === 'async-local-storage' && otelContextActive()) return base;
    if (!s.logger) {
      const sc = s.span.spanContext();
      s.logger = trace.isSpanContextValid(sc) ? base.child(traceLogFields(sc)) : base;
    }
    return s.logger;
  }

  traceHeaders(): Record<string, string> {
    const carrier: Record<string, string> = {};
    if (this.#state?.ctx) propagation.inject(this.#state.ctx, carrier);
    return carrier;
  }

  stats(): RequestStats | undefined {
    const s = this.#state;
    return s ? { queries: s.queries, queryDurationSeconds: s.queryDurationSeconds } : undefined;
  }
}
