import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../../probes/index.js';
import { createBreaker, DEGRADED } from '../../../../target-app/services/shared/breaker.js';
import { loadServicesConfig } from '../../../../target-app/services/shared/services-config.js';

function logSink() {
  const lines: Array<{ msg: string; breaker?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const settings = { timeoutMs: 200, errorThresholdPercentage: 50, resetTimeoutMs: 50, volumeThreshold: 2 };

describe('createBreaker', () => {
  it('falls back to DEGRADED, opens on errors, logs and counts each transition, and closes on success', async () => {
    const registry = new Registry();
    const { lines, logger } = logSink();
    let up = false;
    const breaker = createBreaker(
      'users',
      async (n: number) => {
        if (!up) throw new Error('down');
        return n * 2;
      },
      settings,
      { registry, logger },
    );
    expect(await breaker.fire(1)).toBe(DEGRADED);
    expect(await breaker.fire(2)).toBe(DEGRADED);
    expect(breaker.opened).toBe(true);
    expect(await breaker.fire(3)).toBe(DEGRADED); // rejected without a call
    up = true;
    const deadline = Date.now() + 5_000;
    while (!breaker.halfOpen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await breaker.fire(4)).toBe(8);
    expect(breaker.closed).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual([
      'circuit breaker opened: calls now answer degraded',
      'circuit breaker half-open: trying one call',
      'circuit breaker closed: the remote answers again',
    ]);
    const text = await registry.metrics();
    expect(text).toContain(`${N.BREAKER_STATE}{breaker="users"} 0`);
    for (const event of ['fire', 'failure', 'reject', 'fallback', 'open', 'half_open', 'close', 'success'])
      expect(text).toContain(`${N.BREAKER_EVENTS}{breaker="users",event="${event}"}`);
    breaker.shutdown();
  });

  it('times a slow call out at the configured timeout', async () => {
    const registry = new Registry();
    const breaker = createBreaker(
      'slow',
      () => new Promise<number>(() => {}),
      { ...settings, timeoutMs: 20 },
      {
        registry,
        logger: pino({ level: 'silent' }),
      },
    );
    expect(await breaker.fire()).toBe(DEGRADED);
    expect(await registry.metrics()).toMatch(/event="timeout"} 1/);
    breaker.shutdown();
  });
});

describe('loadServicesConfig', () => {
  it('has the seed’s breaker values by default', () => {
    expect(loadServicesConfig({}).breaker).toEqual({
      timeoutMs: 3_000,
      errorThresholdPercentage: 50,
      resetTimeoutMs: 30_000,
      volumeThreshold: 5,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadServicesConfig({ PAYMENT_FAILURE_RATE: '1.5' })).toThrow(/PAYMENT_FAILURE_RATE/);
    expect(() => loadServicesConfig({ SERVICES_SCHEMA_PREFIX: 'Bad-Prefix' })).toThrow(
      expect.objectContaining({ code: 'PERFLAB_E_CONFIG' }),
    );
    expect(() => loadServicesConfig({ USERS_URL: 'not a url' })).toThrow(/USERS_URL/);
  });
});
