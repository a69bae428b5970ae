import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../target-app/app.js';
import { openApiPath } from '../../../target-app/http/route-table.js';
import { BEARER_SCHEME } from '../../../target-app/openapi/spec.js';
import { ENDPOINTS, endpointKey } from './catalog.js';
import { startAttack, type Attacker } from './harness.js';

// OWASP API9:2023 Improper Inventory Management: the documented API is the served API.
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
}
type Spec = { openapi: string; paths: Record<string, Record<string, Operation>> };

let attack: Attacker;
let spec: Spec;
beforeAll(async () => {
  attack = await startAttack();
  spec = (await attack.app.request('/api/openapi.json')).body;
});
afterAll(() => attack?.close());

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

/** Every method + path Express will route, from the app's router stack (and any mounted routers). */
function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: LayerLike[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') out.push(`${method.toUpperCase()} ${layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        // A mounted router would hide its prefix; the app registers none, and this fails if one appears.
        throw new Error('a mounted router: register full paths on the app so they are inspectable');
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack);
  return out.sort();
}

const specOperations = (s: Spec): string[] =>
  Object.entries(s.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

describe('API9 inventory: the OpenAPI spec is the served API', () => {
  it('is an OpenAPI 3 document with a bearer scheme', () => {
    expect(spec.openapi).toMatch(/^3\./);
    expect(JSON.stringify(spec)).toContain(BEARER_SCHEME);
  });

  it('lists exactly the routes Express registers', () => {
    const app = createApp({
      db: attack.app.db,
      config: attack.app.config,
      instrumentation: { logger: pino({ level: 'silent' }) },
    });
    const served = expressRoutes(app).map((r) => {
      const [method, path] = r.split(' ');
      return `${method} ${openApiPath(path ?? '')}`;
    });
    // Sorted again after the template rewrite: `:id` and `{id}` sort differently against `export`.
    expect([...served].sort()).toEqual(specOperations(spec));
  });

  it('lists /metrics too when the probes provide it, in the spec as on the app', async () => {
    const app = createApp({
      db: attack.app.db,
      config: attack.app.config,
      instrumentation: { logger: pino({ level: 'silent' }), metricsHandler: (_req, res) => res.end() },
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const withMetrics = (await (await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).json()) as Spec;
      expect(expressRoutes(app)).toContain('GET /metrics');
      expect(
        expressRoutes(app)
          .map((r) => r.replace(/:(\w+)/g, '{$1}'))
          .sort(),
      ).toEqual(specOperations(withMetrics));
    } finally {
      server.close();
    }
  });

  it('is covered by the attack catalog, route for route', () => {
    const catalog = ENDPOINTS.map((e) => `${e.method} ${openApiPath(e.template)}`).sort();
    expect(catalog).toEqual(specOperations(spec));
  });

  it('documents a parameter for every path placeholder', () => {
    for (const [path, ops] of Object.entries(spec.paths)) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(params.sort()).toEqual(placeholders.sort());
      }
    }
  });
});

describe('API9 inventory: nothing non-public answers without a token', () => {
  const secured = () => ENDPOINTS.filter((e) => e.caller !== 'anon');

  it('marks exactly the non-public catalog routes as secured in the spec', () => {
    const inSpec = Object.entries(spec.paths)
      .flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => (op.security ?? []).length > 0)
          .map(([m]) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(inSpec).toEqual(
      secured()
        .map((e) => `${e.method} ${openApiPath(e.template)}`)
        .sort(),
    );
  });

  it('answers every secured route with 401 without a token, and with a junk token', async () => {
    for (const e of secured()) {
      const f = await attack.fixture(e);
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer junk.junk.junk' },
        { authorization: 'Basic YTpi' },
      ];
      for (const headers of attempts) {
        const res = await attack.app.request(
          e.template.replace(':id', String(e.template.includes('orders') ? f.orderId : f.productId)),
          { method: e.method, headers, ...(e.body ? { body: e.body(f) } : {}) },
        );
        expect(res.status, `${endpointKey(e)} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });
});
