import { describe, expect, it } from 'vitest';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { FORMAT_VERSION, runResultSchema } from '../../../loadtests/result/schema.js';
import { fakeResult, latencies } from '../helpers/fake-result.js';

describe('result schema', () => {
  it('round-trips a result through JSON unchanged', () => {
    const result = fakeResult({ a: latencies(500, 1), b: latencies(200, 2) }, { thresholds: ['p95<20ms'] });
    const back = parseResult(JSON.parse(JSON.stringify(result)));
    expect(back).toEqual(result);
    expect(back.formatVersion).toBe(FORMAT_VERSION);
  });

  it('rejects a result of another format version, naming the field', () => {
    const result = { ...fakeResult({ a: [1] }), formatVersion: 2 };
    expect(() => parseResult(result, 'old.json')).toThrow('old.json: invalid result field "formatVersion"');
  });

  it('rejects missing fields with a coded error', () => {
    const { totals: _totals, ...rest } = fakeResult({ a: [1] });
    expect(() => parseResult(rest)).toThrow(expect.objectContaining({ code: 'PERFLAB_E_RESULT_INVALID' }));
    expect(runResultSchema.safeParse(rest).success).toBe(false);
  });
});
