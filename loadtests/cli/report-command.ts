import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PerflabError } from '../../common/perflab-error.js';
import { E_USAGE } from '../error-codes.js';
import { isCompareResult } from '../result/compare-file.js';
import { readRuns } from '../result/read-runs.js';
import { writeReport } from '../report/write-report.js';
import type { ReportSource } from '../report/types.js';
import { parseCommandArgs } from './args.js';
import { REPORT_HELP } from './help.js';
import type { Io } from './io.js';

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function sourceOf(path: string): Promise<ReportSource> {
  if ((await stat(path).catch(() => undefined))?.isFile()) {
    const json: unknown = JSON.parse(await readFile(path, 'utf8').catch(() => 'null'));
    if (isCompareResult(json)) {
      const [before, after] = await Promise.all(
        [json.before.sources, json.after.sources].map(async (files) => {
          const sides = await Promise.all(files.map((f) => readRuns(f)));
          return sides.flatMap((s) => s.runs);
        }),
      );
      return { kind: 'compare', compare: json, before: before ?? [], after: after ?? [] };
    }
  }
  const { runs, sources } = await readRuns(path);
  return { kind: 'runs', runs, sources };
}

/** `perflab report <result.json | run folder | compare.json>`: report.html, summary.md, junit.xml. */
export async function reportCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('report', argv, OPTIONS);
  if (v.help) {
    io.out(REPORT_HELP);
    return 0;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0)
    throw new PerflabError(
      E_USAGE,
      'perflab report takes one result.json, run folder or compare.json; see perflab report --help',
    );
  const src = await sourceOf(input);
  const isDir = (await stat(input)).isDirectory();
  const files = await writeReport(src, v.out ?? (isDir ? input : dirname(input)));
  io.out(`report: ${files.html}\nsummary: ${files.markdown}\njunit: ${files.junit}`);
  return 0;
}
