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

  it('re-validates its own output', () => {
    expect(validateScenario(defineScenario(valid), 'file.ts').source).toBe('file.ts');
  });
});
