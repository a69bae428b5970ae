import { describe, expect, it } from 'vitest';
import { defineScenario, validateScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';

const valid = {
  name: 'ok',
  description: 'valid',
  flows: [{ name: 'f', steps: [{ name: 's', path: '/x' }] }],
};

describe('defineScenario', () => {
  it('returns a marked scenario for a valid definition', () => {
    const s = defineScenario(valid);
    expect(s.kind).toBe('perflab-scenario');
    expect(s.flows[0]?.steps[0]?.name).toBe('s');
  });

  it('accepts function templates and flows the setup type into them', () => {
    const s = defineScenario({
      name: 'typed',
      description: '',
      setup: () => ({ ids: [1, 2] }),
      flows: [{ name: 'f', steps: [{ name: 'get', path: ({ data }) => `/items/${data.ids[0] ?? 0}` }] }],
    });
    expect(typeof s.flows[0]?.steps[0]?.path).toBe('function');
  });

  it.each([
    [{ ...valid, name: '' }, 'name'],
    [{ ...valid, flows: [] }, 'flows'],
    [{ ...valid, flows: [{ name: 'f', steps: [] }] }, 'flows[0].steps'],
    [
      { ...valid, flows: [{ name: 'f', steps: [{ name: 's', path: 'no-slash' }] }] },
      'flows[0].steps[0].path',
    ],
    [
      { ...valid, flows: [{ name: 'f', steps: [{ name: 's', path: '/x', method: 'FETCH' }] }] },
      'flows[0].steps[0].method',
    ],
    [
      { ...valid, flows: [{ name: 'f', steps: [{ name: 's', path: '/x', check: { status: 'ok' } }] }] },
      'flows[0].steps[0].check.status',
    ],
    [{ ...valid, thinkTime: { min: 5, max: 1 } }, 'thinkTime'],
  ])('names the bad field (%#: %s)', (def, field) => {
    expect(() => validateScenario(def, 'my.ts')).toThrow(`my.ts: invalid scenario field "${field}"`);
  });

  it('rejects duplicate flow names and unknown keys with a coded error', () => {
    const dup = { ...valid, flows: [valid.flows[0], valid.flows[0]] };
    expect(() => validateScenario(dup)).toThrow(
      expect.objectContaining({ code: 'PERFLAB_E_SCENARIO_INVALID' }),
    );
    expect(() => validateScenario({ ...valid, extra: 1 })).toThrow(/Unrecognized key/);
  });

  describe('poll', () => {
    const until = () => true;
    const withPoll = (poll: unknown) => ({
      ...valid,
      flows: [{ name: 'f', steps: [{ name: 's', path: '/x', poll }] }],
    });

    it('accepts a bounded poll', () => {
      const poll = { until, intervalMs: 50, maxAttempts: 200 };
      const s = defineScenario({
        ...valid,
        flows: [{ name: 'f', steps: [{ name: 's', path: '/x', poll }] }],
      });
      expect(s.flows[0]?.steps[0]?.poll?.maxAttempts).toBe(200);
      expect(() =>
        validateScenario(withPoll({ until, intervalMs: 60_000, maxAttempts: 1000 })),
      ).not.toThrow();
    });

    it.each([
      [{ until, intervalMs: 0, maxAttempts: 3 }, 'intervalMs', 'at most 60000'],
      [{ until, intervalMs: 2.5, maxAttempts: 3 }, 'intervalMs', 'at most 60000'],
      [{ until, intervalMs: 60_001, maxAttempts: 3 }, 'intervalMs', 'at most 60000'],
      [{ until, intervalMs: 50, maxAttempts: 0 }, 'maxAttempts', 'at most 1000'],
      [{ until, intervalMs: 50, maxAttempts: 1001 }, 'maxAttempts', 'at most 1000'],
      [{ until, intervalMs: 50 }, 'maxAttempts', ''],
      [{ until, maxAttempts: 3 }, 'intervalMs', ''],
    ])('rejects an unbounded or fractional poll, naming the field (%#)', (poll, field, bound) => {
      const check = () => validateScenario(withPoll(poll), 'saga.ts');
      expect(check).toThrow(expect.objectContaining({ code: 'PERFLAB_E_SCENARIO_INVALID' }));
      expect(check).toThrow(`saga.ts: invalid scenario field "flows[0].steps[0].poll.${field}"`);
      if (bound) expect(check).toThrow(`expected a positive integer, ${bound}`);
    });

    it('wants until to be a function and knows no other keys', () => {
      expect(() => validateScenario(withPoll({ until: true, intervalMs: 5, maxAttempts: 3 }))).toThrow(
        'invalid scenario field "flows[0].steps[0].poll.until": expected a function',
      );
      expect(() =>
        validateScenario(withPoll({ until, intervalMs: 5, maxAttempts: 3, timeoutMs: 100 })),
      ).toThrow(/poll.*Unrecognized key/);
    });
  });

  it('re-validates its own output', () => {
    expect(validateScenario(defineScenario(valid), 'file.ts').source).toBe('file.ts');
  });
});
