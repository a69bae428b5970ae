import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadChartLibrary } from './chart-library.js';
import { PAGE_SCRIPT } from './page-script.js';
import { renderHtml } from './render-html.js';
import { compareJunit, runsJunit } from './render-junit.js';
import { compareMarkdown, runsMarkdown } from './render-markdown.js';
import { reportModel } from './report-model.js';
import type { ReportSource } from './types.js';

export interface ReportFiles {
  html: string;
  markdown: string;
  junit: string;
}

/** Renders report.html, summary.md and junit.xml (pure apart from reading the chart library). */
export async function renderReport(
  src: ReportSource,
): Promise<{ html: string; markdown: string; junit: string }> {
  const html = renderHtml(reportModel(src), await loadChartLibrary(), PAGE_SCRIPT);
  if (src.kind === 'runs') return { html, markdown: runsMarkdown(src.runs), junit: runsJunit(src.runs) };
  return {
    html,
    markdown: compareMarkdown(src.compare, src.before, src.after),
    junit: compareJunit(src.compare, src.after),
  };
}

/** Writes the three report files into `dir`; returns their paths. */
export async function writeReport(
  src: ReportSource,
  dir: string,
  only?: readonly (keyof ReportFiles)[],
): Promise<ReportFiles> {
  const r = await renderReport(src);
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    html: join(dir, 'report.html'),
    markdown: join(dir, 'summary.md'),
    junit: join(dir, 'junit.xml'),
  };
  const wanted = only ?? (['html', 'markdown', 'junit'] as const);
  await Promise.all(wanted.map((k) => writeFile(files[k], r[k])));
  return files;
}
