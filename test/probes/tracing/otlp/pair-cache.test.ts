import { describe, expect, it } from 'vitest';
import { PairCache } from '../../../../probes/tracing/otlp/pair-cache.js';

describe('PairCache', () => {
  const setup = (max = 3) => {
    let encoded = 0;
    const cache = new PairCache<{ text: string }>((k, v) => {
      encoded++;
      return { text: `${k}=${String(v)}` };
    }, max);
    return { cache, encodings: () => encoded };
  };

  it('encodes a pair once and hands back the same encoding after', () => {
    const { cache, encodings } = setup();
    const first = cache.get('http.route', '/api/orders');
    expect(cache.get('http.route', '/api/orders')).toBe(first);
    expect(first.text).toBe('http.route=/api/orders');
    expect(cache.get('n', 1)).not.toBe(cache.get('n', '1')); // a value's type is part of the pair
    expect(encodings()).toBe(3);
  });

  it('never holds more than its bound: it starts over when full', () => {
    const { cache, encodings } = setup(3);
    for (let i = 0; i < 10; i++) cache.get('url.path', `/p/${i}`);
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.get('url.path', '/p/9').text).toBe('url.path=/p/9');
    expect(encodings()).toBe(10);
  });

  it('does not keep long strings or objects', () => {
    const { cache, encodings } = setup();
    const long = 'x'.repeat(5000);
    cache.get('db.query.text', long);
    cache.get('db.query.text', long);
    cache.get('list', ['a']);
    expect(cache.size).toBe(0);
    expect(encodings()).toBe(3);
  });
});
