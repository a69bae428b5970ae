import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChartLibrary } from './render-html.js';

let cached: Promise<ChartLibrary> | undefined;

/** uPlot's browser build and styles, read from node_modules at generation time. */
export function loadChartLibrary(): Promise<ChartLibrary> {
  cached ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('uplot/package.json');
    const dist = join(dirname(pkgPath), 'dist');
    const [pkg, script, css] = await Promise.all([
      readFile(pkgPath, 'utf8'),
      readFile(join(dist, 'uPlot.iife.min.js'), 'utf8'),
      readFile(join(dist, 'uPlot.min.css'), 'utf8'),
    ]);
    return { name: 'uPlot', version: (JSON.parse(pkg) as { version: string }).version, script, css };
  })();
  return cached;
}
