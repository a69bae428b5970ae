import { hashPassword } from './auth/password.js';
import type { Db, Queryable } from './db/types.js';
import { prng } from '../common/prng.js';
import { ADJECTIVES, NOUNS, productDescription } from './seed-words.js';

export interface SeedOptions {
  seed: number;
  users: number;
  products: number;
  orders: number;
  seedPassword: string;
  adminPassword: string;
  /** Called after each table with the rows written so far, for progress output. */
  onProgress?: (table: string, rows: number) => void;
}

export const SEED_DEFAULTS = { users: 5_000, products: 1_000, orders: 50_000 } as const;
export const ADMIN_EMAIL = 'admin@perflab.local';
export const customerEmail = (n: number): string => `user${n}@perflab.local`;

const BATCH = 5_000;
// Every timestamp derives from this instant, so two seeds with one number are identical to the byte.
const EPOCH_MS = Date.UTC(2026, 0, 1);
const FIRST = ['Ada', 'Linus', 'Grace', 'Alan', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Edsger'];
const LAST = [
  'Lovelace',
  'Torvalds',
  'Hopper',
  'Turing',
  'Liskov',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Perlman',
];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const int = (rand: () => number, min: number, max: number): number =>
  min + Math.floor(rand() * (max - min + 1));

/**
 * Replaces all shop data with a deterministic data set. Argon2id costs tens of
 * milliseconds a hash, so every seeded customer shares one hash of the seed password.
 */
export async function seedDatabase(db: Db, options: SeedOptions): Promise<void> {
  const rand = prng(options.seed);
  const [customerHash, adminHash] = await Promise.all([
    hashPassword(options.seedPassword),
    hashPassword(options.adminPassword),
  ]);
  await db.transaction(async (tx) => {
    await tx.query('TRUNCATE order_items, orders, products, users RESTART IDENTITY CASCADE');

    const users = { id: [] as number[], email: [] as string[], name: [] as string[], hash: [] as string[] };
    const role: string[] = [];
    for (let i = 1; i <= options.users; i++) {
      users.id.push(i);
      users.email.push(customerEmail(i));
      users.name.push(`${pick(rand, FIRST)} ${pick(rand, LAST)}`);
      users.hash.push(customerHash);
      role.push('customer');
    }
    const adminId = options.users + 1;
    users.id.push(adminId);
    users.email.push(ADMIN_EMAIL);
    users.name.push('Perflab Admin');
    users.hash.push(adminHash);
    role.push('admin');
    await insertColumns(
      tx,
      'users (id, email, name, password_hash, role, created_at)',
      ['int', 'text', 'text', 'text', 'text', 'timestamptz'],
      [
        users.id,
        users.email,
        users.name,
        users.hash,
        role,
        users.id.map((i) => new Date(EPOCH_MS + i * 1000)),
      ],
    );
    options.onProgress?.('users', users.id.length);

    const products = {
      id: [] as number[],
      name: [] as string[],
      desc: [] as string[],
      price: [] as number[],
    };
    const stock: number[] = [];
    for (let i = 1; i <= options.products; i++) {
      const name = `${pick(rand, ADJECTIVES)} ${pick(rand, NOUNS)} ${i}`;
      products.id.push(i);
      products.name.push(name);
      products.desc.push(productDescription(i, name));
      products.price.push(int(rand, 199, 49_999));
      stock.push(int(rand, 100, 10_000));
    }
    await insertColumns(
      tx,
      'products (id, name, description, price_cents, stock, created_at)',
      ['int', 'text', 'text', 'int', 'int', 'timestamptz'],
      [
        products.id,
        products.name,
        products.desc,
        products.price,
        stock,
        products.id.map(() => new Date(EPOCH_MS)),
      ],
    );
    options.onProgress?.('products', options.products);

    if (options.users > 0 && options.products > 0) {
      for (let start = 1; start <= options.orders; start += BATCH) {
        await insertOrderBatch(tx, rand, start, Math.min(options.orders, start + BATCH - 1), users, products);
        options.onProgress?.('orders', Math.min(options.orders, start + BATCH - 1));
      }
    }
    for (const table of ['users', 'products', 'orders']) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT max(id) FROM ${table}), 1))`,
      );
    }
  });
}

async function insertOrderBatch(
  tx: Queryable,
  rand: () => number,
  first: number,
  last: number,
  users: { name: string[]; email: string[] },
  products: { name: string[]; price: number[] },
): Promise<void> {
  const o = { id: [] as number[], user: [] as number[], name: [] as string[], email: [] as string[] };
  const total: number[] = [];
  const created: Date[] = [];
  const it = { order: [] as number[], line: [] as number[], product: [] as number[], name: [] as string[] };
  const price: number[] = [];
  const qty: number[] = [];
  const customers = users.name.length - 1;
  for (let id = first; id <= last; id++) {
    const user = int(rand, 1, customers);
    let sum = 0;
    const lines = int(rand, 1, 5);
    for (let line = 1; line <= lines; line++) {
      const product = int(rand, 1, products.name.length);
      const quantity = int(rand, 1, 4);
      const unit = products.price[product - 1] as number;
      sum += unit * quantity;
      it.order.push(id);
      it.line.push(line);
      it.product.push(product);
      it.name.push(products.name[product - 1] as string);
      price.push(unit);
      qty.push(quantity);
    }
    o.id.push(id);
    o.user.push(user);
    o.name.push(users.name[user - 1] as string);
    o.email.push(users.email[user - 1] as string);
    total.push(sum);
    created.push(new Date(EPOCH_MS + id * 60_000 + int(rand, 0, 59_999)));
  }
  await insertColumns(
    tx,
    'orders (id, user_id, user_name, user_email, total_cents, created_at)',
    ['int', 'int', 'text', 'text', 'bigint', 'timestamptz'],
    [o.id, o.user, o.name, o.email, total, created],
  );
  await insertColumns(
    tx,
    'order_items (order_id, line_no, product_id, product_name, unit_price_cents, quantity)',
    ['int', 'int', 'int', 'text', 'int', 'int'],
    [it.order, it.line, it.product, it.name, price, qty],
  );
}

/**
 * One INSERT ... SELECT FROM unnest($1::t[], ...) per batch: a fixed number of
 * parameters whatever the row count, so it stays under PostgreSQL's limit and is
 * far faster than row-at-a-time inserts, on pg and PGlite alike.
 */
async function insertColumns(
  tx: Queryable,
  target: string,
  types: string[],
  columns: unknown[][],
): Promise<void> {
  const rows = columns[0]?.length ?? 0;
  for (let from = 0; from < rows; from += BATCH) {
    const slice = columns.map((c) => c.slice(from, from + BATCH));
    const args = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    await tx.query(`INSERT INTO ${target} SELECT * FROM unnest(${args})`, slice);
  }
}
