import { z } from 'zod';
import { PerflabError } from '../../../common/perflab-error.js';
import { loadConfig, type AppConfig } from '../../config.js';
import { BUS_DEFAULTS } from '../events/event.js';

/** The seed's breaker values (seed 13.4): 3 s timeout, open at 50% errors, half-open after 30 s. */
export const BREAKER_DEFAULTS = {
  timeoutMs: 3_000,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
  volumeThreshold: 5,
} as const;
/**
 * Default ports of the services shape: the gateway keeps the monolith's 3000.
 * The workers serve only /healthz, /readyz and /metrics on theirs.
 */
export const SERVICE_PORTS = {
  gateway: 3000,
  users: 3001,
  catalog: 3002,
  orders: 3003,
  payments: 3004,
  inventory: 3005,
} as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65_535);
const url = z.string().url().optional();

const schema = z.object({
  GATEWAY_PORT: port.optional(),
  USERS_PORT: port.default(SERVICE_PORTS.users),
  CATALOG_PORT: port.default(SERVICE_PORTS.catalog),
  ORDERS_PORT: port.default(SERVICE_PORTS.orders),
  PAYMENTS_PORT: port.default(SERVICE_PORTS.payments),
  INVENTORY_PORT: port.default(SERVICE_PORTS.inventory),
  USERS_URL: url,
  CATALOG_URL: url,
  ORDERS_URL: url,
  GATEWAY_TIMEOUT_MS: int(100, 600_000).default(10_000),
  BREAKER_TIMEOUT_MS: int(1, 600_000).default(BREAKER_DEFAULTS.timeoutMs),
  BREAKER_ERROR_PERCENT: int(1, 100).default(BREAKER_DEFAULTS.errorThresholdPercentage),
  BREAKER_RESET_MS: int(1, 3_600_000).default(BREAKER_DEFAULTS.resetTimeoutMs),
  BREAKER_VOLUME_THRESHOLD: int(0, 100_000).default(BREAKER_DEFAULTS.volumeThreshold),
  PAYMENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  NATS_URL: url,
  BUS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" or "-" (1-40)')
    .default(BUS_DEFAULTS.namespace),
  BUS_MAX_DELIVER: int(1, 100).default(BUS_DEFAULTS.maxDeliver),
  BUS_ACK_WAIT_MS: int(100, 3_600_000).default(BUS_DEFAULTS.ackWaitMs),
  SERVICES_SCHEMA_PREFIX: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,30}$|^$/, 'lowercase letters, digits or "_"')
    .default(''),
});

export interface BreakerSettings {
  timeoutMs: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  /** Calls in the rolling window before the error rate may open the breaker. */
  volumeThreshold: number;
}

export interface ServicesConfig {
  app: AppConfig;
  ports: Record<keyof typeof SERVICE_PORTS, number>;
  /** Upstreams in the separate-process shape; in one process they are the listening services. */
  urls: { users?: string; catalog?: string; orders?: string };
  gatewayTimeoutMs: number;
  breaker: BreakerSettings;
  paymentFailureRate: number;
  natsUrl: string | undefined;
  bus: { namespace: string; maxDeliver: number; ackWaitMs: number };
  /** One schema per service: `<prefix>users`, `<prefix>catalog`, `<prefix>orders`, `<prefix>payments`. */
  schemas: { users: string; catalog: string; orders: string; payments: string };
}

/** The monolith's settings (database, secrets, limits) plus the services shape's own. */
export function loadServicesConfig(env: NodeJS.ProcessEnv = process.env): ServicesConfig {
  const app = loadConfig(env);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PerflabError(
      'PERFLAB_E_CONFIG',
      `environment variable ${String(issue?.path[0] ?? 'environment')} is invalid: ${issue?.message ?? ''}`,
    );
  }
  const e = parsed.data;
  const p = e.SERVICES_SCHEMA_PREFIX;
  return {
    app,
    ports: {
      gateway: e.GATEWAY_PORT ?? app.port,
      users: e.USERS_PORT,
      catalog: e.CATALOG_PORT,
      orders: e.ORDERS_PORT,
      payments: e.PAYMENTS_PORT,
      inventory: e.INVENTORY_PORT,
    },
    urls: {
      ...(e.USERS_URL ? { users: e.USERS_URL } : {}),
      ...(e.CATALOG_URL ? { catalog: e.CATALOG_URL } : {}),
      ...(e.ORDERS_URL ? { orders: e.ORDERS_URL } : {}),
    },
    gatewayTimeoutMs: e.GATEWAY_TIMEOUT_MS,
    breaker: {
      timeoutMs: e.BREAKER_TIMEOUT_MS,
      errorThresholdPercentage: e.BREAKER_ERROR_PERCENT,
      resetTimeoutMs: e.BREAKER_RESET_MS,
      volumeThreshold: e.BREAKER_VOLUME_THRESHOLD,
    },
    paymentFailureRate: e.PAYMENT_FAILURE_RATE,
    natsUrl: e.NATS_URL,
    bus: { namespace: e.BUS_NAMESPACE, maxDeliver: e.BUS_MAX_DELIVER, ackWaitMs: e.BUS_ACK_WAIT_MS },
    schemas: { users: `${p}users`, catalog: `${p}catalog`, orders: `${p}orders`, payments: `${p}payments` },
  };
}
