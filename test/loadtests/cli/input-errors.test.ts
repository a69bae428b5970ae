import { describe, expect, it } from 'vitest';
import { main } from '../../../loadtests/cli/main.js';
import { run } from '../../../loadtests/run.js';
import { loadScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import { captureIo } from '../helpers/capture-io.js';

describe('input errors say what to type', () => {
  it.each([
    [
      ['run', 'http://127.0.0.1:9/x', '--rate', '-5'],
      '--rate must be positive, got "-5"; did you mean --rate 5?',
    ],
    [
      ['run', 'http://127.0.0.1:9/x', '-r', '-5'],
      '--rate must be positive, got "-5"; did you mean --rate 5?',
    ],
    [['run', 'http://127.0.0.1:9/x', '-c', '-3'], '--connections must be positive, got "-3"'],
    [
      ['run', 'http://127.0.0.1:9/x', '-t', '-q'],
      '--target needs a value, got "-q", which looks like another option',
    ],
    [['run', '127.0.0.1:3000/api/products'], 'did you mean http://127.0.0.1:3000/api/products?'],
    [['run', 'localhost:3000'], 'did you mean http://localhost:3000?'],
    [['run', 'smoke', '--target', 'localhost:3000'], 'did you mean http://localhost:3000?'],
    [['run', 'smoke', '-t', '127.0.0.1:3000'], 'did you mean http://127.0.0.1:3000?'],
    [['run', 'http://127.0.0.1:9/x', '--stages', '1s:10', '-d', '5s'], '--stages sets the length itself'],
  ])('%j exits 2: %s', async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(message);
  });

  it('a file name is not mistaken for a URL', async () => {
    await expect(loadScenario('missing-scenario.ts')).rejects.toThrow(
      /neither a file nor a bundled scenario \(/,
    );
    await expect(loadScenario('missing-scenario.ts')).rejects.not.toThrow(/did you mean/);
  });

  it('a threshold on a step the scenario lacks fails before any load (exit 2, PERFLAB_E_THRESHOLD_STEP)', async () => {
    const orders = await loadScenario('orders');
    // Port 9 (discard) is never reached: the check happens at construction.
    expect(() =>
      run({
        target: 'http://127.0.0.1:9',
        scenario: orders,
        model: { kind: 'closed', connections: 1 },
        durationMs: 1000,
        thresholds: ['orders.lst:p95<100ms'],
      }),
    ).toThrow(
      /threshold "orders.lst:p95<100ms" names step "orders.lst".*its steps: login, orders.list, users.me/,
    );
    const io = captureIo();
    expect(
      await main(['run', 'orders', '-t', 'http://127.0.0.1:9', '--threshold', 'orders.lst:p95<100ms'], io),
    ).toBe(2);
    expect(io.stderr.join('')).toContain('PERFLAB_E_THRESHOLD_STEP');
  });
});
