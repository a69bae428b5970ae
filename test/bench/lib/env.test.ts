import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseEnvInt } from '../../../bench/lib/env.js';

describe('parseEnvInt', () => {
  it('gives the fallback when unset or blank, and the number when set', () => {
    expect(parseEnvInt('BENCH_N', undefined, 7)).toBe(7);
    expect(parseEnvInt('BENCH_N', '  ', 7)).toBe(7);
    expect(parseEnvInt('BENCH_N', '12', 7)).toBe(12);
    expect(parseEnvInt('BENCH_N', '0', 7, 0)).toBe(0);
  });

  it.each(['abc', '1.5', '0', '-3'])('refuses %j, naming the variable and what it needs', (raw) => {
    expect(() => parseEnvInt('BENCH_N', raw, 7)).toThrow(`BENCH_N must be a whole number >= 1, got "${raw}"`);
  });
});

describe('envInt', () => {
  it('stops a bench with exit 2 and the message, no stack trace', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "import('./bench/lib/env.ts').then((m) => m.envInt('BENCH_ROUNDS', 3))"],
      { env: { ...process.env, BENCH_ROUNDS: 'abc' }, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('BENCH_ROUNDS must be a whole number >= 1, got "abc"');
  });
});

describe('parseEnvInt with an upper bound', () => {
  it('takes the bounds themselves and refuses past them, naming the range', () => {
    expect(parseEnvInt('LAB_ROUNDS', '10', 3, 1, 10)).toBe(10);
    expect(() => parseEnvInt('LAB_ROUNDS', '11', 3, 1, 10)).toThrow(
      'LAB_ROUNDS must be a whole number from 1 to 10, got "11"',
    );
  });
});
