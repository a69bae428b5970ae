import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorLayout } from '../deploy/helpers/k8s-manifests.js';
import { startReceiver } from '../probes/helpers/otlp-receiver.js';

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
// docs/package.md measures 149 (perflab and its runtime dependencies); a target-app or
// tooling dependency slipping into `dependencies` would go over.
const MAX_RUNTIME_PACKAGES = 160;

let work: string;
let project: string;
/** The load generator image's install directory (deploy/k8s/Dockerfile), rebuilt on disk. */
let generator: string;
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
// The routes the deploy/k8s scenario calls.
app.get('/api/products', (_req, res) => {
  res.json({ items: [{ id: 7 }] });
});
app.get('/api/products/:id', (req, res) => {
  res.json({ id: Number(req.params.id) });
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
  // As the Dockerfile builds it: its package.json, then the tarball alone, no dev dependencies.
  generator = join(work, 'generator');
  mkdirSync(generator);
  copyFileSync(generatorLayout().packageJson, join(generator, 'package.json'));
  const dev = pkg.devDependencies;
  const offline = ['--prefer-offline', '--no-audit', '--no-fund'];
  await Promise.all([
    npm(
      [
        'install',
        tarball,
        `express@${dev.express}`,
        `typescript@${dev.typescript}`,
        `@types/node@${dev['@types/node']}`,
        `@types/express@${dev['@types/express']}`,
        ...offline,
      ],
      project,
    ),
    npm(['install', '--omit=dev', tarball, ...offline], generator),
  ]);
}, SLOW);

function startApp(
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, 'app.js'], {
    cwd: project,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

/** `promise`, or a failure naming `what` after `ms`: a lost span fails the test instead of hanging it. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
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

  it(`installs as the image does (--omit=dev) in at most ${MAX_RUNTIME_PACKAGES} packages`, () => {
    const lock = JSON.parse(readFileSync(join(generator, 'node_modules', '.package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    const installed = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/'));
    expect(installed).toContain('node_modules/perflab');
    expect(installed).not.toContain('node_modules/express'); // an optional peer: the user's own
    expect(installed.length).toBeLessThanOrEqual(MAX_RUNTIME_PACKAGES);
  });

  it(
    'runs the deploy/k8s ConfigMap scenario unchanged from the generator image layout',
    async () => {
      const layout = generatorLayout();
      const local = (p: string) => join(generator, posix.relative(layout.workdir, p));
      // Laid out as the kubelet writes a ConfigMap volume: the key is a symlink through ..data
      // into a timestamped folder, so the path Node resolves from (its realpath) stays in the mount.
      const mount = local(layout.scenarioMount);
      const key = posix.basename(layout.scenarioFile);
      mkdirSync(join(mount, '..2026_12_06_00_00_00.1'), { recursive: true });
      writeFileSync(join(mount, '..2026_12_06_00_00_00.1', key), layout.scenarioText);
      symlinkSync('..2026_12_06_00_00_00.1', join(mount, '..data'));
      symlinkSync(join('..data', key), join(mount, key));
      expect(layout.scenarioText).toContain("from 'perflab'");

      const { url, child } = await startApp();
      try {
        const out = join(generator, 'out');
        // `perflab` by name through the image's PATH, from its WORKDIR, as the Job's command runs it.
        const res = await run(
          'perflab',
          ['run', local(layout.scenarioFile), '-t', url, '-c', '1', '-n', '20', '-o', out, '-q'],
          {
            cwd: generator,
            env: { ...process.env, PATH: [...layout.path.map(local), process.env.PATH].join(delimiter) },
          },
        );
        expect(res.stdout).toContain('catalog');
        const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
          endpoints: Record<string, { requests: number; errors: number }>;
        };
        for (const step of ['products.list', 'products.get']) {
          expect(result.endpoints[step]?.requests, step).toBeGreaterThan(0);
          expect(result.endpoints[step]?.errors, step).toBe(0);
        }
      } finally {
        child.kill();
      }
    },
    SLOW,
  );

  it(
    'starts tracing with node --import perflab/probes/register: spans exported over OTLP, exemplars in /metrics',
    async () => {
      const receiver = await startReceiver();
      const traceId = '8bf92f3577b34da6a3ce929d0e0e4736';
      const { url, child } = await startApp(['--import', 'perflab/probes/register'], {
        OTEL_SERVICE_NAME: 'user-app-registered',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // Exported while the app runs: it has no shutdown hook to flush on.
        OTEL_BSP_SCHEDULE_DELAY: '100',
      });
      try {
        const res = await fetch(`${url}/hello`, {
          headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        });
        expect(res.status).toBe(200);
        const metrics = await (
          await fetch(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text' } })
        ).text();
        expect(metrics).toContain(`trace_id="${traceId}"`);
        const span = await within(
          receiver.waitFor((s) => s.traceId === traceId && s.kind === 2),
          20_000,
          'the server span at the OTLP receiver',
        );
        expect(span).toMatchObject({
          name: 'GET /hello',
          parentSpanId: '00f067aa0ba902b7',
          service: 'user-app-registered',
          contentType: 'application/x-protobuf',
        });
        expect(span.attributes['http.route']).toBe('/hello');
      } finally {
        child.kill();
        await receiver.close();
      }
    },
    SLOW,
  );

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
