import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_NAMES, type FlagName } from '../../../target-app/flags/index.js';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

// A flag changes how an answer is computed, never the answer: every read
// endpoint answers the same bytes with each flag on as with all off.
// normalized_reads is the exception only once something is renamed, which
// its own test covers; with nothing renamed it must answer the same too.

let app: LabApp;
let customer: string;

beforeAll(async () => {
  app = await startLabApp({ seed: { users: 4, products: 45, orders: 80 } });
  customer = await app.login(1);
}, 120_000);
afterAll(() => app?.close());

type Who = 'anonymous' | 'customer' | 'admin';
interface Read {
  route: string;
  who: Who;
  /** Follows nextCursor and answers the concatenated items: cursors differ between offset and keyset paging, rows must not. */
  pages?: boolean;
  path: string;
  /** Fields that differ between any two calls (a clock), not between flags. */
  drop?: string[];
}

const READS: Read[] = [
  { route: 'GET /api/products', who: 'anonymous', path: '/api/products?limit=7', pages: true },
  { route: 'GET /api/products', who: 'anonymous', path: '/api/products?limit=5&q=a', pages: true },
  { route: 'GET /api/products/:id', who: 'anonymous', path: '/api/products/3' },
  { route: 'GET /api/products/:id', who: 'anonymous', path: '/api/products/999999' },
  { route: 'GET /api/orders', who: 'customer', path: '/api/orders?limit=4', pages: true },
  { route: 'GET /api/orders/:id', who: 'customer', path: '/api/orders/{first}' },
  { route: 'GET /api/orders/export', who: 'admin', path: '/api/orders/export' },
  { route: 'GET /api/orders/export', who: 'customer', path: '/api/orders/export' },
  { route: 'GET /api/users/me', who: 'customer', path: '/api/users/me' },
  { route: 'GET /api/users/me/summary', who: 'customer', path: '/api/users/me/summary' },
  { route: 'GET /api/reports/sales', who: 'admin', path: '/api/reports/sales' },
  { route: 'GET /healthz', who: 'anonymous', path: '/healthz' },
  { route: 'GET /readyz', who: 'anonymous', path: '/readyz' },
];
/** GET routes whose answer is about the flags or the app itself, not data a flag computes. */
const NOT_DATA = ['GET /api/info', 'GET /api/admin/flags', 'GET /api/openapi.json', 'GET /metrics'];

let firstOrder = 0;
const token = (who: Who) => (who === 'admin' ? app.admin : who === 'customer' ? customer : undefined);

async function answer(r: Read): Promise<unknown> {
  const path = r.path.replace('{first}', String(firstOrder));
  const get = async (p: string) => {
    const res = await app.request(p, { token: token(r.who) });
    const body = res.body as Record<string, unknown> | string;
    if (typeof body === 'object' && body !== null) for (const f of r.drop ?? []) delete body[f];
    return { status: res.status, body };
  };
  if (!r.pages) return get(path);
  const items: unknown[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(cursor ? `${path}${sep}cursor=${cursor}` : path);
    expect(page.status).toBe(200);
    const body = page.body as { items: unknown[]; nextCursor: string | null };
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return { status: 200, items };
  }
  throw new Error(`${path}: more than 100 pages`);
}

const answers = async (): Promise<unknown[]> => {
  const out: unknown[] = [];
  for (const r of READS) out.push(await answer(r));
  return out;
};

describe('every flag', () => {
  it('the reads above cover every GET route the app documents', async () => {
    const spec = (await app.request('/api/openapi.json')).body as { paths: Record<string, object> };
    const documented = Object.entries(spec.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([p]) => `GET ${p.replace(/\{(\w+)\}/g, ':$1')}`);
    const covered = new Set([...READS.map((r) => r.route), ...NOT_DATA]);
    expect(documented.filter((route) => !covered.has(route))).toEqual([]);
  });

  // fault_headers only acts on requests that ask for trouble; its own test covers it.
  const switchable = FLAG_NAMES.filter((f): f is FlagName => f !== 'fault_headers');

  it.each(switchable)(
    '%s on answers every read the same as all flags off',
    async (flag) => {
      const { rows } = await app.db.query<{ id: number }>(
        'SELECT min(id)::int AS id FROM orders WHERE user_id = 1',
      );
      firstOrder = rows[0]!.id;
      if (flag === 'small_pool' && app.db.kind !== 'postgres') {
        // PGlite has one backend and no pool: the switch is refused, and nothing changes.
        const res = await app.request('/api/admin/flags', {
          method: 'PUT',
          token: app.admin,
          body: { small_pool: true },
        });
        expect(res.status).toBe(409);
        return;
      }
      const off = await answers();
      await app.setFlags({ [flag]: true });
      try {
        const on = await answers();
        READS.forEach((r, i) =>
          expect({ read: r.path, who: r.who, ...(on[i] as object) }).toEqual({
            read: r.path,
            who: r.who,
            ...(off[i] as object),
          }),
        );
      } finally {
        await app.setFlags({ [flag]: false });
      }
    },
    60_000,
  );
});
