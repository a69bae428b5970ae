/**
 * An OTLP/HTTP receiver for the probe benches: it accepts every export and
 * counts its bytes without parsing them. `GET /bytes` answers the count so
 * far, so a sink in another process can be read.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstJsonLine, spawnTs, stop } from './pinned.js';

export interface OtlpSink {
  url: string;
  /** Request-body bytes received since start. */
  bytes(): Promise<number>;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  let bytes = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/bytes') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ bytes }));
      return;
    }
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => Promise.resolve(bytes),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The sink in a process of its own, pinned to `core`, as a collector would
 * be: kept out of the load generator's event loop, receiving a batch cannot
 * delay autocannon's reading of responses, which would count in the latency
 * of the exporting variants only. (Measured on order history, moving it did
 * not change their p99; bench/RESULTS.md.)
 */
export async function spawnOtlpSink(core: number): Promise<OtlpSink> {
  const child = spawnTs(core, new URL('../otlp-sink-server.ts', import.meta.url).pathname);
  const { url } = await firstJsonLine<{ url: string }>(child);
  return {
    url,
    bytes: async () => {
      const res = await fetch(`${url}/bytes`);
      return ((await res.json()) as { bytes: number }).bytes;
    },
    close: () => stop(child),
  };
}
