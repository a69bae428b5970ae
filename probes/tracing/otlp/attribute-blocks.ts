import type { ByteBuffer } from './byte-buffer.js';
import { cacheable, type PairCache } from './pair-cache.js';

/**
 * The attribute fields last written for spans of one name (a route, a
 * statement), as one contiguous block with each attribute's end offset.
 * Spans of one name mostly repeat their attributes in the same order with the
 * same values, so a span's attributes become a few copies out of one block
 * (usually one) instead of a map lookup and a copy each: on a request that
 * runs in cold caches, which is how requests run inside a busy application,
 * the lookups' scattered memory reads cost far more than the copy.
 */
export class AttributeBlock {
  private keys: readonly string[] = [];
  private values: readonly unknown[] = [];
  private ends = new Int32Array(0);
  private bytes: Uint8Array = new Uint8Array(0);
  /** The span name as a length-delimited field's value, encoded once. */
  private name: Uint8Array | undefined;

  constructor(
    private readonly spanName: string,
    private readonly pairs: PairCache<Uint8Array>,
    private readonly tag: number,
  ) {}

  /** The span name as a string field (length and UTF-8), without encoding it again. */
  writeName(w: ByteBuffer): void {
    if (!this.name) {
      const at = w.length;
      w.string(this.spanName);
      this.name = w.copyFrom(at);
      return;
    }
    w.raw(this.name);
  }

  write(w: ByteBuffer, keys: readonly string[], values: readonly unknown[]): void {
    const start = w.length;
    const known = this.keys;
    let same = keys.length === known.length;
    let runFrom = -1; // where in this.bytes the run of matching attributes not yet copied starts
    for (let i = 0; i < keys.length; i++) {
      if (i < known.length && known[i] === keys[i] && this.values[i] === values[i]) {
        if (runFrom < 0) runFrom = i === 0 ? 0 : this.ends[i - 1]!;
        continue;
      }
      same = false;
      if (runFrom >= 0) {
        w.rawRange(this.bytes, runFrom, this.ends[i - 1]!);
        runFrom = -1;
      }
      w.byte(this.tag);
      w.raw(this.pairs.get(keys[i]!, values[i]));
    }
    if (runFrom >= 0) w.rawRange(this.bytes, runFrom, this.ends[keys.length - 1]!);
    if (!same) this.remember(w, start, keys, values);
  }

  private remember(w: ByteBuffer, start: number, keys: readonly string[], values: readonly unknown[]): void {
    // Only values the pair cache would keep: nothing unbounded is held here.
    for (const v of values) if (!cacheable(v)) return this.forget();
    const bytes = w.copyFrom(start);
    const ends = new Int32Array(keys.length);
    let at = 0;
    for (let i = 0; i < keys.length; i++) {
      at += 1; // the tag: one byte for the field numbers used here
      const len = varintAt(bytes, at);
      at += len.size + len.value;
      ends[i] = at;
    }
    this.keys = keys.slice();
    this.values = values.slice();
    this.ends = ends;
    this.bytes = bytes;
  }

  private forget(): void {
    this.keys = [];
    this.values = [];
  }
}

/** A varint below 2^32 at `at` and its size in bytes. */
function varintAt(bytes: Uint8Array, at: number): { value: number; size: number } {
  let value = 0;
  let shift = 0;
  let i = at;
  // Bounded by the array: a malformed encoding must not loop forever.
  while (i < bytes.length) {
    const b = bytes[i++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
  }
  return { value, size: i - at };
}

const MAX_NAMES = 1000;

/**
 * The AttributeBlock of each span name, for the protobuf writer: the name's
 * own encoding, and attributes
 * are written as `tag` (a one-byte field tag) and the pair's cached
 * KeyValue encoding. At most 1000 names are kept (names are route templates
 * and statement summaries); past that the blocks start over.
 */
export class AttributeBlocks {
  private readonly byName = new Map<string, AttributeBlock>();

  constructor(
    private readonly pairs: PairCache<Uint8Array>,
    private readonly tag: number,
  ) {}

  /** The block of spans of this name (the span's attributes, and the name itself). */
  forName(spanName: string): AttributeBlock {
    let block = this.byName.get(spanName);
    if (!block) {
      if (this.byName.size >= MAX_NAMES) this.byName.clear();
      this.byName.set(spanName, (block = new AttributeBlock(spanName, this.pairs, this.tag)));
    }
    return block;
  }
}
