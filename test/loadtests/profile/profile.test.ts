import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerflabError } from '../../../common/perflab-error.js';
import { main } from '../../../loadtests/cli/main.js';
import { loadScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import { loadClinicTool } from '../../../loadtests/profile/clinic-tool.js';
import { ProfileRun } from '../../../loadtests/profile/profile-run.js';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { loadConfig } from '../../../target-app/config.js';
import { createPgliteDb, migrate } from '../../../target-app/db/index.js';
import { seedDatabase } from '../../../target-app/seed.js';
import { captureIo } from '../helpers/capture-io.js';

// Each profile starts the real target app under clinic, so it gets minutes, not seconds.
const PROFILE_MS = 240_000;

const root = mkdtempSync(join(tmpdir(), 'perflab-profile-test-'));
const dataDir = join(root, 'data');
// The app under clinic runs on an embedded database seeded small here (the
// shared PostgreSQL's public schema is never touched), and its own process env.
const { DATABASE_URL: _db, REDIS_URL: _redis, ...baseEnv } = process.env;
const serverEnv = { ...baseEnv, PERFLAB_DATA_DIR: dataDir, LOG_LEVEL: 'error' };

beforeAll(async () => {
  const config = loadConfig({});
  const db = await createPgliteDb(dataDir);
  await migrate(db);
  await seedDatabase(db, {
    seed: 7,
    users: 12,
    products: 30,
    orders: 60,
    seedPassword: config.seedPassword,
    adminPassword: config.adminPassword,
  });
  await db.close();
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectHtmlPage(path: string): void {
  expect(statSync(path).size).toBeGreaterThan(10_000);
  const page = readFileSync(path, 'utf8');
  expect(page.trimStart().slice(0, 15).toLowerCase()).toBe('<!doctype html>');
  expect(page).toMatch(/<\/html>\s*$/);
}

describe('perflab profile', () => {
  it(
    'doctor: runs the scenario against the app under clinic and links its HTML from the summary',
    async () => {
      const out = join(root, 'doctor');
      const io = captureIo(serverEnv);
      const code = await main(
        ['profile', 'smoke', '--tool', 'doctor', '-n', '20', '-c', '2', '-o', out, '-q'],
        io,
      );
      expect(io.stderr.join('\n')).not.toMatch(/PERFLAB_E_/);
      expect(code).toBe(0);
      const html = join(out, 'profile-doctor.html');
      expectHtmlPage(html);
      expect(io.stdout.join('\n')).toContain(`clinic doctor profile: ${html}`);
      expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(
        '[profile-doctor.html](profile-doctor.html)',
      );
      const result = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
      expect(result.totals.requests).toBeGreaterThanOrEqual(20);
      expect(result.totals.errors).toBe(0);
      // The probes' /metrics were scraped from the profiled app: the server figures are there.
      expect(result.server.requests).toBeGreaterThan(0);
    },
    PROFILE_MS,
  );

  it(
    'flame: goes through every phase, stops the server and renders the flame graph of the load',
    async () => {
      const outDir = join(root, 'flame');
      const profile = new ProfileRun({
        tool: 'flame',
        scenario: await loadScenario('browse'),
        model: { kind: 'closed', connections: 2 },
        requests: 20,
        outDir,
        env: serverEnv,
      });
      const phases: string[] = [];
      profile.on('status', (s) => phases.push(s.split(' ')[0] ?? s));
      const { htmlPath, result, dataDir: raw } = await profile.finished;
      expect(phases).toEqual(['starting', 'running', 'stopping', 'rendering']);
      expect(htmlPath).toBe(join(outDir, 'profile-flame.html'));
      expectHtmlPage(htmlPath);
      expect(result.status).toBe('complete');
      expect(existsSync(raw)).toBe(true);
    },
    PROFILE_MS,
  );

  it.each(['doctor', 'flame'] as const)(
    '%s: a server that exits before listening is a coded error, not a hang',
    async (tool) => {
      const profile = new ProfileRun({
        tool,
        scenario: await loadScenario('smoke'),
        model: { kind: 'closed', connections: 1 },
        requests: 1,
        outDir: join(root, `dies-${tool}`),
        command: [process.execPath, '-e', 'process.exit(3)'],
        env: serverEnv,
      });
      await expect(profile.finished).rejects.toMatchObject({ code: 'PERFLAB_E_PROFILE_SERVER' });
      expect(existsSync(join(root, `dies-${tool}`, `clinic-${tool}-data`))).toBe(false);
    },
    60_000,
  );

  it('names the install command when the clinic package is absent', async () => {
    const absent = (specifier: string) =>
      Promise.reject(
        Object.assign(new Error(`Cannot find package '${specifier}' imported from x`), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      );
    const err = await loadClinicTool('flame', absent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PerflabError);
    expect(err).toMatchObject({ code: 'PERFLAB_E_PROFILE_TOOL_MISSING' });
    expect((err as Error).message).toContain('npm install --save-dev @clinic/flame@13.0.0');
    // A package that is installed but broken is not reported as missing.
    const broken = () =>
      Promise.reject(Object.assign(new Error('Cannot find module ./lib'), { code: 'MODULE_NOT_FOUND' }));
    await expect(loadClinicTool('doctor', broken)).rejects.toThrow('Cannot find module ./lib');
  });

  it.each([
    [['profile', 'smoke'], /--tool must be one of doctor, flame/],
    [['profile', 'smoke', '--tool', 'bubbleprof'], /--tool must be one of doctor, flame, got bubbleprof/],
    [['profile', '--tool', 'doctor'], /exactly one scenario/],
    [['profile', 'smoke', '--tool', 'doctor', '--'], /"--" must be followed by the command/],
    [['profile', 'smoke', '--tool', 'doctor', '-r', '5', '-c', '2'], /--connections is for the closed model/],
    [['profile', 'smoke', '--tool', 'doctor', '--', 'no-such-server-binary'], /an executable found on PATH/],
  ])('refuses %j with exit 2 before starting anything', async (argv, message) => {
    const io = captureIo(serverEnv);
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });
});
