import { writeFile } from 'node:fs/promises';
import { PerflabError } from '../../common/perflab-error.js';
import { E_USAGE } from '../error-codes.js';
import { parseCommandArgs } from './args.js';
import { INIT_HELP } from './help.js';
import type { Io } from './io.js';
import { STARTER_SCENARIO } from './starter-scenario.js';

const OPTIONS = {
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DEFAULT_STARTER_FILE = 'perflab-scenario.ts';

/** `perflab init [file]`: writes a commented starter scenario, never over an existing file unless --force. */
export async function initCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('init', argv, OPTIONS);
  if (v.help) {
    io.out(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw new PerflabError(E_USAGE, 'perflab init takes at most one file name; see perflab init --help');
  const file = positionals[0] ?? DEFAULT_STARTER_FILE;
  try {
    await writeFile(file, STARTER_SCENARIO.replaceAll('__FILE__', file), { flag: v.force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'EEXIST')
      throw new PerflabError(E_USAGE, `${file} already exists; pass --force to overwrite it`);
    throw err;
  }
  io.out(`wrote ${file}: edit its steps, then\n  npx perflab run ${file} --target http://127.0.0.1:3000`);
  return 0;
}
