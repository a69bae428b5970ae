import { describe, expect, it } from 'vitest';
import { parseSql } from '../../../probes/index.js';

describe('parseSql', () => {
  it.each([
    ['SELECT * FROM orders WHERE id = $1', 'SELECT', 'orders'],
    ['  select o.id from public.orders o join users u on u.id = o.user_id', 'SELECT', 'public.orders'],
    ['SELECT count(*) FROM (SELECT 1 FROM x) s', 'SELECT', 'unknown'],
    ['SELECT (SELECT max(id) FROM a) FROM b', 'SELECT', 'b'],
    ['INSERT INTO "Order_Items" (a) VALUES ($1)', 'INSERT', 'order_items'],
    ['UPDATE ONLY products SET price = $1', 'UPDATE', 'products'],
    ['DELETE FROM sessions WHERE expires < now()', 'DELETE', 'sessions'],
    ['-- comment\n/* block */ SELECT 1 FROM t', 'SELECT', 't'],
    ["SELECT 'FROM fake' AS x FROM real_table", 'SELECT', 'real_table'],
    ['WITH recent AS (SELECT * FROM orders) SELECT * FROM recent', 'SELECT', 'recent'],
    ['WITH d AS (DELETE FROM q RETURNING *) INSERT INTO archive SELECT * FROM d', 'INSERT', 'archive'],
    ['TRUNCATE TABLE logs', 'TRUNCATE', 'logs'],
    ['BEGIN', 'BEGIN', 'unknown'],
    ['SELECT 1', 'SELECT', 'unknown'],
    ['', 'unknown', 'unknown'],
    ['GRANT ALL ON x TO y', 'unknown', 'unknown'],
  ])('%s', (sql, operation, collection) => {
    expect(parseSql(sql)).toEqual({ operation, collection });
  });
});
