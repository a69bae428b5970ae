import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import { sendError } from '../http/errors.js';
import { redisStore, type RedisCommander } from './redis-store.js';

/** Policy names: they appear in the RateLimit / RateLimit-Policy headers and in the Redis keys. */
export const POLICY_API = 'api';
export const POLICY_LOGIN_IP = 'login-ip';
export const POLICY_LOGIN_ACCOUNT = 'login-account';
export const POLICY_ORDERS_ACCOUNT = 'orders-account';
export const RATE_LIMITED = 'RATE_LIMITED';

export interface RateLimiters {
  /** Every /api request, per client IP. */
  api: RequestHandler;
  /** Failed logins per client IP, then per account; successful logins do not count. */
  login: RequestHandler[];
  /** Orders placed per account (after authentication); refused orders do not count. */
  purchase: RequestHandler;
  /** What is in force, for the start-up log line. */
  describe(): Record<string, unknown>;
}

/**
 * The seed's two limits done the current way: IETF draft-8 `RateLimit` and
 * `RateLimit-Policy` headers, a JSON 429 in the API's error shape with
 * Retry-After, and counters in Redis when a client is given, so every app
 * instance behind a balancer counts against the same budget.
 */
export function createRateLimiters(
  config: Pick<AppConfig, 'rateLimit'>,
  logger: Logger,
  redis: RedisCommander | undefined,
): RateLimiters {
  const { windowMs, apiMax, loginMax, orderMax, prefix } = config.rateLimit;
  const storeFor = (policy: string): Store | undefined =>
    redis ? redisStore(redis, `${prefix}${policy}:`) : undefined;
  const common = (policy: string, message = 'too many requests: wait for the time in Retry-After') => {
    const store = storeFor(policy);
    return {
      windowMs,
      identifier: policy,
      standardHeaders: 'draft-8' as const,
      legacyHeaders: false,
      ...(store ? { store } : {}),
      handler: (req: Request, res: Parameters<RequestHandler>[1]) => {
        logger.warn({ policy, ip: req.ip, reqId: req.id }, 'rate limit reached');
        sendError(res, 429, RATE_LIMITED, message);
      },
    };
  };

  const api = rateLimit({ ...common(POLICY_API), limit: apiMax });
  const loginByIp = rateLimit({ ...common(POLICY_LOGIN_IP), limit: loginMax, skipSuccessfulRequests: true });
  const loginByAccount = rateLimit({
    ...common(POLICY_LOGIN_ACCOUNT),
    limit: loginMax,
    skipSuccessfulRequests: true,
    // Guessing one account's password from many addresses is still counted.
    // A body without an email string fails validation and is counted per IP only.
    skip: (req) => accountOf(req) === undefined,
    keyGenerator: (req) => accountOf(req) ?? '',
  });

  // OWASP API6: a free account must not be able to buy up the stock by placing order after order.
  const minutes = Math.round(windowMs / 60_000);
  const purchase = rateLimit({
    ...common(
      POLICY_ORDERS_ACCOUNT,
      `too many orders: at most ${orderMax} per account per ${minutes} min; wait for the time in Retry-After`,
    ),
    limit: orderMax,
    skipFailedRequests: true,
    keyGenerator: (_req, res) =>
      String((res.locals.principal as { userId?: number } | undefined)?.userId ?? ''),
  });

  return {
    api,
    login: [loginByIp, loginByAccount],
    purchase,
    describe: () => ({
      store: redis ? 'redis' : 'memory',
      prefix: redis ? prefix : undefined,
      windowMs,
      apiMaxPerIp: apiMax,
      loginFailuresPerIp: loginMax,
      loginFailuresPerAccount: loginMax,
      ordersPerAccount: orderMax,
    }),
  };
}

/**
 * The account a login is for, normalized like the schema does and hashed, so
 * the counter key (which may live in Redis) carries no email address.
 */
function accountOf(req: Request): string | undefined {
  const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== 'string') return undefined;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}
