/**
 * A growing off-heap byte buffer that strings are appended to as UTF-8.
 *
 * Why: a batch of serialized spans waiting for export is kept here rather
 * than as strings or one Buffer each. Strings would be copied by every
 * young-generation GC until the batch goes out; a Buffer per span costs an
 * allocation. Appending a freshly built span string with one native write
 * (which flattens it on the way) measured cheaper than writing JSON piece by
 * piece into the buffer.
 */
export class Utf8Buffer {
  private buf: Buffer;
  private n = 0;

  constructor(initialBytes = 4096) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  get length(): number {
    return this.n;
  }

  append(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const max = s.length * 3;
    if (this.n + max > this.buf.length) this.grow(max);
    this.n += this.buf.write(s, this.n, 'utf8');
  }

  /** The bytes appended so far (a view, valid until the next append). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.n);
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + extra));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
}
