import { PerflabError } from '../../common/perflab-error.js';
import { E_USAGE } from '../error-codes.js';
import { formatSummary } from '../format/format-summary.js';
import { mergeResults } from '../result/merge.js';
import { defaultReportDir, readResult, writeResult } from '../result/result-file.js';
import { parseCommandArgs } from './args.js';
import { MERGE_HELP } from './help.js';
import type { Io } from './io.js';

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `perflab merge`: exact HDR merge of several results into one. */
export async function mergeCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('merge', argv, OPTIONS);
  if (v.help) {
    io.out(MERGE_HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new PerflabError(E_USAGE, 'perflab merge needs result.json files; see perflab merge --help');
  const results = await Promise.all(positionals.map((p) => readResult(p)));
  const merged = mergeResults(results, { force: v.force === true });
  const path = await writeResult(
    merged,
    v.out ?? defaultReportDir(merged.startedAt, `${merged.scenario.name}-merged`),
  );
  io.out(v.json ? JSON.stringify(merged, null, 2) : formatSummary(merged));
  io.err(`merged ${merged.mergedFrom ?? results.length} results: ${path}`);
  return merged.thresholds.some((t) => !t.passed) ? 1 : 0;
}
