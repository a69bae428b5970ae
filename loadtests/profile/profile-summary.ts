import { basename } from 'node:path';
import { formatSummary } from '../format/format-summary.js';
import type { RunResult } from '../types.js';
import type { ProfileTool } from './types.js';

/** The line the CLI prints and summary.md carries: where clinic's report is. */
export function formatProfileLine(tool: ProfileTool, htmlPath: string): string {
  return `clinic ${tool} profile: ${htmlPath}`;
}

/**
 * `summary.md` of a profiled run: the run's summary and a relative link to
 * clinic's HTML next to it, so the folder can be moved or served as is.
 */
export function formatProfileSummary(result: RunResult, tool: ProfileTool, htmlPath: string): string {
  const file = basename(htmlPath);
  return [
    `# ${result.scenario.name}: profiled with clinic ${tool}`,
    '',
    `Clinic.js ${tool} report: [${file}](${encodeURI(file)})`,
    '',
    '```text',
    formatSummary(result).trimEnd(),
    '```',
    '',
  ].join('\n');
}
