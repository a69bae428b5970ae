import { describe, expect, it } from 'vitest';
import { DEV_ADMIN_PASSWORD, loadConfig } from '../../target-app/config.js';

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
      PERFLAB_JWT_SECRET: 'r'.repeat(40),
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
