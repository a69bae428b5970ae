import { parseArgs } from 'node:util';
import { beforeAfterDemo, DEMO_DEFAULTS } from '../demo/before-after.js';
import { serveDemo } from '../demo/serve.js';
import { exitWithError } from './exit.js';

const HELP = `npm run demo [-- options]

Starts the target app on the embedded database (PGlite, or DATABASE_URL), runs
the order history with the n_plus_one and missing_index flags on, switches them
off through the admin API, runs it again, and prints the before/after compare
with verdicts, causes and the HTML report's path. Ctrl-C stops it cleanly.

  --serve            only start the app and print what to try (no load)
  --runs <n>         runs a side (default ${DEMO_DEFAULTS.runs})
  --duration <dur>   measured time of each run (default ${DEMO_DEFAULTS.duration})
  --warmup <dur>     warm-up of each run (default ${DEMO_DEFAULTS.warmup})
  --out <dir>        where runs and reports go (default reports/<time>-demo/)
  -h, --help         this help
`;

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      serve: { type: 'boolean' },
      runs: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (v.help) {
    process.stdout.write(HELP);
    return;
  }
  if (v.serve) return serveDemo();
  const runs = v.runs === undefined ? DEMO_DEFAULTS.runs : Number(v.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number above 0, got "${v.runs}"`);
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stdout.write(
      '\nstopping: finishing the current run, then closing the app (Ctrl-C again to quit at once)\n',
    );
    process.once('SIGINT', () => process.exit(130));
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  process.exitCode = await beforeAfterDemo({
    runs,
    duration: v.duration ?? DEMO_DEFAULTS.duration,
    warmup: v.warmup ?? DEMO_DEFAULTS.warmup,
    connections: DEMO_DEFAULTS.connections,
    ...(v.out !== undefined ? { out: v.out } : {}),
    log: (line) => process.stdout.write(line + '\n'),
    signal: controller.signal,
  });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
}

main().catch(exitWithError);
