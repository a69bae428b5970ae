import { PerflabError, invalidOption } from '../../common/perflab-error.js';
import { E_OPTION, E_REMOTE_TARGET } from '../error-codes.js';
import type { LoadModel, RunOptions, Scenario, Segment } from '../types.js';
import { validSegment } from './segment.js';

export interface ResolvedOptions {
  target: string;
  scenario: Scenario;
  model: LoadModel;
  durationMs: number | undefined;
  requests: number | undefined;
  warmupMs: number;
  timeoutMs: number;
  thresholds: string[];
  scrape: boolean;
  scrapeIntervalMs: number;
  skipPreflight: boolean;
  segment: Segment | undefined;
  signal: AbortSignal | undefined;
}

// A run bounded only by a request count still needs a time bound, so a dead
// target can never keep the generator alive forever.
export const MAX_RUN_MS = 6 * 3_600_000;

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const positiveInt = (v: unknown): v is number => positive(v) && Number.isInteger(v);

/**
 * Loopback by name or literal address only: resolving a name would already
 * talk to the network, and a typo in a host name should not become a load test.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

// host:port[/path], or a loopback name or IPv4 address with an optional path: a URL missing its scheme.
const SCHEMELESS =
  /^(?:(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\]):\d+|localhost|\d{1,3}(?:\.\d{1,3}){3})(?:\/\S*)?$/i;

/** `; did you mean http://127.0.0.1:3000?` for a URL typed without its scheme, else ''. */
export function schemeHint(text: string): string {
  return SCHEMELESS.test(text) ? `; did you mean http://${text}?` : '';
}

/** Fails fast, naming the option and what it expects, before any socket is opened. */
export function resolveOptions(opts: RunOptions): ResolvedOptions {
  let url: URL;
  const hint = typeof opts.target === 'string' ? schemeHint(opts.target) : '';
  try {
    url = new URL(opts.target);
  } catch {
    throw invalidOption(E_OPTION, 'target', 'an http:// URL', opts.target, hint);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidOption(E_OPTION, 'target', 'an http:// or https:// URL', opts.target, hint);
  }
  if (!opts.allowRemote && !isLoopbackHost(url.hostname)) {
    throw new PerflabError(
      E_REMOTE_TARGET,
      `target ${url.host} is not a loopback address: a load test sends real traffic, so a remote target ` +
        'needs explicit consent (allowRemote: true, or --allow-remote on the command line)',
    );
  }
  if (opts.scenario?.kind !== 'perflab-scenario') {
    throw invalidOption(E_OPTION, 'scenario', 'a scenario from defineScenario()', opts.scenario);
  }
  const m = opts.model;
  if (m?.kind === 'closed') {
    if (!positiveInt(m.connections))
      throw invalidOption(E_OPTION, 'connections', 'a positive integer', m.connections);
  } else if (m?.kind === 'open') {
    if ((m.rate === undefined) === (m.stages === undefined)) {
      throw invalidOption(E_OPTION, 'rate', 'exactly one of rate or stages', m.rate);
    }
    if (m.rate !== undefined && !positive(m.rate))
      throw invalidOption(E_OPTION, 'rate', 'a positive number', m.rate);
    if (m.stages !== undefined && m.stages.length === 0)
      throw invalidOption(E_OPTION, 'stages', 'at least one stage', m.stages);
    if (m.startRate !== undefined && !(Number.isFinite(m.startRate) && m.startRate >= 0)) {
      throw invalidOption(E_OPTION, 'startRate', 'a number >= 0', m.startRate);
    }
    if (!positiveInt(m.maxConnections)) {
      throw invalidOption(E_OPTION, 'maxConnections', 'a positive integer', m.maxConnections);
    }
    if (!positive(m.maxSendLagMs))
      throw invalidOption(E_OPTION, 'maxSendLagMs', 'a positive number', m.maxSendLagMs);
  } else {
    throw invalidOption(E_OPTION, 'model', '{ kind: "closed" } or { kind: "open" }', m);
  }
  if (opts.durationMs !== undefined && !positive(opts.durationMs)) {
    throw invalidOption(E_OPTION, 'duration', 'a positive duration', opts.durationMs);
  }
  if (opts.requests !== undefined && !positiveInt(opts.requests)) {
    throw invalidOption(E_OPTION, 'requests', 'a positive integer', opts.requests);
  }
  const stagesMs =
    m.kind === 'open' && m.stages ? m.stages.reduce((s, st) => s + st.durationMs, 0) : undefined;
  if (opts.durationMs === undefined && opts.requests === undefined && stagesMs === undefined) {
    throw invalidOption(E_OPTION, 'duration', 'a duration or a request count', undefined);
  }
  if (opts.segment !== undefined) {
    if (!validSegment(opts.segment))
      throw invalidOption(E_OPTION, 'segment', '{ index, count } with 1 <= index <= count', opts.segment);
    if (m.kind === 'closed' && m.connections < opts.segment.count)
      throw invalidOption(
        E_OPTION,
        'segment',
        `at most ${m.connections} segments (one connection each)`,
        opts.segment.count,
      );
    if (opts.requests !== undefined && opts.requests < opts.segment.count)
      throw invalidOption(
        E_OPTION,
        'segment',
        `at most ${opts.requests} segments (one request each)`,
        opts.segment.count,
      );
  }
  const warmupMs = opts.warmupMs ?? 0;
  if (!(warmupMs >= 0)) throw invalidOption(E_OPTION, 'warmup', 'a duration >= 0', opts.warmupMs);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (!positive(timeoutMs)) throw invalidOption(E_OPTION, 'timeout', 'a positive duration', opts.timeoutMs);
  const scrapeIntervalMs = opts.scrapeIntervalMs ?? 5000;
  if (!positive(scrapeIntervalMs)) {
    throw invalidOption(E_OPTION, 'scrapeInterval', 'a positive duration', opts.scrapeIntervalMs);
  }
  return {
    target: url.href.replace(/\/+$/, ''),
    scenario: opts.scenario,
    model: m,
    durationMs: opts.durationMs ?? stagesMs,
    requests: opts.requests,
    warmupMs,
    timeoutMs,
    thresholds: [...(opts.scenario.thresholds ?? []), ...(opts.thresholds ?? [])],
    scrape: opts.scrape ?? true,
    scrapeIntervalMs,
    skipPreflight: opts.skipPreflight ?? false,
    segment: opts.segment,
    signal: opts.signal,
  };
}
