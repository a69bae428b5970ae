import { describe, expect, it } from 'vitest';
import { pollLine, pollLines, pollsAcross } from '../../../loadtests/format/poll-line.js';

describe('pollLine', () => {
  it('says the latency is the time to the condition and counts the requests behind the polls', () => {
    expect(pollLine('saga.settled', { requests: 5, polls: { attempts: 10, max: 2 } })).toBe(
      'saga.settled polls until its condition: latency is the time to it; 10 requests for 5 polls (2.0 per poll, at most 2)',
    );
  });

  it('says nothing for a step that does not poll, or whose polls were never recorded', () => {
    expect(pollLine('orders.create', { requests: 5 })).toBeUndefined();
    expect(pollLine('saga.settled', { requests: 0, polls: { attempts: 0, max: 0 } })).toBeUndefined();
    expect(pollLines({ a: { requests: 3 }, b: { requests: 0, polls: { attempts: 0, max: 0 } } })).toEqual([]);
  });

  it('gives one line per polling step, in the steps order', () => {
    const lines = pollLines({
      'b.poll': { requests: 2, polls: { attempts: 3, max: 2 } },
      plain: { requests: 9 },
      'a.poll': { requests: 4, polls: { attempts: 4, max: 1 } },
    });
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['b.poll', 'a.poll']);
  });
});

describe('pollsAcross', () => {
  it('adds polls and attempts over runs and keeps the largest max, as a merge would', () => {
    const across = pollsAcross([
      { endpoints: { s: { requests: 4, polls: { attempts: 10, max: 4 } }, plain: { requests: 7 } } },
      { endpoints: { s: { requests: 4, polls: { attempts: 6, max: 3 } }, plain: { requests: 7 } } },
    ]);
    expect(across).toEqual({ s: { requests: 8, polls: { attempts: 16, max: 4 } } });
    expect(pollLines(across)).toEqual([
      's polls until its condition: latency is the time to it; 16 requests for 8 polls (2.0 per poll, at most 4)',
    ]);
  });
});
