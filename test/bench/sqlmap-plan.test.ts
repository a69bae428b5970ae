import { describe, expect, it } from 'vitest';
import { planScan, summarizeSqlmap } from '../../bench/security/sqlmap-plan.js';
import { ENDPOINTS } from '../target-app/attacks/catalog.js';

const fixture = { token: 'tok', productId: 42, orderId: 7, cursor: 'c.sig' };
const plan = planScan(ENDPOINTS, { level: 3, risk: 2, target: 'http://127.0.0.1:1' });
const bound = (label: string) => {
  const job = plan.find((j) => j.label === label);
  if (!job) throw new Error(`no job ${label}`);
  return job.bind(fixture).args;
};
const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('scan:sqlmap plan', () => {
  it('scans every attacker-controlled input of the catalog once, and the headers', () => {
    const inputs = ENDPOINTS.flatMap((e) =>
      e.inputs.map((i) => `${e.method} ${e.template} ${i.where} ${i.name}`),
    );
    expect(plan.map((j) => j.label).sort()).toEqual(
      [
        ...inputs,
        'GET /api/products header User-Agent, Referer',
        'GET /api/users/me header Authorization',
      ].sort(),
    );
    for (const j of plan) {
      const args = j.bind(fixture).args;
      expect(arg(args, '--level')).toBe('3');
      expect(arg(args, '--risk')).toBe('2');
      expect(args).toContain('--batch');
    }
  });

  it('puts the marker on the one input: a query value, a path id, a JSON string or number', () => {
    expect(arg(bound('GET /api/products query q'), '-u')).toBe(
      'http://127.0.0.1:1/api/products?q=a*&limit=100',
    );
    expect(arg(bound('GET /api/products query cursor'), '-u')).toBe(
      'http://127.0.0.1:1/api/products?q=a&limit=100&cursor=c.sig*',
    );
    expect(arg(bound('GET /api/orders/:id params id'), '-u')).toBe('http://127.0.0.1:1/api/orders/7*');
    const login = bound('POST /api/auth/login body email');
    expect(arg(login, '--data')).toMatch(/^\{"email":"user1@perflab\.local\*","password":"[^*]+"\}$/);
    expect(arg(bound('POST /api/orders body items.0.productId'), '--data')).toBe(
      '{"items":[{"productId":42*,"quantity":1}]}',
    );
    expect(arg(bound('PUT /api/admin/flags body n_plus_one'), '--data')).toBe('{"n_plus_one":false*}');
    expect(bound('GET /api/orders query limit')).toContain('Authorization: Bearer tok');
    expect(arg(bound('DELETE /api/products/:id params id'), '--method')).toBe('DELETE');
  });
});

describe('scan:sqlmap verdicts', () => {
  it('reads sqlmap’s own words, and counts the 5xx answers it saw', () => {
    const clean = [
      "[12:00:00] [INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'",
      "[12:00:00] [INFO] testing 'PostgreSQL > 8.1 stacked queries (comment)'",
      "[12:00:01] [WARNING] (custom) GET parameter '#1*' does not seem to be injectable",
      '[12:00:01] [CRITICAL] all tested parameters do not appear to be injectable. Try to increase values',
      '[12:00:01] [WARNING] HTTP error codes detected during run:',
      '400 (Bad Request) - 1204 times, 500 (Internal Server Error) - 3 times',
    ].join('\n');
    expect(summarizeSqlmap('x', clean, 12, false)).toEqual({
      label: 'x',
      verdict: 'not injectable',
      serverErrors: 3,
      techniques: 2,
      seconds: 12,
    });
    const hit =
      'sqlmap identified the following injection point(s) with a total of 40 HTTP(s) requests:\n---\nParameter: #1* (URI)';
    expect(summarizeSqlmap('y', hit, 5, false).verdict).toBe('injectable');
    expect(summarizeSqlmap('z', '[INFO] testing ...', 3600, true).verdict).toBe('timed out');
    expect(summarizeSqlmap('z', 'connection refused', 1, false).verdict).toBe('unclear');
  });
});
