import express from 'express';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../target-app/config.js';

// Issue 29, item 6: TRUST_PROXY=0.0.0.0/1,128.0.0.0/1 passed and trusted
// every client (like the refused `true`: any client picks its own
// rate-limit key), and 0.0.0.0/0 passed the check, then crashed the start
// with a raw error instead of PERFLAB_E_CONFIG.
const configError = expect.objectContaining({
  code: 'PERFLAB_E_CONFIG',
  message: expect.stringContaining('TRUST_PROXY'),
});

describe('TRUST_PROXY lists that trust everyone', () => {
  it.each([
    '0.0.0.0/0',
    '::/0',
    '0.0.0.0/1,128.0.0.0/1',
    '0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/1',
    '::/1,8000::/1',
    '::ffff:0:0/96',
    '10.0.0.1,0.0.0.0/1,128.0.0.0/1',
  ])('refuses %j with PERFLAB_E_CONFIG', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(configError);
  });

  it.each(['loopback', '10.0.0.0/8', '10.0.0.1, 192.168.0.0/16', 'fd00::/8', '0.0.0.0/1', '2'])(
    'still accepts the proxies-only %j',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).not.toThrow();
    },
  );
});

describe('every TRUST_PROXY value, generated freely', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
  const v6 = fc
    .array(
      fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
      { minLength: 8, maxLength: 8 },
    )
    .map((g) => g.join(':'));
  const entry = fc.oneof(
    fc.tuple(v4, fc.integer({ min: -1, max: 40 })).map(([a, p]) => `${a}/${p}`),
    fc.tuple(v6, fc.integer({ min: -1, max: 140 })).map(([a, p]) => `${a}/${p}`),
    v4,
    v6,
    fc.constantFrom(
      'loopback',
      'linklocal',
      'uniquelocal',
      '::',
      '::1',
      '1::2::3',
      '256.0.0.1',
      'true',
      '',
      '/8',
    ),
    fc.string({ maxLength: 12 }),
  );

  // createApp hands the parsed value to Express (`trust proxy`), which is where 0.0.0.0/0 used to crash.
  it('is either a PERFLAB_E_CONFIG or a list Express accepts', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 4 }), (entries) => {
        const value = entries.join(',');
        let trust: unknown;
        try {
          trust = loadConfig({ TRUST_PROXY: value }).trustProxy;
        } catch (err) {
          expect(err).toMatchObject({ code: 'PERFLAB_E_CONFIG' });
          return;
        }
        expect(() => express().set('trust proxy', trust)).not.toThrow();
      }),
      { numRuns: 300, seed: 29 },
    );
  });
});
