import type { EndpointResult, QuantileBucket, RunResult, ServerRouteFigures } from '../types.js';
import { MIN_LAG_SAMPLES } from '../engine/send-lag.js';
import { routeFor } from '../server-metrics/route-match.js';
import { pollLines } from './poll-line.js';
import { fmtBytes, fmtMs, table } from './table.js';

function serverRoute(ep: EndpointResult, routes: Record<string, ServerRouteFigures> | undefined) {
  return routeFor(ep, routes)?.[0];
}

/**
 * A server-side percentile as the histogram knows it: the bound of the bucket
 * it falls in (`≤5`), never an interpolated value printed as if measured.
 * Results from before the buckets were recorded print the estimate with `~`.
 */
function fmtServer(bucket: QuantileBucket | null | undefined, estimate: number | null | undefined): string {
  if (bucket === undefined) return estimate === null || estimate === undefined ? '-' : `~${fmtMs(estimate)}`;
  if (bucket === null) return '-';
  return bucket.le === null ? `>${fmtMs(bucket.gt)}` : `≤${fmtMs(bucket.le)}`;
}

export function modeLine(r: RunResult): string {
  const m = r.config.model;
  if (m.kind === 'closed') return `closed, ${m.connections} connections`;
  // The open model's rate is flows (scenario iterations) per second; requests per second beside it.
  const rps = `${r.totals.rps} req/s measured`;
  if (m.rate !== undefined) return `open, ${m.rate} flows/s (${rps})`;
  return `open, stages ${(m.stages ?? []).map((s) => `${s.durationMs / 1000}s:${s.target}`).join(',')} flows/s (${rps})`;
}

/** Pass rates per named check, then each failing step's most frequent reasons. */
function checkLines(r: RunResult): string[] {
  const rows: string[][] = [];
  for (const [step, ep] of Object.entries(r.endpoints)) {
    for (const [name, c] of Object.entries(ep.checks ?? {})) {
      const n = c.passes + c.fails;
      const whole = c.passes === n || c.passes === 0;
      const rate = n === 0 ? '-' : `${((c.passes / n) * 100).toFixed(whole ? 0 : 1)}%`;
      rows.push([step, name, rate, c.fails > 0 ? `${c.fails} of ${n} failed` : `${n} passed`]);
    }
  }
  const width = (i: number): number => Math.max(...rows.map((row) => (row[i] ?? '').length));
  const out = rows.length
    ? [
        '',
        'checks:',
        ...rows.map(
          ([step = '', name = '', rate = '', note = '']) =>
            `  ${step.padEnd(width(0))}  ${name.padEnd(width(1))}  ${rate.padStart(width(2))}  ${note}`,
        ),
      ]
    : [];
  const failing = Object.entries(r.endpoints).filter(([, ep]) => ep.failures?.reasons.length);
  if (failing.length) {
    out.push('', 'why requests failed (most frequent reasons per step):');
    for (const [step, ep] of failing) {
      const f = ep.failures as NonNullable<EndpointResult['failures']>;
      const reasons = f.reasons.map((x) => `${x.reason} ×${x.count}`);
      if (f.other > 0) reasons.push(`other reasons ×${f.other}`);
      out.push(`  ${step}: ${reasons.join('; ')}`);
    }
  }
  return out;
}

