import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { migrate, openDb } from '../db/index.js';
import { SEED_DEFAULTS, seedDatabase } from '../seed.js';
import { exitWithError } from './exit.js';

const HELP = `Usage: npm run seed -- [options]

Replaces all shop data with a deterministic data set (same seed, same data).
Uses DATABASE_URL when set, else the embedded PGlite in PERFLAB_DATA_DIR (.perflab/data).

Options:
  --seed <n>       PRNG seed (default PERFLAB_SEED or 42)
  --users <n>      customers to create (default ${SEED_DEFAULTS.users})
  --products <n>   products (default ${SEED_DEFAULTS.products})
  --orders <n>     orders of 1-5 items each (default ${SEED_DEFAULTS.orders})
  -h, --help       show this help
`;

function count(name: string, raw: string | undefined, fallback: number, max = 10_000_000): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new Error(`--${name} must be a whole number from 0 to ${max}, got "${raw}"`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      users: { type: 'string' },
      products: { type: 'string' },
      orders: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig();
  const options = {
    seed: count('seed', values.seed, config.seed, 2 ** 31 - 1),
    users: Math.max(1, count('users', values.users, SEED_DEFAULTS.users)),
    products: Math.max(1, count('products', values.products, SEED_DEFAULTS.products)),
    orders: count('orders', values.orders, SEED_DEFAULTS.orders),
    seedPassword: config.seedPassword,
    adminPassword: config.adminPassword,
  };
  const db = await openDb(config);
  try {
    const started = performance.now();
    await migrate(db);
    await seedDatabase(db, {
      ...options,
      onProgress: (table, rows) => process.stdout.write(`  ${table}: ${rows.toLocaleString('en')}\n`),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`seeded ${db.kind} with seed ${options.seed} in ${seconds} s\n`);
  } finally {
    await db.close();
  }
}

main().catch(exitWithError);
