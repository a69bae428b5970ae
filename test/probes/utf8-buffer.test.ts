import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Buffer } from '../../probes/utf8-buffer.js';

describe('Utf8Buffer', () => {
  it('holds exactly the UTF-8 of everything appended, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }), (list) => {
        const b = new Utf8Buffer(1); // tiny, so appends also exercise growth
        list.forEach((s) => b.append(s));
        const expected = Buffer.from(list.join(''), 'utf8');
        expect(b.length).toBe(expected.length);
        expect(b.bytes().equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
