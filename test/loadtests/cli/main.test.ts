import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_HELP, MERGE_HELP, PROFILE_HELP, RUN_HELP } from '../../../loadtests/cli/help.js';
import { main } from '../../../loadtests/cli/main.js';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { captureIo } from '../helpers/capture-io.js';
import type { TestServer } from '../helpers/test-server.js';
import { startTestServer } from '../helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
const out = () => mkdtempSync(join(tmpdir(), 'perflab-cli-'));

describe('perflab CLI', () => {
  it('prints help with exit 0, and usage with exit 2 when no command is given', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('')).toBe(MAIN_HELP);
    expect(await main([], captureIo())).toBe(2);
    const runIo = captureIo();
    expect(await main(['run', '--help'], runIo)).toBe(0);
    expect(runIo.stdout.join('')).toBe(RUN_HELP);
  });

  it('documents every flag of every command in its help', async () => {
    const src = (f: string) => readFileSync(new URL(`../../../loadtests/cli/${f}`, import.meta.url), 'utf8');
    for (const [file, help] of [
      ['run-command.ts', RUN_HELP],
      ['merge-command.ts', MERGE_HELP],
      ['profile-command.ts', PROFILE_HELP],
    ] as const) {
      const block = /const OPTIONS = \{([\s\S]*?)\n\} as const/.exec(src(file))?.[1] ?? '';
      const flags = [...block.matchAll(/^\s+'?([\w-]+)'?: \{/gm)].map((m) => m[1] as string);
      expect(flags.length).toBeGreaterThan(2);
      for (const flag of flags) expect(help).toMatch(new RegExp(`--(no-)?${flag}\\b`));
    }
  });

  it.each([
    [['bogus'], 'unknown command "bogus"'],
    [['run'], 'exactly one scenario or URL'],
    [['run', 'smoke'], 'no target'],
    [['run', 'http://127.0.0.1:9/x', '--threshold', 'p95=3'], 'threshold "p95=3"'],
    [['run', 'http://127.0.0.1:9/x', '--duration', 'soon'], '--duration must be a duration'],
    [['run', 'http://127.0.0.1:9/x', '--rate', '0'], '--rate must be a positive number'],
    [['run', 'http://127.0.0.1:9/x', '--stages', '30s'], 'option "stages"'],
    [['run', 'http://127.0.0.1:9/x', '--frobnicate'], "Unknown option '--frobnicate'"],
    // .invalid never resolves: even if the guard broke, no load could leave this machine.
    [['run', 'http://perflab.invalid/x', '-d', '1s'], 'PERFLAB_E_REMOTE_TARGET'],
    [['run', 'smoke', '--target', 'http://perflab.invalid'], 'needs explicit consent'],
    [['merge'], 'needs result.json files'],
    [['merge', '/nonexistent/result.json'], '/nonexistent/result.json: cannot read'],
  ])('exits 2 for %j with a message naming the problem', async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(message);
  });

  it('exits 2 when the target is unreachable, before any load', async () => {
    const io = captureIo();
    expect(await main(['run', 'http://127.0.0.1:9/x', '-d', '1s'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unreachable.*PERFLAB_E_TARGET_UNREACHABLE/);
  });

  it('exits 0 when thresholds pass and 1 when one fails, printing the measured value', async () => {
    const dir = out();
    const ok = captureIo();
    const args = ['run', `${server.url}/fast`, '-r', '100', '-d', '500ms', '--no-scrape', '-o'];
    expect(await main([...args, dir, '--threshold', 'errors<1%'], ok)).toBe(0);
    expect(ok.stdout.join('')).toContain('pass  errors<1%  (measured 0)');
    const bad = captureIo();
    expect(await main([...args, out(), '--threshold', 'rps>100000'], bad)).toBe(1);
    expect(bad.stdout.join('')).toMatch(/FAIL {2}rps>100000 {2}\(measured \d+/);
    const result = parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
    expect(result.totals.requests).toBe(50);
    expect(ok.stderr).toContain(`result: ${join(dir, 'result.json')}`);
  });

  it('draws live progress in place on a TTY, then clears it', async () => {
    const io = captureIo({}, true);
    const args = ['run', `${server.url}/fast`, '-r', '50', '-d', '2500ms', '--no-scrape', '-o', out()];
    expect(await main(args, io)).toBe(0);
    const drawn = io.progressLines.filter((l) => l !== '');
    expect(drawn.length).toBeGreaterThanOrEqual(1);
    for (const line of drawn) {
      expect(line).toMatch(/^\[#*-*\] \d+s\/3s {2}\d+ req\/s {2}p99 [\d.]+ ms {2}errors 0 {2}in flight \d+$/);
    }
    expect(io.progressLines.at(-1)).toBe('');
  });

  it('runs the closed model with a request count and takes the target from PERFLAB_TARGET', async () => {
    const dir = out();
    const io = captureIo({ PERFLAB_TARGET: server.url });
    const scenarioFile = new URL('../helpers/fast-scenario.ts', import.meta.url).pathname;
    expect(
      await main(['run', scenarioFile, '-c', '2', '-n', '200', '--no-scrape', '--json', '-o', dir], io),
    ).toBe(0);
    const printed = parseResult(JSON.parse(io.stdout.join('')));
    expect(printed.totals.requests).toBe(200);
    expect(printed.config.model).toEqual({ kind: 'closed', connections: 2 });
  });

  it('merges result files', async () => {
    const [a, b] = [out(), out()];
    const args = ['run', `${server.url}/fast`, '-r', '50', '-d', '400ms', '--no-scrape', '-q', '-o'];
    expect(await main([...args, a], captureIo())).toBe(0);
    expect(await main([...args, b], captureIo())).toBe(0);
    const merged = out();
    // The two runs were one after the other: merge refuses that (exit 2) unless forced.
    const files = [join(a, 'result.json'), join(b, 'result.json')];
    expect(await main(['merge', ...files, '-o', merged], captureIo())).toBe(2);
    const io = captureIo();
    expect(await main(['merge', ...files, '--force', '-o', merged], io)).toBe(0);
    const result = parseResult(JSON.parse(readFileSync(join(merged, 'result.json'), 'utf8')));
    expect(result.mergedFrom).toBe(2);
    expect(result.totals.requests).toBe(40);
  });
});
