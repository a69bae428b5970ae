import { PerflabError } from '../../common/perflab-error.js';
import { parseSegment } from '../engine/segment.js';
import { parseStages } from '../engine/stages.js';
import { E_USAGE } from '../error-codes.js';
import { formatProgress } from '../format/format-progress.js';
import { formatSummary } from '../format/format-summary.js';
import { defaultReportDir, writeResult } from '../result/result-file.js';
import { formatRemoteWriteReport } from '../outputs/remote-write/remote-write-output.js';
import { remoteWriteFromFlags } from '../outputs/remote-write/cli-flags.js';
import { writeReport } from '../report/write-report.js';
import { run } from '../run.js';
import { loadScenario, urlScenario } from '../scenario-runtime/load-scenario.js';
import type { LoadModel, RunResult, Scenario } from '../types.js';
import { durationFlag, numberFlag, parseCommandArgs } from './args.js';
import { RUN_HELP } from './help.js';
import { repeatRuns } from './repeat-runs.js';
import type { Io } from './io.js';

const PLAIN_PROGRESS_EVERY = 5;

const OPTIONS = {
  target: { type: 'string', short: 't' },
  'allow-remote': { type: 'boolean' },
  connections: { type: 'string', short: 'c' },
  rate: { type: 'string', short: 'r' },
  stages: { type: 'string' },
  'start-rate': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-send-lag': { type: 'string' },
  'precise-timing': { type: 'boolean' },
  segment: { type: 'string' },
  duration: { type: 'string', short: 'd' },
  requests: { type: 'string', short: 'n' },
  warmup: { type: 'string', short: 'w' },
  timeout: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  out: { type: 'string', short: 'o' },
  scrape: { type: 'boolean', default: true },
  'scrape-interval': { type: 'string' },
  json: { type: 'boolean' },
  'prometheus-rw': { type: 'string' },
  testid: { type: 'string' },
  repeat: { type: 'string' },
  report: { type: 'boolean', default: true },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function exitCodeFor(result: RunResult): number {
  if (result.status === 'interrupted') return 130;
  // A segment's rps and counts are its share: thresholds are judged on the merged result.
  if (result.segment) return 0;
  return result.thresholds.some((t) => !t.passed) ? 1 : 0;
}

/** `perflab run`: parse, run, print, write; returns the exit code. */
export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('run', argv, OPTIONS);
  if (v.help) {
    io.out(RUN_HELP);
    return 0;
  }
  const [ref, ...extra] = positionals;
  if (ref === undefined || extra.length > 0) {
    throw new PerflabError(E_USAGE, 'perflab run takes exactly one scenario or URL; see perflab run --help');
  }
  const repeat = numberFlag('repeat', v.repeat, true);
  if (repeat !== undefined && repeat > 1) {
    return repeatRuns(argv, repeat, v.out, v.report, ref, io, runCommand);
  }
  let scenario: Scenario;
  let target = v.target ?? io.env.PERFLAB_TARGET;
  if (/^https?:\/\//.test(ref)) {
    const u = urlScenario(ref);
    scenario = u.scenario;
    target = u.target;
  } else {
    scenario = await loadScenario(ref);
  }
  if (target === undefined)
    throw new PerflabError(E_USAGE, 'no target: pass --target <url> or set PERFLAB_TARGET');

  if (v.stages !== undefined && v.duration !== undefined) {
    throw new PerflabError(
      E_USAGE,
      '--stages sets the length itself (the sum of its stages); drop -d/--duration, or use --rate with -d',
    );
  }
  const rate = numberFlag('rate', v.rate);
  const model: LoadModel =
    rate !== undefined || v.stages !== undefined
      ? {
          kind: 'open',
          ...(rate !== undefined ? { rate } : {}),
          ...(v.stages !== undefined ? { stages: parseStages(v.stages) } : {}),
          ...(v['start-rate'] !== undefined ? { startRate: Number(v['start-rate']) } : {}),
          maxConnections: numberFlag('max-connections', v['max-connections'], true) ?? 512,
          maxSendLagMs: durationFlag('max-send-lag', v['max-send-lag']) ?? 5,
          ...(v['precise-timing'] ? { preciseTiming: true } : {}),
        }
      : { kind: 'closed', connections: numberFlag('connections', v.connections, true) ?? 10 };
  if (model.kind === 'open' && v.connections !== undefined) {
    throw new PerflabError(
      E_USAGE,
      '--connections is for the closed model; the open model takes --max-connections',
    );
  }
  const requests = numberFlag('requests', v.requests, true);
  const durationMs =
    durationFlag('duration', v.duration) ?? (requests === undefined && !v.stages ? 10_000 : undefined);

  const remoteWrite = remoteWriteFromFlags(v['prometheus-rw'], v.testid, scenario.name);
  const controller = new AbortController();
  const loadRun = run({
    target,
    ...(v['allow-remote'] ? { allowRemote: true } : {}),
    scenario,
    model,
    durationMs,
    requests,
    warmupMs: durationFlag('warmup', v.warmup),
    timeoutMs: durationFlag('timeout', v.timeout),
    thresholds: v.threshold ?? [],
    scrape: v.scrape,
    scrapeIntervalMs: durationFlag('scrape-interval', v['scrape-interval']),
    ...(v.segment !== undefined ? { segment: parseSegment(v.segment) } : {}),
    signal: controller.signal,
  });
  remoteWrite?.attach(loadRun);
  const offSignal = io.onInterrupt(() => {
    io.err('\nstopping: writing the partial result (Ctrl-C again to quit at once)');
    controller.abort();
  });
  let ticks = 0;
  if (!v.quiet) {
    loadRun.on('start', () => io.err(`perflab: ${scenario.name} → ${target}`));
    loadRun.on('tick', (s) => {
      if (io.isTTY) io.progress(formatProgress(s, true));
      else if (++ticks % PLAIN_PROGRESS_EVERY === 0) io.err(formatProgress(s, false));
    });
  }
  let result: RunResult;
  try {
    result = await loadRun.finished;
  } finally {
    offSignal();
    if (io.isTTY && !v.quiet) io.progress('');
    if (remoteWrite) io.err(formatRemoteWriteReport(await remoteWrite.close()));
  }
  const dir = v.out ?? defaultReportDir(result.startedAt, scenario.name);
  const path = await writeResult(result, dir);
  if (v.json) io.out(JSON.stringify(result, null, 2));
  else io.out(formatSummary(result));
  if (v.report) {
    const files = await writeReport({ kind: 'runs', runs: [result], sources: [path] }, dir, [
      'html',
      'markdown',
    ]);
    io.err(`report: ${files.html}`);
  }
  io.err(`${result.status === 'interrupted' ? 'partial result (interrupted)' : 'result'}: ${path}`);
  return exitCodeFor(result);
}
