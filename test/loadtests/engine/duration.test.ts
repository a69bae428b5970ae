import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../loadtests/engine/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['250us', 0.25],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '30', 's', '-1s', '1d'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
