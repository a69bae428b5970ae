/**
 * An OTLP/HTTP receiver for the probe benches: it accepts every export and
 * counts its bytes without parsing them (parsing would tax the load
 * generator's core, which it shares).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  url: string;
  /** Request-body bytes received since start. */
  bytes(): number;
  close(): void;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bytes: () => bytes, close: () => server.close() };
}
