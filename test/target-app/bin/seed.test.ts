import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const seed = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'target-app/bin/seed.ts', ...args], { encoding: 'utf8' });

describe('npm run seed', () => {
  it('documents its flags', () => {
    const r = seed('--help');
    expect(r.status).toBe(0);
    for (const flag of ['--seed', '--users', '--products', '--orders']) expect(r.stdout).toContain(flag);
  });

  it('rejects a bad size with exit 2 and a message naming the flag', () => {
    const r = seed('--orders', 'lots');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--orders must be a whole number/);
  });

  it('rejects an unknown flag with exit 2', () => {
    const r = seed('--everything');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--everything/);
  });
});
