import { z } from 'zod';
import { PerflabError } from '../common/perflab-error.js';
import { parseFlagList } from './flags/parse.js';
import type { FlagName } from './flags/names.js';
import { parseOrigins, parseTrustProxy, type TrustProxy } from './security/config-parsers.js';
import { secretBits } from './security/secret-strength.js';

/** Development defaults; with NODE_ENV=production the app refuses to start on them. */
export const DEV_SEED_PASSWORD = 'perflab-seed-password';
export const DEV_ADMIN_PASSWORD = 'perflab-admin-password';
export const DEV_JWT_SECRET = 'perflab-dev-jwt-secret-change-me-please-32b';

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * The seed's limits: 100 API requests and 5 failed logins per client per 15
 * minutes; and 10 orders per account (OWASP API6), which load tests raise
 * like the others.
 */
export const RATE_LIMIT_DEFAULTS = {
  windowMs: 15 * 60 * 1000,
  apiMax: 100,
  loginMax: 5,
  orderMax: 10,
} as const;
export const RATE_LIMIT_PREFIX_DEFAULT = 'perflab:rl:';
const RATE_LIMIT_CEILING = 1_000_000_000;
/**
 * In production the JWT secret must carry at least this much estimated
 * entropy (security/secret-strength.ts: a floor against repeated characters,
 * blocks and runs). The estimate runs low on random strings: 32 random hex
 * characters (128 real bits) score 88 or more.
 */
export const JWT_SECRET_MIN_BITS = 64;

/** Runs a parser that throws on bad input as a zod transform, so the issue names the variable. */
const parsedBy =
  <T>(parser: (raw: string) => T) =>
  (raw: string, ctx: z.RefinementCtx): T => {
    try {
      return parser(raw);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  };

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intFromEnv(0, 65_535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  DB_POOL_SIZE: intFromEnv(1, 500).default(10),
  PERFLAB_DATA_DIR: z.string().min(1).default('.perflab/data'),
  PERFLAB_SEED_PASSWORD: z.string().min(8).default(DEV_SEED_PASSWORD),
  PERFLAB_ADMIN_PASSWORD: z.string().min(8).default(DEV_ADMIN_PASSWORD),
  PERFLAB_JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
  PERFLAB_SEED: intFromEnv(0, 2 ** 31 - 1).default(42),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().url().optional(),
  RATE_LIMIT_WINDOW_MS: intFromEnv(1_000, 24 * 60 * 60 * 1000).default(RATE_LIMIT_DEFAULTS.windowMs),
  RATE_LIMIT_API_MAX: intFromEnv(1, RATE_LIMIT_CEILING).default(RATE_LIMIT_DEFAULTS.apiMax),
  RATE_LIMIT_LOGIN_MAX: intFromEnv(1, RATE_LIMIT_CEILING).default(RATE_LIMIT_DEFAULTS.loginMax),
  RATE_LIMIT_ORDER_MAX: intFromEnv(1, RATE_LIMIT_CEILING).default(RATE_LIMIT_DEFAULTS.orderMax),
  RATE_LIMIT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" or "-" only')
    .default(RATE_LIMIT_PREFIX_DEFAULT),
  CORS_ORIGINS: z.string().default('').transform(parsedBy(parseOrigins)),
  TRUST_PROXY: z.string().default('false').transform(parsedBy(parseTrustProxy)),
  PERFLAB_FLAGS: z.string().default(''),
  METRICS_PORT: intFromEnv(0, 65_535).optional(),
  PERFLAB_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, '16-256 printable characters, no spaces')
    .optional(),
  PERFLAB_INFO_RUNTIME: z.enum(['true', 'false']).default('false'),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string | undefined;
  poolSize: number;
  dataDir: string;
  seedPassword: string;
  adminPassword: string;
  jwtSecret: string;
  seed: number;
  logLevel: string;
  /** Shared rate-limit counters live here when set; in process memory otherwise. */
  redisUrl: string | undefined;
  rateLimit: { windowMs: number; apiMax: number; loginMax: number; orderMax: number; prefix: string };
  /** Exact origins (scheme://host[:port]) allowed to call the API from a browser. */
  corsOrigins: string[];
  /** Express `trust proxy`: false, a hop count, or a list of addresses/subnets. */
  trustProxy: TrustProxy;
  /** Optimization-lab flags switched on at start (PERFLAB_FLAGS=a,b); see docs/lab.md. */
  flags: FlagName[];
  /**
   * Where /metrics is served: with `port`, on a listener of its own (not on the
   * API port); with `token`, only to `Authorization: Bearer <token>`; with
   * neither, only to loopback clients.
   */
  metrics: { port: number | undefined; token: string | undefined };
  /** Whether GET /api/info names the Node.js version. */
  infoRuntime: boolean;
}

/**
 * Reads the app's configuration from an environment map. Throws a
 * PerflabError naming the variable for a bad value, and refuses production
 * while a development secret is still in place.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new PerflabError(
      'PERFLAB_E_CONFIG',
      `environment variable ${name} is invalid: ${issue?.message ?? ''}`,
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const defaults = [
      ['PERFLAB_SEED_PASSWORD', e.PERFLAB_SEED_PASSWORD === DEV_SEED_PASSWORD],
      ['PERFLAB_ADMIN_PASSWORD', e.PERFLAB_ADMIN_PASSWORD === DEV_ADMIN_PASSWORD],
      ['PERFLAB_JWT_SECRET', e.PERFLAB_JWT_SECRET === DEV_JWT_SECRET],
    ] as const;
    const still = defaults.filter(([, isDefault]) => isDefault).map(([name]) => name);
    if (still.length > 0) {
      throw new PerflabError(
        'PERFLAB_E_INSECURE_DEFAULT',
        `NODE_ENV=production refuses development defaults; set ${still.join(', ')}`,
      );
    }
    // 36 repeated characters pass the length check and can be guessed in one try.
    const bits = secretBits(e.PERFLAB_JWT_SECRET);
    if (bits < JWT_SECRET_MIN_BITS) {
      throw new PerflabError(
        'PERFLAB_E_WEAK_SECRET',
        `PERFLAB_JWT_SECRET is too predictable for production (about ${Math.floor(bits)} bits, ` +
          `${JWT_SECRET_MIN_BITS} needed); use e.g. \`openssl rand -base64 32\``,
      );
    }
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    poolSize: e.DB_POOL_SIZE,
    dataDir: e.PERFLAB_DATA_DIR,
    seedPassword: e.PERFLAB_SEED_PASSWORD,
    adminPassword: e.PERFLAB_ADMIN_PASSWORD,
    jwtSecret: e.PERFLAB_JWT_SECRET,
    seed: e.PERFLAB_SEED,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    rateLimit: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      apiMax: e.RATE_LIMIT_API_MAX,
      loginMax: e.RATE_LIMIT_LOGIN_MAX,
      orderMax: e.RATE_LIMIT_ORDER_MAX,
      prefix: e.RATE_LIMIT_PREFIX,
    },
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    flags: parseFlagList(e.PERFLAB_FLAGS),
    metrics: { port: e.METRICS_PORT, token: e.PERFLAB_METRICS_TOKEN },
    infoRuntime: e.PERFLAB_INFO_RUNTIME === 'true',
  };
}
