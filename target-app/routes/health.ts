import { Router } from 'express';
import type { Db } from '../db/types.js';

export function healthRoutes(db: Db): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ready', db: db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', db: db.kind });
    }
  });
  return router;
}
