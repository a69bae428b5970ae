import { PerflabError } from '../../common/perflab-error.js';
import { E_USAGE } from '../error-codes.js';
import { formatProgress } from '../format/format-progress.js';
import { formatSummary } from '../format/format-summary.js';
import { formatProfileLine } from '../profile/profile-summary.js';
import { ProfileRun } from '../profile/profile-run.js';
import type { ProfileTool } from '../profile/types.js';
import { defaultReportDir } from '../result/result-file.js';
import { loadScenario } from '../scenario-runtime/load-scenario.js';
import type { LoadModel } from '../types.js';
import { durationFlag, numberFlag, parseCommandArgs } from './args.js';
import { PROFILE_HELP } from './help.js';
import type { Io } from './io.js';
import { exitCodeFor } from './run-command.js';

const TOOLS: readonly string[] = ['doctor', 'flame'] satisfies ProfileTool[];
const DEFAULT_DURATION_MS = 10_000;

const OPTIONS = {
  tool: { type: 'string' },
  connections: { type: 'string', short: 'c' },
  rate: { type: 'string', short: 'r' },
  'max-connections': { type: 'string' },
  duration: { type: 'string', short: 'd' },
  requests: { type: 'string', short: 'n' },
  warmup: { type: 'string', short: 'w' },
  timeout: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  'start-timeout': { type: 'string' },
  out: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `perflab profile`: the scenario against a server under Clinic.js; prints the summary and the report's path. */
export async function profileCommand(argv: string[], io: Io): Promise<number> {
  // Everything after `--` is the server's command line, never perflab's flags.
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? argv : argv.slice(0, dashes);
  const command = dashes === -1 ? undefined : argv.slice(dashes + 1);
  const { values: v, positionals } = parseCommandArgs('profile', own, OPTIONS);
  if (v.help) {
    io.out(PROFILE_HELP);
    return 0;
  }
  const [ref, ...extra] = positionals;
  if (ref === undefined || extra.length > 0)
    throw new PerflabError(E_USAGE, 'perflab profile takes exactly one scenario; see perflab profile --help');
  if (v.tool === undefined || !TOOLS.includes(v.tool))
    throw new PerflabError(E_USAGE, `--tool must be one of ${TOOLS.join(', ')}, got ${v.tool ?? 'nothing'}`);
  if (command !== undefined && command.length === 0)
    throw new PerflabError(E_USAGE, '"--" must be followed by the command that starts the server');
  const tool = v.tool as ProfileTool;
  const rate = numberFlag('rate', v.rate);
  if (rate !== undefined && v.connections !== undefined)
    throw new PerflabError(E_USAGE, '--connections is for the closed model; --rate makes it open');
  const model: LoadModel =
    rate !== undefined
      ? {
          kind: 'open',
          rate,
          maxConnections: numberFlag('max-connections', v['max-connections'], true) ?? 512,
          maxSendLagMs: 5,
        }
      : { kind: 'closed', connections: numberFlag('connections', v.connections, true) ?? 10 };
  const requests = numberFlag('requests', v.requests, true);
  const scenario = await loadScenario(ref);

  const profile = new ProfileRun({
    tool,
    scenario,
    model,
    durationMs:
      durationFlag('duration', v.duration) ?? (requests === undefined ? DEFAULT_DURATION_MS : undefined),
    requests,
    warmupMs: durationFlag('warmup', v.warmup),
    timeoutMs: durationFlag('timeout', v.timeout),
    thresholds: v.threshold ?? [],
    startTimeoutMs: durationFlag('start-timeout', v['start-timeout']),
    outDir: v.out ?? defaultReportDir(new Date().toISOString(), `${scenario.name}-${tool}`),
    ...(command ? { command } : {}),
    env: io.env,
  });
  const offSignal = io.onInterrupt(() => {
    io.err('\nstopping: the server is stopped and profiled with what was collected');
    profile.stop();
  });
  if (!v.quiet) {
    profile.on('status', (message) => io.err(`perflab profile: ${message}`));
    profile.on('load', (load) => {
      let ticks = 0;
      load.on('tick', (s) => {
        if (io.isTTY) io.progress(formatProgress(s, true));
        else if (++ticks % 5 === 0) io.err(formatProgress(s, false));
      });
      load.on('done', () => io.isTTY && io.progress(''));
    });
  }
  try {
    const { result, htmlPath, summaryPath } = await profile.finished;
    io.out(formatSummary(result));
    io.out(formatProfileLine(tool, htmlPath));
    io.err(`summary: ${summaryPath}`);
    return exitCodeFor(result);
  } finally {
    offSignal();
  }
}
