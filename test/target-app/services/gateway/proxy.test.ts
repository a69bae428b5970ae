import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../target-app/config.js';
import { createGatewayApp } from '../../../../target-app/services/gateway/gateway-app.js';
import { instrumentService } from '../../../../target-app/services/shared/instrument-service.js';
import { listen, type Listening } from '../../../../target-app/services/shared/listen.js';

// The gateway alone, in front of fake upstreams: what it forwards, what it
// strips, and the JSON 502/504 when an upstream is away or too slow.

let echo: Server;
let hang: Server;
let gw: Listening;
let closeGw: () => Promise<void>;
const seen: IncomingMessage[] = [];
const bodies: string[] = [];

const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  echo = createServer((req, res) => {
    seen.push(req);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-request-id', 'upstream-own-id');
      res.statusCode = req.method === 'POST' ? 201 : 200;
      res.end(JSON.stringify({ path: req.url }));
    });
  });
  hang = createServer(() => {}); // accepts and never answers
  await Promise.all([echo, hang].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_API_MAX: '8' });
  const instr = instrumentService('gateway', config, { PERFLAB_PROBES: 'off' });
  const gateway = createGatewayApp({
    instr,
    config,
    timeoutMs: 300,
    upstreams: { users: () => url(echo), catalog: () => url(hang), orders: () => 'http://127.0.0.1:1' },
  });
  closeGw = gateway.close;
  gw = await listen(gateway.app, '127.0.0.1', 0);
});

afterAll(async () => {
  await gw?.close();
  await closeGw?.();
  for (const s of [echo, hang]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('gateway', () => {
  it('forwards method, path, query, body and headers, with X-Forwarded-* and its request id', async () => {
    const res = await fetch(`${gw.url}/api/auth/login?x=1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'client-request-1',
        authorization: 'Bearer abc',
      },
      body: JSON.stringify({ email: 'a@b.c' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ path: '/api/auth/login?x=1' });
    const req = seen.at(-1)!;
    expect(req.method).toBe('POST');
    expect(bodies.at(-1)).toBe('{"email":"a@b.c"}');
    expect(req.headers.authorization).toBe('Bearer abc');
    expect(req.headers['x-request-id']).toBe('client-request-1');
    expect(req.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(req.headers['x-forwarded-proto']).toBe('http');
    // The client sees the gateway's request id (its own, honoured) and security headers.
    expect(res.headers.get('x-request-id')).toBe('client-request-1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 504 in the JSON error shape when the upstream does not answer in time', async () => {
    const res = await fetch(`${gw.url}/api/products`);
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({
      error: { code: 'UPSTREAM_TIMEOUT', message: 'the catalog service did not answer in time' },
    });
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const res = await fetch(`${gw.url}/api/orders/1`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
  });

  it('keeps unknown paths and the API rate limit at the edge', async () => {
    expect((await fetch(`${gw.url}/api/nothing`)).status).toBe(404);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${gw.url}/api/users/me`)).status);
    expect(statuses).toContain(429);
  });
});