/** Pure: the end-of-run summary, client-side and server-side figures side by side. */
export function formatSummary(r: RunResult): string {
  const out: string[] = [];
  const secs = (r.durationMs / 1000).toFixed(1);
  out.push(
    `perflab ${r.scenario.name}: ${modeLine(r)}${r.segment ? `, segment ${r.segment.index}/${r.segment.count} of it` : ''}, ${secs} s measured, ${r.status} → ${r.config.target}`,
  );
  out.push('');
  const srv = r.server.available ? r.server.routes : undefined;
  const header = ['endpoint', 'reqs', 'rps', 'err%', 'p50', 'p95', 'p99', 'max'];
  if (srv) header.push('│', 'srv p50', 'srv p95', 'srv p99');
  const seconds = r.durationMs / 1000 || 1;
  // A route several steps hit (`GET /api/products` for a page and a search) has one set of
  // server figures for all of them: marked, and named under the table.
  const routeOf = new Map(Object.entries(r.endpoints).map(([name, ep]) => [name, serverRoute(ep, srv)]));
  const stepsOf = new Map<string, string[]>();
  for (const [name, route] of routeOf) if (route) stepsOf.set(route, [...(stepsOf.get(route) ?? []), name]);
  const row = (name: string, ep: Pick<EndpointResult, 'requests' | 'errors' | 'latency'>, route?: string) => {
    const cells = [
      name,
      String(ep.requests),
      (ep.requests / seconds).toFixed(1),
      ep.requests ? ((ep.errors / ep.requests) * 100).toFixed(2) : '0.00',
      fmtMs(ep.latency.p50),
      fmtMs(ep.latency.p95),
      fmtMs(ep.latency.p99),
      fmtMs(ep.latency.max),
    ];
    const s = route === undefined ? undefined : srv?.[route];
    const mark = route !== undefined && (stepsOf.get(route)?.length ?? 0) > 1 ? '*' : '';
    if (srv) {
      cells.push(
        '│',
        fmtServer(s?.buckets?.p50, s?.p50) + mark,
        fmtServer(s?.buckets?.p95, s?.p95) + mark,
        fmtServer(s?.buckets?.p99, s?.p99) + mark,
      );
    }
    return cells;
  };
  const rows = Object.entries(r.endpoints).map(([name, ep]) => row(name, ep, routeOf.get(name)));
  rows.push(row('TOTAL', { ...r.totals, latency: r.latency }));
  out.push(table(header, rows));
  out.push(
    'latencies in ms, measured from the ' + (r.config.model.kind === 'open' ? 'scheduled send time' : 'send'),
  );
  if (srv) out.push('srv: the server histogram bucket each percentile falls in (≤ its upper bound)');
  out.push(...pollLines(r.endpoints));
  for (const [route, steps] of stepsOf) {
    if (steps.length > 1)
      out.push(`* ${route} serves ${steps.join(' and ')}: its server figures cover them together`);
  }
  const kinds = Object.entries(r.totals.errorsByKind).filter(([, n]) => n > 0);
  if (kinds.length) out.push(`errors: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  out.push(...checkLines(r));
  out.push('');
  const g = r.generator;
  if (!g.keptUp) {
    out.push('!!! GENERATOR COULD NOT KEEP UP: these figures describe perflab, not only the target');
    for (const why of g.reasons) out.push(`!!!   ${why}`);
  } else if (g.sendLag) {
    const few = g.sendLag.samples !== undefined && g.sendLag.samples < MIN_LAG_SAMPLES;
    out.push(
      `generator kept up: send lag p99 ${fmtMs(g.sendLag.p99)} ms` +
        (few ? ` (only ${g.sendLag.samples} arrivals: too few to judge a p99)` : '') +
        `, max ${g.maxInFlight} in flight`,
    );
  }
  const s = r.server;
  if (s.available) {
    out.push(
      `server: ${s.requests ?? 0} requests, CPU ${s.cpuSeconds ?? '-'} s, peak RSS ${fmtBytes(s.peakRssBytes)}, ` +
        `peak heap ${fmtBytes(s.peakHeapBytes)}, event-loop lag p99 ${fmtMs(s.eventLoopLagP99Ms)} ms, ` +
        `slow queries ${s.slowQueries ?? '-'}`,
    );
    if (s.reason) out.push(`server: ${s.reason}`);
  } else {
    out.push(`server: no figures (${s.reason ?? 'unknown'})`);
  }
  if (r.thresholds.length) {
    out.push('', 'thresholds:');
    for (const t of r.thresholds) {
      out.push(
        `  ${t.passed ? 'pass' : 'FAIL'}  ${t.expression}  (measured ${t.actual === null ? 'nothing' : t.actual})`,
      );
    }
  }
  return out.join('\n');
}
