import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INIT_HELP, MERGE_HELP, RUN_HELP } from '../../../loadtests/cli/help.js';
import { EXIT_INTERNAL, main } from '../../../loadtests/cli/main.js';
import { BUNDLED_SCENARIOS, loadScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import { captureIo } from '../helpers/capture-io.js';

describe('perflab help, scenarios, init', () => {
  it.each([
    ['run', RUN_HELP],
    ['merge', MERGE_HELP],
    ['init', INIT_HELP],
  ])('perflab help %s prints that command help', async (command, help) => {
    const io = captureIo();
    expect(await main(['help', command], io)).toBe(0);
    expect(io.stdout.join('')).toBe(help);
  });

  it('perflab help <unknown> names the commands, exit 2', async () => {
    const io = captureIo();
    expect(await main(['help', 'rn'], io)).toBe(2);
    expect(io.stderr.join('')).toContain(
      'the commands are run, merge, compare, report, profile, init, scenarios',
    );
  });

  it('perflab scenarios lists every bundled scenario with its description', async () => {
    const io = captureIo();
    expect(await main(['scenarios'], io)).toBe(0);
    const text = io.stdout.join('');
    for (const name of Object.keys(BUNDLED_SCENARIOS)) {
      const s = await loadScenario(name);
      expect(text).toMatch(
        new RegExp(`^  ${name} +${s.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
    }
  });

  it('perflab init writes a valid starter scenario and refuses to overwrite a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perflab-init-'));
    const file = join(dir, 'mine.ts');
    const io = captureIo();
    expect(await main(['init', file], io)).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`npx perflab run ${file} --target`);
    // The starter imports 'perflab' (the installed package); point it at the sources to load it here.
    const local = join(dir, 'local.ts');
    const source = new URL('../../../loadtests/index.js', import.meta.url).pathname;
    writeFileSync(local, text.replace("from 'perflab'", `from '${source}'`));
    const s = await loadScenario(local);
    expect(s.flows[0]?.steps[0]?.name).toBe('health');
    expect(s.thresholds).toEqual(['p95<500ms', 'errors<1%']);

    const again = captureIo();
    expect(await main(['init', file], again)).toBe(2);
    expect(again.stderr.join('')).toContain('already exists; pass --force');
    expect(await main(['init', file, '--force'], captureIo())).toBe(0);
  });

  it('exits 3, not 1, on an internal error, with the stack trace', async () => {
    const io = captureIo();
    io.out = () => {
      throw new TypeError('boom');
    };
    expect(await main(['scenarios'], io)).toBe(EXIT_INTERNAL);
    expect(EXIT_INTERNAL).toBe(3);
    expect(io.stderr.join('')).toMatch(/unexpected error: TypeError: boom\n\s+at /);
  });
});

describe('exit codes of a segment', () => {
  it('a segment leaves thresholds to the merged result (its rps is a share), but still reports interruption', async () => {
    const { exitCodeFor } = await import('../../../loadtests/cli/run-command.js');
    const { fakeResult } = await import('../helpers/fake-result.js');
    const r = fakeResult({ api: [1, 2, 3] }, { thresholds: ['rps>100000'] });
    expect(exitCodeFor(r)).toBe(1);
    expect(exitCodeFor({ ...r, segment: { index: 1, count: 3 } })).toBe(0);
    expect(exitCodeFor({ ...r, segment: { index: 1, count: 3 }, status: 'interrupted' })).toBe(130);
  });
});
