import { describe, expect, it, vi } from 'vitest';
import { startMemoryMonitor } from '../../../probes/logs/memory-monitor.js';
import { createDiagnostics } from '../../../probes/diagnostics.js';
import { ownProbes } from '../helpers/probe-harness.js';

describe('memory monitor', () => {
  const setup = (threshold: number) => {
    const { p: probes, sink } = ownProbes('mem');
    const monitor = startMemoryMonitor(
      probes.logger,
      createDiagnostics(() => probes.logger),
      0,
      threshold,
    );
    return { sink, probes, monitor };
  };

  it('logs rss, heapUsed, heapTotal and external below the threshold', async () => {
    const { sink, probes, monitor } = setup(Number.MAX_SAFE_INTEGER);
    expect(monitor.sample()).toBe(false);
    await probes.shutdown();
    const [line] = sink.find('memory usage');
    expect(line).toMatchObject({ level: 'info' });
    const memory = line!.memory as Record<string, number>;
    for (const k of ['rss', 'heapUsed', 'heapTotal', 'external']) expect(memory[k]).toBeGreaterThan(0);
  });

  it('logs an error line past the heap threshold', async () => {
    const { sink, probes, monitor } = setup(1);
    expect(monitor.sample()).toBe(true);
    await probes.shutdown();
    expect(sink.find('heap usage above threshold')[0]).toMatchObject({
      level: 'error',
      heapThresholdBytes: 1,
    });
  });

  it('runs on an unref’d timer that shutdown stops', async () => {
    const setSpy = vi.spyOn(globalThis, 'setInterval');
    const clearSpy = vi.spyOn(globalThis, 'clearInterval');
    const { p } = ownProbes('mem2', { memoryIntervalMs: 3_600_000 });
    const call = setSpy.mock.calls.findIndex((c) => c[1] === 3_600_000);
    expect(call).toBeGreaterThanOrEqual(0);
    const timer = setSpy.mock.results[call]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await p.shutdown();
    await p.shutdown(); // idempotent
    expect(clearSpy).toHaveBeenCalledWith(timer);
    setSpy.mockRestore();
    clearSpy.mockRestore();
  });
});
