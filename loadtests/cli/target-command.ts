import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PerflabError } from '../../common/perflab-error.js';
import { E_USAGE } from '../error-codes.js';
import { TARGET_HELP } from './help.js';
import type { Io } from './io.js';

/** The signals a terminal or a supervisor sends to stop a process; each is passed on once. */
const RELAYED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The package root: two folders up from the sources (loadtests/cli/), three
 * from a build (dist/loadtests/cli/).
 */
function packageRoot(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? '../../' : '../../../', import.meta.url);
}

/** `npm run target`'s entry and preload under `root`, or undefined outside the repository. */
export function targetAppEntry(root: URL): { cwd: string; argv: string[] } | undefined {
  const register = new URL('target-app/services/register.ts', root);
  const entry = new URL('target-app/bin/target.ts', root);
  if (!existsSync(register) || !existsSync(entry)) return undefined;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return {
    cwd: fileURLToPath(root),
    argv: ['--import', tsx, '--import', register.href, fileURLToPath(entry)],
  };
}

/**
 * `perflab target [--mode monolith|services] [--service <name>]`: the sample
 * shop, as `npm run target` starts it, with the arguments passed through. The
 * npm package leaves target-app out, so this works from a repository checkout only.
 */
export function createTargetCommand(root: URL = packageRoot()) {
  return async function targetCommand(argv: string[], io: Io): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(TARGET_HELP);
      return 0;
    }
    const app = targetAppEntry(root);
    if (!app)
      throw new PerflabError(
        E_USAGE,
        'the sample target app ships only in the perflab repository (the npm package leaves target-app out): ' +
          'clone it and run perflab target (or npm run target) there',
      );
    // Its own process group: a Ctrl-C in the terminal reaches this process only,
    // and the target gets it once, from here, not twice (the second would kill it mid-shutdown).
    const child = spawn(process.execPath, [...app.argv, ...argv], {
      cwd: app.cwd,
      env: io.env,
      stdio: 'inherit',
      detached: true,
    });
    const relay = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = RELAYED.map((s) => [s, relay(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    // If this process goes away first, the target must not outlive it.
    const orphaned = () => void child.kill('SIGTERM');
    process.once('exit', orphaned);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
      });
    } finally {
      for (const [s, h] of handlers) process.off(s, h);
      process.off('exit', orphaned);
    }
  };
}

export const targetCommand = createTargetCommand();
