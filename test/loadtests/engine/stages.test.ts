import { describe, expect, it } from 'vitest';
import { parseStages } from '../../../loadtests/engine/stages.js';

describe('parseStages', () => {
  it('parses duration:rate pairs', () => {
    expect(parseStages('30s:100,1m:500, 500ms:0')).toEqual([
      { durationMs: 30_000, target: 100 },
      { durationMs: 60_000, target: 500 },
      { durationMs: 500, target: 0 },
    ]);
  });

  it.each(['30s', '30:100', '30s:-1', '30s:x', '0s:10', '30s:1:2'])('rejects %s naming the option', (bad) => {
    expect(() => parseStages(bad)).toThrow(/option "stages" must be/);
  });
});
