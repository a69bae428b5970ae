import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttributeBlocks } from '../../../../probes/tracing/otlp/attribute-blocks.js';
import { ByteBuffer } from '../../../../probes/tracing/otlp/byte-buffer.js';
import { PairCache } from '../../../../probes/tracing/otlp/pair-cache.js';

// A stand-in pair encoding with a length prefix, as the protobuf writer's
// KeyValue messages have: AttributeBlocks must find each attribute's end by it.
const pairs = new PairCache<Uint8Array>((key, value) => {
  const body = Buffer.from(`${key}=${JSON.stringify(value)}`);
  const w = new ByteBuffer(16);
  w.bytesField(body);
  return Uint8Array.from(w.bytes());
});
const TAG = 0x4a;

function naive(keys: string[], values: unknown[]): string {
  const w = new ByteBuffer(16);
  keys.forEach((k, i) => {
    w.byte(TAG);
    w.raw(pairs.get(k, values[i]));
  });
  return w.bytes().toString('hex');
}

describe('AttributeBlocks', () => {
  it('writes what writing each pair would, whatever spans of a name did before', () => {
    const value = fc.oneof(
      fc.constantFrom('a', 'b', 'x'.repeat(200), 'y'.repeat(3000)),
      fc.integer({ min: 0, max: 2 }),
    );
    const span = fc.tuple(
      fc.constantFrom('GET /a', 'GET /b'),
      fc.uniqueArray(fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5'), { maxLength: 5 }),
      fc.array(value, { minLength: 5, maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(span, { maxLength: 20 }), (spans) => {
        const blocks = new AttributeBlocks(pairs, TAG);
        for (const [name, keys, all] of spans) {
          const values = all.slice(0, keys.length);
          const w = new ByteBuffer(16);
          w.byte(0xff); // the block is written after other fields, not at offset 0
          blocks.forName(name).write(w, keys, values);
          expect(w.bytes().subarray(1).toString('hex')).toBe(naive(keys, values));
        }
      }),
      { numRuns: 400 },
    );
  });
});
