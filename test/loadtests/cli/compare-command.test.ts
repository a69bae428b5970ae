import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../loadtests/cli/main.js';
import { writeResult } from '../../../loadtests/result/result-file.js';
import { runs, syntheticRun } from '../compare/synthetic.js';
import { captureIo } from '../helpers/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'perflab-compare-cli-'));
const at = (...p: string[]) => join(dir, ...p);

beforeAll(async () => {
  for (const [i, r] of runs(5, 51).entries()) await writeResult(r, at('before', `run-${i + 1}`));
  for (const [i, r] of runs(5, 52, { scale: 1.25 }).entries())
    await writeResult(r, at('after', `run-${i + 1}`));
  const other = { ...syntheticRun(53), scenario: { name: 'checkout', description: '' } };
  await writeResult(other, at('other'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('perflab compare', () => {
  it('exits 1 when the gate fails, and writes compare.json and the three reports', async () => {
    const io = captureIo();
    const code = await main(
      ['compare', at('before'), at('after'), '-o', at('out'), '--fail-on-regression', '10%'],
      io,
    );
    expect(code).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/gate: p95 regression over 10.0%: FAILED/);
    for (const f of ['compare.json', 'report.html', 'summary.md', 'junit.xml'])
      expect(existsSync(at('out', f))).toBe(true);
    const saved = JSON.parse(readFileSync(at('out', 'compare.json'), 'utf8')) as {
      before: { runs: number; sources: string[] };
    };
    expect(saved.before.runs).toBe(5);
    expect(saved.before.sources[0]).toBe(at('before', 'run-1', 'result.json'));
  }, 60_000);

  it('exits 0 under a looser gate or none, with --metric choosing the figure', async () => {
    expect(
      await main(
        [
          'compare',
          at('before'),
          at('after'),
          '-o',
          at('o2'),
          '--no-report',
          '--fail-on-regression',
          '50%',
          '--metric',
          'p99',
        ],
        captureIo(),
      ),
    ).toBe(0);
    expect(
      await main(['compare', at('after'), at('before'), '-o', at('o3'), '--no-report'], captureIo()),
    ).toBe(0);
    expect(existsSync(at('o3', 'report.html'))).toBe(false);
  }, 60_000);

  it('refuses different scenarios with exit 2 and a clear message', async () => {
    const io = captureIo();
    expect(
      await main(
        ['compare', at('before', 'run-1', 'result.json'), at('other', 'result.json'), '-o', at('o4')],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.join('\n')).toMatch(
      /different scenarios cannot be compared: fake vs checkout \[PERFLAB_E_COMPARE_MISMATCH\]/,
    );
  });

  it('rejects bad flags with exit 2', async () => {
    const io = captureIo();
    expect(await main(['compare', at('before'), at('after'), '--fail-on-regression', 'ten'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--fail-on-regression must be a percentage like 10%/);
    expect(
      await main(
        ['compare', at('before'), at('after'), '--fail-on-regression', '5%', '--metric', 'p42'],
        captureIo(),
      ),
    ).toBe(2);
    expect(await main(['compare', at('before')], captureIo())).toBe(2);
  });
});

describe('perflab report', () => {
  it('writes the three files for a run folder and for a compare.json', async () => {
    const io = captureIo();
    expect(await main(['report', at('before'), '-o', at('r1')], io)).toBe(0);
    expect(readFileSync(at('r1', 'summary.md'), 'utf8')).toMatch(/5 run\(s\)/);
    expect(await main(['report', at('out', 'compare.json'), '-o', at('r2')], captureIo())).toBe(0);
    expect(readFileSync(at('r2', 'summary.md'), 'utf8')).toMatch(/## perflab compare: fake/);
  }, 60_000);
});
