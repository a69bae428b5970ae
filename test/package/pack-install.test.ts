import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: built, packed, installed from the tarball
 * into a project of its own outside the repository, next to an Express 5
 * app that is not ours. Offline-friendly: the versions installed are the
 * repository's own, so a warm npm cache serves them.
 */
const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const SLOW = 600_000;

let work: string;
let project: string;
let tarball: string;

const npm = (args: string[], cwd: string) =>
  run('npm', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_UPDATE_NOTIFIER: '1' } });

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const USER_APP = `import express from 'express';
import { createProbes } from 'perflab/probes';

const probes = createProbes({ serviceName: 'user-app' });
const app = express();
app.use(probes.middleware);
app.get('/metrics', probes.metricsHandler);
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log('listening ' + 'http://127.0.0.1:' + server.address().port);
});
`;

const USER_SCENARIO = `import { defineScenario } from 'perflab';

export default defineScenario({
  name: 'user-hello',
  description: 'the user app greeting',
  flows: [{ name: 'greet', steps: [{ name: 'hello', path: '/hello', check: { json: { hello: 'world' } } }] }],
});
`;

const TYPES_CHECK = `import { defineScenario, run, type RunResult, type Scenario } from 'perflab';
import { createProbes, type Probes } from 'perflab/probes';

const scenario: Scenario = defineScenario({
  name: 'typed',
  description: 'types resolve from the installed package',
  setup: async () => ({ ids: ['1', '2'] }),
  flows: [{ name: 'f', steps: [{ name: 'item', path: ({ data }) => '/items/' + data.ids[0] }] }],
});
// @ts-expect-error a step's name must be a string: fails to compile only if the types resolved
defineScenario({ name: 'bad', description: '', flows: [{ name: 'f', steps: [{ name: 1, path: '/' }] }] });
const probes: Probes = createProbes({ serviceName: 'typed' });
export async function go(): Promise<RunResult> {
  return run({ target: 'http://127.0.0.1:1', scenario, model: { kind: 'closed', connections: 1 }, durationMs: 1 })
    .finished;
}
export { probes };
`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'perflab-pack-'));
  await npm(['run', 'build'], repo);
  // prepack would build a second time; the build above is the one under test.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], repo);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, info.filename);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-app', private: true, type: 'module' }),
  );
  writeFileSync(join(project, 'app.js'), USER_APP);
  writeFileSync(join(project, 'scenario.ts'), USER_SCENARIO);
  const dev = pkg.devDependencies;
  await npm(
    [
      'install',
      tarball,
      `express@${dev.express}`,
      `typescript@${dev.typescript}`,
      `@types/node@${dev['@types/node']}`,
      `@types/express@${dev['@types/express']}`,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    project,
  );
}, SLOW);

function startApp(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['app.js'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`user app exited ${code}: ${err}`)));
  });
}

describe('the packed package, installed in a fresh project', () => {
  it('ships compiled JavaScript with declarations, no sources, no target app', () => {
    const installed = join(project, 'node_modules', 'perflab');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else files.push(join(dir, e.name).slice(installed.length + 1));
      }
    };
    walk(installed);
    expect(files).toContain('dist/loadtests/index.js');
    expect(files).toContain('dist/loadtests/index.d.ts');
    expect(files).toContain('dist/probes/register.js');
    expect(files).toContain('LICENSE');
    expect(files).toContain('CHANGELOG.md');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.includes('target-app'))).toEqual([]);
    // The target app's own dependencies stay out of a user's install.
    for (const dep of ['pg', 'helmet', 'ioredis', 'jose', '@electric-sql/pglite', '@node-rs/argon2']) {
      expect(existsSync(join(project, 'node_modules', dep)), dep).toBe(false);
    }
  });

  it(
    'serves /metrics from the probes in the user app, and runs a user scenario through npx perflab',
    async () => {
      const { url, child } = await startApp();
      try {
        expect(await (await fetch(`${url}/hello`)).json()).toEqual({ hello: 'world' });
        const version = await run('npx', ['--no-install', 'perflab', '--version'], { cwd: project });
        expect(version.stdout.trim()).toBe(pkg.version);
        const out = join(project, 'out');
        const res = await run(
          'npx',
          [
            '--no-install',
            'perflab',
            'run',
            'scenario.ts',
            '-t',
            url,
            '-c',
            '2',
            '-n',
            '100',
            '-o',
            out,
            '-q',
          ],
          { cwd: project },
        );
        expect(res.stdout).toContain('user-hello');
        const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
          endpoints: Record<string, { requests: number; errors: number }>;
          server: { available: boolean };
        };
        expect(result.endpoints.hello?.requests).toBeGreaterThanOrEqual(100);
        expect(result.endpoints.hello?.errors).toBe(0);
        expect(result.server.available).toBe(true);
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_route="\/hello"/);
      } finally {
        child.kill();
      }
    },
    SLOW,
  );

  it(
    'resolves the types of perflab and perflab/probes, and perflab init writes a scenario that compiles',
    async () => {
      const init = await run('npx', ['--no-install', 'perflab', 'init'], { cwd: project });
      expect(init.stdout).toContain('perflab-scenario.ts');
      const starter = readFileSync(join(project, 'perflab-scenario.ts'), 'utf8');
      expect(starter).toContain("from 'perflab'");
      expect(starter).toMatch(/^\/\/ /);
      // Never over the user's own file.
      await expect(run('npx', ['--no-install', 'perflab', 'init'], { cwd: project })).rejects.toMatchObject({
        code: 2,
      });
      writeFileSync(join(project, 'types-check.ts'), TYPES_CHECK);
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['types-check.ts', 'perflab-scenario.ts', 'scenario.ts'],
        }),
      );
      const tsc = await run('npx', ['--no-install', 'tsc', '-p', '.'], { cwd: project }).catch(
        (err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }),
      );
      expect(tsc.stdout).toBe('');
    },
    SLOW,
  );
});
