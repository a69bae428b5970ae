import { basename, join } from 'node:path';
import { readRuns } from '../result/read-runs.js';
import { defaultReportDir } from '../result/result-file.js';
import { writeReport } from '../report/write-report.js';
import type { Io } from './io.js';

/** Removes `--flag value`, `--flag=value` and (short) `-f value` from argv. */
function without(argv: readonly string[], long: string, short?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${long}` || (short && a === `-${short}`)) i++;
    else if (!a.startsWith(`--${long}=`)) out.push(a);
  }
  return out;
}

/**
 * `perflab run ... --repeat N`: N runs one after the other into one folder
 * (`run-1/`, `run-2/`, ...), then one report over all of them. Stops early on
 * an interruption; the exit code is the worst of the runs'.
 */
export async function repeatRuns(
  argv: readonly string[],
  times: number,
  out: string | undefined,
  report: boolean,
  ref: string,
  io: Io,
  runOnce: (argv: string[], io: Io) => Promise<number>,
): Promise<number> {
  const name = /^https?:\/\//.test(ref) ? 'url' : basename(ref).replace(/\.[cm]?[jt]s$/, '');
  const dir = out ?? defaultReportDir(new Date().toISOString(), `${name}-x${times}`);
  const base = without(without(argv, 'repeat'), 'out', 'o').filter(
    (a) => a !== '--report' && a !== '--no-report',
  );
  let worst = 0;
  for (let i = 1; i <= times; i++) {
    io.err(`perflab: run ${i} of ${times}`);
    const code = await runOnce([...base, '--out', join(dir, `run-${i}`), '--no-report'], io);
    worst = Math.max(worst, code);
    if (code === 130) break;
  }
  if (report) {
    const { runs, sources } = await readRuns(dir);
    const files = await writeReport({ kind: 'runs', runs, sources }, dir, ['html', 'markdown']);
    io.err(`runs: ${dir}\nreport: ${files.html}\nsummary: ${files.markdown}`);
  }
  return worst;
}
