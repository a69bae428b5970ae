import express, { type Express } from 'express';
import { request } from 'undici';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probes } from '../../../probes/index.js';
import type { FakeDb } from './probe-harness.js';

/** The two ways the per-request probe is wired: `app.use(probes.middleware)`, or `probes.wrap(app)`. */
export const WIRINGS = ['middleware', 'wrap'] as const;
export type Wiring = (typeof WIRINGS)[number];

/**
 * A minimal Express 5 app outside target-app, wired the way docs/probes.md
 * says: the middleware first (or the whole app wrapped), /metrics, a DB
 * wrapped by instrumentDb, nested routers on fixed and parameterized mount
 * paths, and a mounted sub-app. Returns what the server listens with.
 */
export function minimalApp(
  probes: Probes,
  rawDb: FakeDb,
  gate?: () => Promise<void>,
  downstream?: string,
  wiring: Wiring = 'middleware',
): Express | ((req: IncomingMessage, res: ServerResponse) => void) {
  const db = probes.instrumentDb(rawDb);
  const app = express();
  if (wiring === 'middleware') app.use(probes.middleware);
  app.get('/metrics', probes.metricsHandler);
  app.use(express.json());

  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  // Any method, including ones outside the known set (PROPFIND): the span is named `HTTP /any/:id`.
  app.all('/any/:id', (req, res) => {
    res.json({ method: req.method });
  });
  app.get('/api/orders/:id', async (req, res) => {
    const r = await db.query('SELECT id, total FROM orders WHERE id = $1', [req.params.id]);
    res.json({ rows: r.rows, stats: probes.currentRequest() });
  });
  app.get('/api/n-plus-one', async (_req, res) => {
    for (let i = 0; i < 3; i++)
      await db.query('SELECT * FROM "public"."order_items" WHERE order_id = $1', [i]);
    await db.transaction(async (tx) => {
      await tx.query('UPDATE orders SET total = $1 WHERE id = $2', [1, 2]);
      await tx.query('INSERT INTO audit_log (msg) VALUES ($1)', ['secret-param']);
    });
    res.json(probes.currentRequest());
  });
  // The same work with the request passed explicitly (context mode `explicit`).
  app.get('/api/explicit/n-plus-one', async (req, res) => {
    const scope = probes.forRequest(req);
    const rdb = scope.db(db);
    for (let i = 0; i < 3; i++)
      await rdb.query('SELECT * FROM "public"."order_items" WHERE order_id = $1', [i]);
    await rdb.transaction(async (tx) => {
      await tx.query('UPDATE orders SET total = $1 WHERE id = $2', [1, 2]);
      await tx.query('INSERT INTO audit_log (msg) VALUES ($1)', ['secret-param']);
    });
    await db.query('SELECT 1 FROM unbound'); // not through the scope: not this request's
    res.json({ stats: scope.stats(), current: probes.currentRequest() ?? null, same: scope.db(db) === rdb });
  });
  app.get('/api/explicit/log', (req, res) => {
    probes.forRequest(req).logger.info({ where: 'handler' }, 'inside handler');
    res.send('logged');
  });
  app.get('/api/explicit/proxy', async (req, res) => {
    const headers = probes.forRequest(req).traceHeaders();
    const viaFetch = await fetch(`${downstream}/down/fetch`, { headers });
    const viaUndici = await request(`${downstream}/down/undici`, { headers });
    res.json({ fetch: await viaFetch.text(), undici: await viaUndici.body.text() });
  });
  app.post('/api/echo', (req, res) => {
    res.json(req.body);
  });
  app.get('/wait', async (_req, res) => {
    await gate?.();
    res.send('done');
  });
  app.get('/api/log', (_req, res) => {
    probes.logger.info({ where: 'handler' }, 'inside handler');
    res.send('logged');
  });
  app.get('/api/proxy', async (_req, res) => {
    const viaFetch = await fetch(`${downstream}/down/fetch`);
    const viaUndici = await request(`${downstream}/down/undici`);
    res.json({ fetch: await viaFetch.text(), undici: await viaUndici.body.text() });
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });

  const users = express.Router();
  users.get('/', (_req, res) => void res.send('users'));
  users.get('/:id/orders', (_req, res) => void res.send('orders'));
  app.use('/api/users', users);

  const items = express.Router({ mergeParams: true });
  items.get('/items/:itemId', (req, res) => void res.json(req.params));
  app.use('/shops/:shopId', items);

  const deep = express.Router();
  const deeper = express.Router();
  deeper.get('/leaf/:x', (_req, res) => void res.send('leaf'));
  deep.use('/v/:version', deeper);
  app.use('/deep', deep);

  const shared = express.Router();
  shared.get('/x/:n', (_req, res) => void res.send('shared'));
  app.use('/a', shared);
  app.use('/b/:id', shared);

  const sub = express();
  sub.get('/status/:code', (_req, res) => void res.send('sub'));
  app.use('/sub', sub);

  return wiring === 'wrap' ? probes.wrap(app) : app;
}
