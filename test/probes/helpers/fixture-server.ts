/**
 * A minimal Express app run as its own process by test/probes/register.test.ts
 * (`node --import tsx --import ./probes/register.ts`), so the tracing setup
 * from environment variables is exercised exactly as an app would use it.
 * Prints `listening <url>` once ready; exits cleanly on SIGTERM.
 */
import express from 'express';
import { createProbes } from '../../../probes/index.js';
import { FakeDb } from './probe-harness.js';

const probes = createProbes({ serviceName: 'fixture', memoryIntervalMs: 0 });
const db = probes.instrumentDb(new FakeDb());
const app = express();
app.use(probes.middleware);
app.get('/metrics', probes.metricsHandler);
app.get('/api/orders/:id', async (req, res) => {
  const r = await db.query('SELECT * FROM orders WHERE id = $1', [req.params.id]);
  probes.logger.info({ id: req.params.id }, 'order fetched');
  res.json(r.rows);
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${addr.port}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => void probes.shutdown());
});
