import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from '../../../probes/index.js';

export interface Listening {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a listener on host:port (0 picks a free port) and says where. */
export async function listen(listener: RequestListener, host: string, port: number): Promise<Listening> {
  const server = createServer(listener);
  server.listen(port, host);
  await once(server, 'listening');
  // Load generators and the gateway keep connections open; outlive their keep-alive.
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const h = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${h}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
