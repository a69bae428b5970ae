import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN_HELP, TARGET_HELP } from '../../../loadtests/cli/help.js';
import { main } from '../../../loadtests/cli/main.js';
import { createTargetCommand } from '../../../loadtests/cli/target-command.js';
import { captureIo } from '../helpers/capture-io.js';

const BIN = new URL('../../../bin/perflab.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'perflab-target-cmd-'));
// The shop on its embedded defaults whatever services CI has, quiet.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'test',
  PERFLAB_DATA_DIR: join(dir, 'data'),
  LOG_LEVEL: 'warn',
  PAYMENTS_PORT: '0',
};
for (const name of ['DATABASE_URL', 'NATS_URL', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']) delete env[name];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('perflab target', () => {
  it('is listed in perflab --help, and perflab help target prints its help', async () => {
    expect(MAIN_HELP).toMatch(/^ {2}perflab target \[--mode monolith\|services\]/m);
    const io = captureIo();
    expect(await main(['help', 'target'], io)).toBe(0);
    expect(io.stdout.join('')).toBe(TARGET_HELP);
    for (const flag of ['--mode monolith', '--mode services', '--service'])
      expect(TARGET_HELP).toContain(flag);
  });

  it('outside the repository (no target-app beside the package) is a usage error saying where the app ships', async () => {
    const installed = pathToFileURL(`${mkdtempSync(join(dir, 'installed-'))}/`);
    // A coded error: main prints it on one line and exits 2.
    await expect(createTargetCommand(installed)(['--mode', 'services'], captureIo())).rejects.toMatchObject({
      code: 'PERFLAB_E_USAGE',
      message: expect.stringMatching(
        /sample target app ships only in the perflab repository \(the npm package leaves target-app out\)/,
      ) as unknown,
    });
  });

  it('passes its arguments through and exits with the target exit code', () => {
    const r = spawnSync(process.execPath, [BIN, 'target', '--mode', 'mesh'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--mode must be monolith or services, got "mesh"/);
  });

  it('starts the shop as npm run target does, and a SIGTERM to perflab stops it cleanly (exit 0)', async () => {
    // One worker alone starts fastest: no seeding.
    const proc = spawn(process.execPath, [BIN, 'target', '--mode', 'services', '--service', 'payments'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const urls = await new Promise<Record<string, string>>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const line = /^perflab services: (.*)$/m.exec(out)?.[1];
          if (line) resolve(JSON.parse(line) as Record<string, string>);
        });
        void exited.then((code) => reject(new Error(`perflab target exited (${code}): ${stderr}`)));
      });
      const health = await fetch(`${urls.payments}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', service: 'payments' });
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      // perflab waited for the target: it no longer listens.
      await expect(fetch(`${urls.payments}/healthz`)).rejects.toThrow();
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }
  }, 120_000);
});
