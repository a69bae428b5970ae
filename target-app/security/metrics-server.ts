import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { METRICS_PATH } from '../routes/index.js';
import { metricsAccess } from './metrics-access.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * /metrics on a listener of its own (METRICS_PORT), which a firewall or a
 * container network can keep private while the API port is public. It serves
 * nothing else; with a token set it still asks for it.
 */
export async function startMetricsServer(
  handler: RequestHandler,
  { host, port, token }: { host: string; port: number; token: string | undefined },
): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  const guard = token === undefined ? undefined : metricsAccess(token);
  app.get(METRICS_PATH, guard ? [guard, handler] : [handler]);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `only ${METRICS_PATH} is served here` } });
  });
  const server: Server = createServer(app);
  server.listen(port, host);
  await once(server, 'listening');
  const { address, port: bound } = server.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${shown}:${bound}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
