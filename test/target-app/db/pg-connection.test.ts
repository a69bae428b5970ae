import { describe, expect, it } from 'vitest';
import { createPgDb } from '../../../target-app/db/pg.js';

// What the pg pool tells the probes about its server, for the DB spans'
// server.address, server.port and db.namespace. The pool connects lazily:
// nothing here reaches a server.

describe('createPgDb connection', () => {
  it.each([
    [
      'postgres://u:secret@db.example:6543/shop',
      undefined,
      { host: 'db.example', port: 6543, namespace: 'shop' },
    ],
    [
      'postgres://u@127.0.0.1/test',
      'tenant_a',
      { host: '127.0.0.1', port: 5432, namespace: 'test|tenant_a' },
    ],
    ['postgresql://u@[::1]:5433/', undefined, { host: '::1', port: 5433 }],
  ])('%s (schema %s)', async (connectionString, schema, expected) => {
    const db = createPgDb({ connectionString, poolSize: 1, ...(schema ? { schema } : {}) });
    try {
      expect(db.connection).toEqual(expected);
      expect(JSON.stringify(db.connection)).not.toContain('secret');
    } finally {
      await db.close();
    }
  });

  it('names nothing for a key=value connection string', async () => {
    const db = createPgDb({ connectionString: 'host=localhost dbname=test', poolSize: 1 });
    try {
      expect(db.connection).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});
