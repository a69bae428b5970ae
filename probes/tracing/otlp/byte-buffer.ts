/**
 * A growing off-heap byte buffer that serialized spans are appended to: UTF-8
 * text for OTLP/JSON, protobuf wire format for OTLP/protobuf.
 *
 * Why: a batch of serialized spans waiting for export is kept here rather
 * than as strings or one Buffer each. Strings would be copied by every
 * young-generation GC until the batch goes out; a Buffer per span costs an
 * allocation. Appending a freshly built span string with one native write
 * (which flattens it on the way) measured cheaper than writing JSON piece by
 * piece into the buffer; protobuf has no such string to build, so it is
 * written field by field.
 */
export class ByteBuffer {
  private buf: Buffer;
  private n = 0;

  constructor(initialBytes = 4096) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  get length(): number {
    return this.n;
  }

  /** The bytes appended so far (a view, valid until the next append). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.n);
  }

  /** Empties the buffer for reuse, keeping its memory. */
  reset(): void {
    this.n = 0;
  }

  /** Forgets everything after `length` bytes: undoes a half-written span. */
  truncate(length: number): void {
    if (length >= 0 && length < this.n) this.n = length;
  }

  /** A string as UTF-8, without a length prefix (OTLP/JSON text). */
  appendUtf8(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.ensure(s.length * 3);
    this.n += this.buf.write(s, this.n, 'utf8');
  }

  /** Bytes as they are (cached encodings). */
  raw(bytes: Uint8Array): void {
    const len = bytes.length;
    this.ensure(len);
    // A loop beats TypedArray#set's call overhead for the short pieces (cached attributes) most of these are.
    if (len <= 64) {
      const b = this.buf;
      let n = this.n;
      for (let i = 0; i < len; i++) b[n++] = bytes[i]!;
      this.n = n;
    } else {
      this.buf.set(bytes, this.n);
      this.n += len;
    }
  }

  /** bytes[from, to) as they are. */
  rawRange(bytes: Uint8Array, from: number, to: number): void {
    const len = to - from;
    this.ensure(len);
    // The whole array is the common case (a span's attributes all as last
    // written): no subarray view to allocate for it.
    this.buf.set(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to), this.n);
    this.n += len;
  }

  /** A copy of what was appended from `start` on. */
  copyFrom(start: number): Uint8Array {
    return new Uint8Array(this.buf.subarray(start, this.n));
  }

  /** One byte, e.g. a protobuf tag for a field number below 16. */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.n++] = b;
  }

  /**
   * A protobuf varint. Non-negative integers up to 2^64; a negative integer is
   * written as its 64-bit two's complement (10 bytes), as int64 fields are.
   */
  varint(value: number): void {
    this.ensure(10);
    const b = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      this.n = this.varint32At(this.n, value);
      return;
    }
    let u = BigInt.asUintN(64, BigInt(value));
    while (u > 0x7fn) {
      b[this.n++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    b[this.n++] = Number(u);
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.le32(value);
  }

  /** A fixed64 given as its low and high 32-bit halves. */
  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.le32(low);
    this.le32(high);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.n);
    this.n += 8;
  }

  /** Length-delimited bytes: a varint length, then the bytes. */
  bytesField(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** A length-delimited string as UTF-8. */
  string(s: string): void {
    const reserve = s.length < 128 ? 1 : 2;
    const at = this.startLength(reserve);
    this.appendUtf8(s);
    this.finishLength(at, reserve);
  }

  /**
   * Length-delimited bytes from a hex string (trace and span ids), read as
   * OpenTelemetry's hexToBinary reads valid ids.
   */
  hex(id: string): void {
    const len = id.length >>> 1;
    this.varint(len);
    this.ensure(len);
    const b = this.buf;
    let n = this.n;
    for (let i = 0; i < 2 * len; i += 2) b[n++] = hexByte(id, i);
    this.n = n;
  }

  /**
   * Reserves room for a length prefix (a guess of its varint size) before a
   * nested message; finishLength() writes it once the message is written.
   */
  startLength(reserve: number): number {
    this.ensure(reserve);
    const at = this.n;
    this.n += reserve;
    return at;
  }

  /** Writes the length of everything since startLength(), moving it if the guess was wrong. */
  finishLength(at: number, reserved: number): void {
    const start = at + reserved;
    const length = this.n - start;
    const size = varintSize(length);
    if (size !== reserved) {
      this.ensure(size - reserved);
      this.buf.copyWithin(at + size, start, this.n);
      this.n += size - reserved;
    }
    this.varint32At(at, length);
  }

  /** A varint below 2^32 at `at` (room checked by the caller); returns the position after it. */
  private varint32At(at: number, value: number): number {
    const b = this.buf;
    let v = value >>> 0;
    let i = at;
    while (v > 0x7f) {
      b[i++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[i++] = v;
    return i;
  }

  private le32(value: number): void {
    const b = this.buf;
    const n = this.n;
    b[n] = value;
    b[n + 1] = value >>> 8;
    b[n + 2] = value >>> 16;
    b[n + 3] = value >>> 24;
    this.n = n + 4;
  }

  private ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + extra));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
}

/** Bytes of a varint for a length (below 2^32). */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** The byte two hex digits at `i` stand for. */
export function hexByte(hex: string, i: number): number {
  return (HEX[hex.charCodeAt(i) & 0x7f]! << 4) | HEX[hex.charCodeAt(i + 1) & 0x7f]!;
}

/** Hex digit values by character code (0-9, a-f, A-F). */
const HEX = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;
