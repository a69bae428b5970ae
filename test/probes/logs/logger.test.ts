import { describe, expect, it } from 'vitest';
import { ownProbes } from '../helpers/probe-harness.js';

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
});
