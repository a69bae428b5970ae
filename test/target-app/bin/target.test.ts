import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const target = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'target-app/bin/target.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run target', () => {
  it('documents both shapes and every service', () => {
    const r = target('--help');
    expect(r.status).toBe(0);
    for (const word of ['--mode monolith', '--mode services', 'gateway', 'inventory'])
      expect(r.stdout).toContain(word);
  });

  it('rejects an unknown mode or service with exit 2, naming it', () => {
    const mode = target('--mode', 'mesh');
    expect(mode.status).toBe(2);
    expect(mode.stderr).toMatch(/--mode must be monolith or services, got "mesh"/);
    const service = target('--mode', 'services', '--service', 'billing');
    expect(service.status).toBe(2);
    expect(service.stderr).toMatch(/--service must be one of .*got "billing"/);
  });
});
