import { PerflabError } from '../../common/perflab-error.js';
import { E_USAGE } from '../error-codes.js';
import { MAIN_HELP } from './help.js';
import { initCommand } from './init-command.js';
import type { Io } from './io.js';
import { processIo } from './io.js';
import { compareCommand } from './compare-command.js';
import { mergeCommand } from './merge-command.js';
import { profileCommand } from './profile-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { scenariosCommand } from './scenarios-command.js';
import { targetCommand } from './target-command.js';

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  run: runCommand,
  merge: mergeCommand,
  compare: compareCommand,
  report: reportCommand,
  profile: profileCommand,
  init: initCommand,
  scenarios: scenariosCommand,
  target: targetCommand,
};

/** Exit code for a perflab bug, apart from 1 (a threshold failed) so CI can tell them apart. */
export const EXIT_INTERNAL = 3;

/**
 * The perflab command. Coded errors are the user's to fix: one line, exit 2.
 * Anything else is a perflab bug: stack trace, exit 3.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' && rest[0] !== undefined) {
      // `perflab help run` is `perflab run --help`.
      const topic = COMMANDS[rest[0]];
      if (!topic)
        throw new PerflabError(
          E_USAGE,
          `no help for "${rest[0]}": the commands are ${Object.keys(COMMANDS).join(', ')}`,
        );
      return await topic(['--help'], io);
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      const { collectEnvironment } = await import('../environment.js');
      io.out(collectEnvironment({ url: '' }).perflabVersion);
      return 0;
    }
    const handler = COMMANDS[command];
    if (!handler) throw new PerflabError(E_USAGE, `unknown command "${command}"; see perflab --help`);
    return await handler(rest, io);
  } catch (err) {
    if (err instanceof PerflabError) {
      io.err(`perflab: ${err.message} [${err.code}]`);
      return 2;
    }
    io.err(`perflab: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT_INTERNAL;
  }
}

// Runs only when executed as the CLI entry (bin/perflab.js), never when imported.
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
