import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../loadtests/engine/options.js';
import { urlScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import type { RunOptions } from '../../../loadtests/types.js';

const { scenario } = urlScenario('http://127.0.0.1:9/x');
const base: RunOptions = {
  target: 'http://127.0.0.1:9/',
  scenario,
  model: { kind: 'closed', connections: 2 },
  durationMs: 1000,
};
const open = { kind: 'open' as const, maxConnections: 10, maxSendLagMs: 5 };

describe('resolveOptions', () => {
  it('fills defaults and strips the trailing slash', () => {
    const o = resolveOptions({ ...base, thresholds: ['p95<1s'] });
    expect(o).toMatchObject({ target: 'http://127.0.0.1:9', warmupMs: 0, timeoutMs: 10_000, scrape: true });
    expect(o.thresholds).toEqual(['p95<1s']);
  });

  it('sends load to loopback only, unless a remote target is explicitly allowed', () => {
    for (const target of [
      'http://localhost:3000',
      'http://127.0.0.2:8080',
      'http://[::1]:3000',
      'http://api.localhost',
    ]) {
      expect(resolveOptions({ ...base, target }).target).toBe(target);
    }
    for (const target of [
      'http://192.0.2.1',
      'http://10.0.0.1:3000',
      'https://example.com',
      'http://127.0.0.1.nip.io',
    ]) {
      expect(() => resolveOptions({ ...base, target }), target).toThrow(/not a loopback address/);
      expect(resolveOptions({ ...base, target, allowRemote: true }).target).toBe(target.replace(/\/$/, ''));
    }
  });

  it('takes the measured duration from stages', () => {
    const o = resolveOptions({
      ...base,
      durationMs: undefined,
      model: { ...open, stages: [{ durationMs: 2000, target: 5 }] },
    });
    expect(o.durationMs).toBe(2000);
  });

  it.each<[Partial<RunOptions>, string]>([
    [{ target: 'nope' }, 'option "target" must be an http:// URL'],
    [{ target: 'ftp://x' }, 'option "target"'],
    [
      { model: { kind: 'closed', connections: 0 } },
      'option "connections" must be a positive integer, got number 0',
    ],
    [{ model: { ...open } }, 'option "rate" must be exactly one of rate or stages'],
    [{ model: { ...open, rate: -1 } }, 'option "rate" must be a positive number'],
    [{ model: { ...open, rate: 1, maxConnections: 1.5 } }, 'option "maxConnections"'],
    [{ durationMs: undefined }, 'option "duration" must be a duration or a request count'],
    [{ requests: 2.5 }, 'option "requests" must be a positive integer'],
    [
      { model: { ...open, stages: [{ durationMs: 1, target: 1 }], startRate: NaN } },
      'option "startRate" must be a number >= 0',
    ],
    [{ timeoutMs: 0 }, 'option "timeout"'],
    [{ warmupMs: -5 }, 'option "warmup"'],
  ])('rejects %j', (patch, message) => {
    expect(() => resolveOptions({ ...base, ...patch })).toThrow(message);
  });

  it('uses a coded error', () => {
    expect(() => resolveOptions({ ...base, target: 'x' })).toThrow(
      expect.objectContaining({ code: 'PERFLAB_E_LOAD_OPTION' }),
    );
  });
});
