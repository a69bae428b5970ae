import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBuffer } from '../../../../probes/tracing/otlp/byte-buffer.js';

/** A reference varint, through BigInt: 64-bit two's complement for negatives. */
function varint(value: number): Buffer {
  let u = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (u > 0x7fn) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return Buffer.from(out);
}

describe('ByteBuffer', () => {
  it('holds exactly the UTF-8 of everything appended, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }), (list) => {
        const b = new ByteBuffer(1); // tiny, so appends also exercise growth
        list.forEach((s) => b.appendUtf8(s));
        const expected = Buffer.from(list.join(''), 'utf8');
        expect(b.length).toBe(expected.length);
        expect(b.bytes().equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes varints of every size, negative int64s as ten bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 300 }),
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.maxSafeInteger(),
          fc.integer({ min: -(2 ** 31), max: -1 }),
        ),
        (n) => {
          const b = new ByteBuffer(1);
          b.varint(n);
          expect(b.bytes()).toEqual(varint(n));
        },
      ),
      { numRuns: 500 },
    );
    const b = new ByteBuffer();
    b.varint(-1);
    expect(b.length).toBe(10);
  });

  it('writes length-prefixed strings whatever its guess of the length size', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 9000 }),
        fc.integer({ min: 1, max: 3 }),
        (s, guess) => {
          const bytes = Buffer.from(s, 'utf8');
          const b = new ByteBuffer(1);
          b.string(s);
          expect(b.bytes()).toEqual(Buffer.concat([varint(bytes.length), bytes]));
          // A nested message whose length prefix was reserved too small or too large.
          const n = new ByteBuffer(1);
          n.byte(0xaa);
          const at = n.startLength(guess);
          n.appendUtf8(s);
          n.finishLength(at, guess);
          n.byte(0xbb);
          expect(n.bytes()).toEqual(
            Buffer.concat([Buffer.from([0xaa]), varint(bytes.length), bytes, Buffer.from([0xbb])]),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes hex ids as bytes, fixed-width numbers little-endian, and truncates', () => {
    const b = new ByteBuffer(1);
    b.hex('0af7651916cd43dd8448eb211c80319c');
    b.fixed32(0x01020304);
    b.fixed64(0x05060708, 0x090a0b0c);
    b.double(1.5);
    const mark = b.length;
    b.raw(Uint8Array.from([1, 2, 3]));
    b.truncate(mark);
    const expected = Buffer.alloc(1 + 16 + 4 + 8 + 8);
    expected[0] = 16;
    Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').copy(expected, 1);
    expected.writeUInt32LE(0x01020304, 17);
    expected.writeUInt32LE(0x05060708, 21);
    expected.writeUInt32LE(0x090a0b0c, 25);
    expected.writeDoubleLE(1.5, 29);
    expect(b.bytes()).toEqual(expected);
  });
});
