import { mkdir } from 'node:fs/promises';
import { PerflabError } from '../../common/perflab-error.js';
import { compareResults } from '../compare/compare.js';
import { FIGURES } from '../compare/compare.js';
import type { FigureName } from '../compare/types.js';
import { E_USAGE } from '../error-codes.js';
import { formatCompare } from '../format/format-compare.js';
import { writeCompare } from '../result/compare-file.js';
import { readRuns } from '../result/read-runs.js';
import { defaultReportDir } from '../result/result-file.js';
import { writeReport } from '../report/write-report.js';
import { parseCommandArgs } from './args.js';
import { COMPARE_HELP } from './help.js';
import type { Io } from './io.js';

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  'fail-on-regression': { type: 'string' },
  metric: { type: 'string' },
  report: { type: 'boolean', default: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `10%` → 0.1; for errors, `1%` means one percentage point. */
function parsePercent(value: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (!m)
    throw new PerflabError(E_USAGE, `--fail-on-regression must be a percentage like 10%, got "${value}"`);
  return Number(m[1]) / 100;
}

/** `perflab compare <before> <after>`: verdicts, causes, reports; exit 1 when the gate fails. */
export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('compare', argv, OPTIONS);
  if (v.help) {
    io.out(COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2)
    throw new PerflabError(
      E_USAGE,
      'perflab compare takes a before and an after (result.json or run folder); see perflab compare --help',
    );
  const metric = (v.metric ?? 'p95') as FigureName;
  if (!FIGURES.includes(metric))
    throw new PerflabError(E_USAGE, `--metric must be one of ${FIGURES.join(', ')}, got "${v.metric}"`);
  if (v.metric !== undefined && v['fail-on-regression'] === undefined)
    throw new PerflabError(
      E_USAGE,
      '--metric picks the figure --fail-on-regression gates on; pass --fail-on-regression too',
    );
  const threshold = v['fail-on-regression'] === undefined ? undefined : parsePercent(v['fail-on-regression']);
  const [before, after] = await Promise.all(positionals.map((p) => readRuns(p)));
  if (!before || !after) return 2;
  const result = compareResults(before.runs, after.runs, {
    sources: { before: before.sources, after: after.sources },
    ...(threshold !== undefined
      ? { failOnRegression: { metric, threshold: metric === 'errors' ? threshold * 100 : threshold } }
      : {}),
  });
  const dir = v.out ?? defaultReportDir(result.createdAt, `compare-${result.before.scenario}`);
  await mkdir(dir, { recursive: true });
  const path = await writeCompare(result, dir);
  io.out(v.json ? JSON.stringify(result, null, 2) : formatCompare(result));
  io.err(`compare: ${path}`);
  if (v.report) {
    const files = await writeReport(
      { kind: 'compare', compare: result, before: before.runs, after: after.runs },
      dir,
    );
    io.err(`report: ${files.html}\nsummary: ${files.markdown}\njunit: ${files.junit}`);
  }
  return result.gate?.failed ? 1 : 0;
}
