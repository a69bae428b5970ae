import type { Db } from '../db/types.js';
import type { Role } from '../auth/tokens.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';
import { listOrders, type Order } from './orders.js';
import {
  LIVE_PRODUCT,
  listingColumns,
  toProductSummary,
  type ProductRow,
  type ProductSummary,
} from './products.js';

const SUMMARY_SIZE = 5;

/** SQL for users. The password hash only ever leaves here for the login check. */

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  created_at: Date;
}

export type User = ReturnType<typeof toUser>;

const USER_COLUMNS = 'id, email, name, role, created_at';
const UNIQUE_VIOLATION = '23505';

/** The only shape a user leaves the API in: never the password hash. */
export const toUser = (r: UserRow) => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

export async function findUser(db: Db, id: number): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] && toUser(rows[0]);
}

/** Creates a customer; undefined when the email is taken. */
export async function createCustomer(
  db: Db,
  u: { email: string; name: string; passwordHash: string },
): Promise<User | undefined> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING ${USER_COLUMNS}`,
      [u.email, u.name, u.passwordHash],
    );
    return toUser(rows[0] as UserRow);
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
    throw err;
  }
}

/** What login needs to check a password and sign a token. */
export async function findCredentials(
  db: Db,
  email: string,
): Promise<{ id: number; role: Role; passwordHash: string } | undefined> {
  const { rows } = await db.query<{ id: number; role: Role; password_hash: string }>(
    'SELECT id, role, password_hash FROM users WHERE email = $1',
    [email],
  );
  const r = rows[0];
  return r && { id: r.id, role: r.role, passwordHash: r.password_hash };
}

export interface UserSummary {
  orderCount: number;
  totalSpentCents: number;
  lastOrders: Order[];
  recommended: ProductSummary[];
}

/**
 * The account page: order count and total, the last 5 orders, 5 products.
 * sequential_io on: the three reads one after another, so their latencies add.
 * Off: concurrently, so the slowest one sets the pace (on PostgreSQL each gets
 * its own pooled connection; PGlite serializes them anyway).
 */
export async function userSummary(db: Db, flags: FlagReader, userId: number): Promise<UserSummary> {
  const stats = async () =>
    (
      await db.query<{ n: number; total: number }>(
        'SELECT count(*)::int AS n, COALESCE(sum(total_cents), 0)::bigint AS total FROM orders WHERE user_id = $1',
        [userId],
      )
    ).rows[0] ?? { n: 0, total: 0 };
  const last = async () => (await listOrders(db, flags, userId, SUMMARY_SIZE, undefined)).items;
  const recommended = async () =>
    (
      await db.query<ProductRow>(
        `SELECT ${listingColumns(flags)} FROM products WHERE ${LIVE_PRODUCT} ORDER BY stock DESC, id LIMIT $1`,
        [SUMMARY_SIZE],
      )
    ).rows.map(toProductSummary);
  let parts: [Awaited<ReturnType<typeof stats>>, Order[], ProductSummary[]];
  if (flags.isOn(FLAG.SEQUENTIAL_IO)) parts = [await stats(), await last(), await recommended()];
  else parts = await Promise.all([stats(), last(), recommended()]);
  const [s, lastOrders, products] = parts;
  return { orderCount: s.n, totalSpentCents: Number(s.total), lastOrders, recommended: products };
}
