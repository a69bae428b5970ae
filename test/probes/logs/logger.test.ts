import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { traceLogFields } from '../../../probes/logs/logger.js';
import { ownProbes } from '../helpers/probe-harness.js';

/** A synchronous context manager: enough for the logger's mixin, which reads the active span as a line is written. */
function stackContextManager(): ContextManager {
  let active: Context = ROOT_CONTEXT;
  const manager: ContextManager = {
    active: () => active,
    with(ctx, fn, thisArg, ...args) {
      const previous = active;
      active = ctx;
      try {
        return fn.call(thisArg, ...args);
      } finally {
        active = previous;
      }
    },
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

describe('logger', () => {
  it('redacts authorization, cookie, password and token at any practical depth', async () => {
    const { p: probes, sink } = ownProbes('log-test', { redact: ['apiKey', 'card.number'] });
    const input = {
      password: 'p0',
      token: 't0',
      apiKey: 'k0',
      card: { number: '4111', brand: 'visa' },
      req: { headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'set-cookie': ['x'], host: 'h' } },
      user: {
        name: 'ann',
        password: 'p1',
        session: { token: 't1', deeper: { cookie: 'c2', more: { passwordHash: 'h3' } } },
      },
      list: [{ refreshToken: 'r4' }, 'plain'],
    };
    probes.logger.info(input, 'hello');
    await probes.shutdown();
    expect(input.password).toBe('p0'); // the caller's object is not mutated
    expect(input.user.session.token).toBe('t1');
    const [line] = sink.lines;
    const text = JSON.stringify(line);
    expect(line).toMatchObject({
      card: { number: '[redacted]', brand: 'visa' },
      list: [{ refreshToken: '[redacted]' }, 'plain'],
    });
    for (const secret of [
      'p0',
      't0',
      'k0',
      '4111',
      'Bearer abc',
      'sid=1',
      '"x"',
      'p1',
      't1',
      'c2',
      'h3',
      'r4',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      level: 'info',
      service: 'log-test',
      msg: 'hello',
      req: { headers: { Authorization: '[redacted]', host: 'h' } },
      user: { name: 'ann', password: '[redacted]' },
    });
  });

  it('writes to a file path and flushes it on shutdown', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'probes-log-')), 'app.log');
    const { p: probes } = ownProbes('file', { logDestination: file });
    probes.logger.warn({ token: 'abc' }, 'to a file');
    await probes.shutdown();
    const line = JSON.parse(readFileSync(file, 'utf8').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'to a file', token: '[redacted]', level: 'warn' });
  });

  it('stamps trace_flags 01 for a sampled span whatever other flag bits are set, 00 otherwise', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    // 0x02 is W3C's random-trace-id bit: set beside sampled it must not hide it.
    const flags = [0x03, 0x01, 0x02, 0x00, 0x81];
    context.setGlobalContextManager(stackContextManager());
    try {
      const { p: probes, sink } = ownProbes('flags-test');
      for (const traceFlags of flags) {
        const ctx = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId, spanId, traceFlags }));
        context.with(ctx, () => probes.logger.info({ traceFlags }, 'flagged'));
      }
      await probes.shutdown();
      expect(sink.find('flagged').map((l) => [l.traceFlags, l.trace_flags, l.trace_id])).toEqual([
        [0x03, '01', traceId],
        [0x01, '01', traceId],
        [0x02, '00', traceId],
        [0x00, '00', traceId],
        [0x81, '01', traceId],
      ]);
    } finally {
      context.disable();
    }
    // forRequest(req).logger binds the same fields.
    expect(traceLogFields({ traceId, spanId, traceFlags: 0x03 })).toEqual({
      trace_id: traceId,
      span_id: spanId,
      trace_flags: '01',
    });
  });
});
