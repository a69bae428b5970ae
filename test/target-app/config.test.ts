import { describe, expect, it } from 'vitest';
import {
  DEV_ADMIN_PASSWORD,
  RATE_LIMIT_DEFAULTS,
  RATE_LIMIT_PREFIX_DEFAULT,
  loadConfig,
} from '../../target-app/config.js';

describe('loadConfig', () => {
  it('has working development defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 3000, poolSize: 10, dataDir: '.perflab/data' });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DB_POOL_SIZE: '0' })).toThrow(/DB_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('refuses production while a development secret is in use', () => {
    const secrets = {
      PERFLAB_SEED_PASSWORD: 'a-real-seed-password',
      PERFLAB_ADMIN_PASSWORD: 'a-real-admin-password',
      PERFLAB_JWT_SECRET: 'q8Zr0mK2xW5vT1nB7cY4hJ9sL3dF6gP0aE2uR8iO5kM=',
    };
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /PERFLAB_SEED_PASSWORD.*PERFLAB_ADMIN_PASSWORD/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', ...secrets, PERFLAB_ADMIN_PASSWORD: DEV_ADMIN_PASSWORD }),
    ).toThrow(/PERFLAB_ADMIN_PASSWORD/);
    expect(loadConfig({ NODE_ENV: 'production', ...secrets }).env).toBe('production');
  });
});

describe('loadConfig: security settings', () => {
  it("defaults to the seed's rate limits, no CORS origins, no trusted proxy and no Redis", () => {
    const c = loadConfig({});
    expect(c.rateLimit).toEqual({ ...RATE_LIMIT_DEFAULTS, prefix: RATE_LIMIT_PREFIX_DEFAULT });
    expect(c.rateLimit).toMatchObject({ windowMs: 900_000, apiMax: 100, loginMax: 5 });
    expect(c.corsOrigins).toEqual([]);
    expect(c.trustProxy).toBe(false);
    expect(c.redisUrl).toBeUndefined();
  });

  it('lets load tests raise the limits, but never to zero', () => {
    const c = loadConfig({
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_API_MAX: '1000000',
      RATE_LIMIT_LOGIN_MAX: '50',
    });
    expect(c.rateLimit).toMatchObject({ windowMs: 60_000, apiMax: 1_000_000, loginMax: 50 });
    expect(() => loadConfig({ RATE_LIMIT_API_MAX: '0' })).toThrow(/RATE_LIMIT_API_MAX/);
    expect(() => loadConfig({ RATE_LIMIT_LOGIN_MAX: 'off' })).toThrow(/RATE_LIMIT_LOGIN_MAX/);
    expect(() => loadConfig({ RATE_LIMIT_PREFIX: 'a b' })).toThrow(/RATE_LIMIT_PREFIX/);
  });

  it('parses TRUST_PROXY as hops or addresses, and refuses "true"', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY.*every client/);
    expect(() => loadConfig({ TRUST_PROXY: 'evil.example.com' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '0' })).toThrow(/TRUST_PROXY/);
  });

  it('takes exact CORS origins only', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com,http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
  });
});
