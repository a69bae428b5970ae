import type { Request, RequestHandler, Response } from 'express';
import { Registry } from 'prom-client';
import type { Diagnostics } from '../diagnostics.js';

/**
 * Serves the registry as OpenMetrics (with exemplars) when the Accept header
 * asks for `application/openmetrics-text`, Prometheus text 0.0.4 otherwise.
 *
 * prom-client renders by the registry's content type, and rendering
 * OpenMetrics renames counters in place (strips `_total`). Scrapes are
 * therefore serialized, and counter names restored after an OpenMetrics one,
 * so one registry can serve both formats.
 */
export function createMetricsHandler(registry: Registry, diag: Diagnostics): RequestHandler {
  const typed = registry as unknown as { setContentType(type: string): void };
  let queue: Promise<unknown> = Promise.resolve();

  const render = (openMetrics: boolean): Promise<string> => {
    const run = async (): Promise<string> => {
      if (!openMetrics) {
        typed.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
        return registry.metrics();
      }
      const names = registry.getMetricsAsArray().map((m) => [m, m.name] as const);
      typed.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      try {
        return await registry.metrics();
      } finally {
        typed.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
        for (const [metric, name] of names) (metric as { name: string }).name = name;
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };

  return (req: Request, res: Response) => {
    const accept = req.headers.accept ?? '';
    const openMetrics = accept.includes('application/openmetrics-text');
    render(openMetrics).then(
      (body) => {
        res.setHeader(
          'Content-Type',
          openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
        );
        res.end(body);
      },
      (err: unknown) => {
        diag.report('metricsHandler', err);
        if (!res.headersSent) res.statusCode = 500;
        res.end('metrics collection failed\n');
      },
    );
  };
}
