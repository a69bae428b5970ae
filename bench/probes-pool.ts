/**
 * `npm run bench:probes-pool -- a.json b.json ...`: bench:probes' tables
 * recomputed over the runs of several of its outputs (BENCH_OUT files, which
 * keep every run), as if they were one long run. On this machine one run of
 * 8-16 rounds places a variant within a few percent; pooling the runs of a
 * day narrows the 95% interval that says whether a goal is met.
 *
 * Only runs of the same code and settings belong together: this does not
 * check that, it only checks that each file is a bench:probes output.
 */
import { readFileSync } from 'node:fs';
import { formatSummaryTable, samplesOf, splitTables, summarize, type Sample } from './lib/paired.js';
import { orExit } from './lib/env.js';

const files = process.argv.slice(2);
if (files.length === 0 || files.includes('--help')) {
  process.stderr.write('usage: npm run bench:probes-pool -- <bench:probes output.json> [more.json ...]\n');
  process.exit(files.length === 0 ? 2 : 0);
}

const samples: Sample[] = orExit(() =>
  files.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    return samplesOf(path, text);
  }),
);
const TITLES: Record<string, string> = {
  bare: 'Trivial route (GET /api/items/:id)',
  'target bare': 'Target app order history (GET /api/orders?limit=20)',
};
const tables = orExit(() => splitTables(samples));
const report = orExit(() =>
  [...tables].map(([bare, runs]) =>
    formatSummaryTable(
      `${TITLES[bare] ?? bare}, pooled: ${runs.length} runs from ${files.length} file(s)`,
      summarize(runs, bare),
    ),
  ),
);
process.stdout.write(`${report.join('\n\n')}\n`);
