import { describe, expect, it } from 'vitest';
import { MIN_LAG_SAMPLES, sendLagReasons } from '../../../loadtests/engine/send-lag.js';

describe('sendLagReasons', () => {
  it('does not judge a p99 from too few arrivals (it is their max)', () => {
    expect(sendLagReasons(40, MIN_LAG_SAMPLES - 1, 1, 5)).toEqual([]);
    expect(sendLagReasons(40, MIN_LAG_SAMPLES, 1, 5)).toHaveLength(1);
  });

  it('weighs the lag against the gap between arrivals', () => {
    // 20 flows/s: arrivals 50 ms apart; 6 ms late is still in order and near its slot.
    expect(sendLagReasons(6, 1000, 50, 5)).toEqual([]);
    expect(sendLagReasons(13, 1000, 50, 5)).toEqual([
      'send lag p99 13 ms exceeds 12.5 ms (a quarter of the 50.0 ms between arrivals) over 1000 arrivals',
    ]);
    // 1000 flows/s: 1 ms apart, so the configured 5 ms is the limit.
    expect(sendLagReasons(6, 1000, 1, 5)).toEqual(['send lag p99 6 ms exceeds 5 ms over 1000 arrivals']);
  });
});
