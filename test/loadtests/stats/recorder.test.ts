import { describe, expect, it } from 'vitest';
import { Recorder } from '../../../loadtests/stats/recorder.js';

describe('Recorder', () => {
  it('counts per endpoint, status and error kind', () => {
    const r = new Recorder(0);
    r.record('a', { latencyUs: 1000, status: 200, sample: 'GET /a' }, 10);
    r.record('a', { latencyUs: 3000, status: 500, error: 'non2xx' }, 20);
    r.record('b', { error: 'refused' }, 30);
    r.close();
    expect(r.requests).toBe(3);
    expect(r.errors).toBe(2);
    const a = r.endpoints.get('a');
    expect(a?.statusCodes).toEqual(
      new Map([
        [200, 1],
        [500, 1],
      ]),
    );
    expect(a?.errorsByKind.non2xx).toBe(1);
    expect(a?.sample).toBe('GET /a');
    expect(r.endpoints.get('b')?.histogram.totalCount).toBe(0);
    expect(r.totalHistogram().totalCount).toBe(2);
  });

  it('builds a per-second series, with quiet seconds as zeros and no empty trailing second', () => {
    const r = new Recorder(1000);
    r.record('a', { latencyUs: 1000, status: 200 }, 1100);
    r.record('a', { latencyUs: 2000, status: 200 }, 1900);
    r.record('a', { latencyUs: 5000, status: 500, error: 'non2xx' }, 3500);
    r.tick(4200);
    r.close();
    expect(r.series.map((p) => [p.second, p.requests, p.errors])).toEqual([
      [0, 2, 0],
      [1, 0, 0],
      [2, 1, 1],
    ]);
    expect(r.series[0]?.p99).toBeCloseTo(2, 1);
  });

  it('counts a poll step once per poll, with its attempts beside, and keeps the most one poll took', () => {
    const r = new Recorder(0);
    r.record('settled', { latencyUs: 40_000, status: 200, attempts: 3 }, 10);
    r.record('settled', { latencyUs: 90_000, status: 200, error: 'checkFailed', attempts: 5 }, 20);
    r.record('plain', { latencyUs: 1000, status: 200 }, 30);
    r.close();
    expect(r.requests).toBe(3);
    expect(r.endpoints.get('settled')?.requests).toBe(2);
    expect(r.endpoints.get('settled')?.histogram.totalCount).toBe(2);
    expect(r.endpoints.get('settled')?.polls).toEqual({ attempts: 8, max: 5 });
    expect(r.endpoints.get('plain')?.polls).toBeUndefined();
  });

  it('ignores records after close', () => {
    const r = new Recorder(0);
    r.close();
    r.record('a', { latencyUs: 1, status: 200 }, 1);
    expect(r.requests).toBe(0);
  });
});
