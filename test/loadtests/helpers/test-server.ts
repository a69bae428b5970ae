import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  server: Server;
  /** Requests seen per path (without query). */
  hits: Map<string, number>;
  /** Blocks the event loop for `ms` the next time any request arrives. */
  stallNextRequest(ms: number): void;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => resolve(s));
  });
}

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy wait: the point is to freeze the event loop, like a real stall
  }
}

/**
 * A small HTTP server on 127.0.0.1 with the shapes the engine tests need:
 * a fast endpoint, a login that issues a token, an endpoint that requires it,
 * and a controllable event-loop stall.
 */
export async function startTestServer(
  handler?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<TestServer> {
  const hits = new Map<string, number>();
  let stallMs = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (stallMs > 0) {
      const ms = stallMs;
      stallMs = 0;
      blockFor(ms);
    }
    if (handler?.(req, res)) return;
    if (path === '/fast' || path === '/') return json(res, 200, { ok: true });
    if (path === '/login' && req.method === 'POST') {
      void readBody(req).then((body) => {
        const { user } = JSON.parse(body || '{}') as { user?: string };
        if (!user) return json(res, 400, { error: 'user required' });
        json(res, 200, { token: `tok-${user}` });
      });
      return;
    }
    if (path === '/me') {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer tok-')) return json(res, 401, { error: 'no token' });
      return json(res, 200, { user: auth.slice('Bearer tok-'.length) });
    }
    if (path === '/wrong') return json(res, 200, { status: 'nope' });
    if (path === '/missing') return json(res, 404, { error: 'not found' });
    json(res, 404, { error: 'no route' });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    hits,
    stallNextRequest(ms) {
      stallMs = ms;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A test server that dies on its n-th request: it stops listening and resets every connection. */
export async function startDyingServer(n: number): Promise<TestServer> {
  let seen = 0;
  const s = await startTestServer((req) => {
    if (++seen !== n) return false;
    s.server.close();
    s.server.closeAllConnections();
    req.socket.destroy();
    return true;
  });
  return s;
}
