import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No container engine runs here, so the stack is checked statically: it must
// be well-formed, pinned, health-checked and wired the way the app expects.
interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('has the app and PostgreSQL', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['app', 'postgres']));
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
      else expect(service.build, name).toBeDefined();
    }
  });

  it('health-checks every service and starts the app after a healthy database', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
    expect(compose.services.app?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('points the app at the postgres service with its credentials', () => {
    const pg = compose.services.postgres?.environment ?? {};
    const url = new URL(compose.services.app?.environment?.DATABASE_URL ?? '');
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(pg.POSTGRES_USER);
    expect(url.password).toBe(pg.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
  });

  it('publishes ports on loopback only', () => {
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('builds the app from a Dockerfile that runs npm start on a supported Node', () => {
    expect(existsSync('Dockerfile')).toBe(true);
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const node = /^FROM node:(\d+)/m.exec(dockerfile);
    expect(Number(node?.[1])).toBeGreaterThanOrEqual(20);
    expect(dockerfile).toMatch(/CMD \["npm", "start"\]/);
    expect(dockerfile).toMatch(/npm ci/);
  });
});
