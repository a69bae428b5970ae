import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/** Random bytes fetched at once (one CSPRNG call costs microseconds)... */
const RANDOM_BYTES = 8192;
/** ...and hex-encoded 512 at a time into the string ids are cut from. */
const HEX_BYTES = 512;
const ZERO_SPAN_ID = '0'.repeat(16);
const ZERO_TRACE_ID = '0'.repeat(32);

/**
 * Random W3C trace and span ids cut from a string of random bytes
 * hex-encoded 512 at a time, instead of one Buffer write and hex encoding per
 * id (as OpenTelemetry's RandomIdGenerator does): a request's three spans need
 * four ids. The bytes come from the operating system's CSPRNG (8 KB per call)
 * rather than Math.random. The string stays small because an id is a slice of
 * it and keeps that 1 KB string alive as long as the id lives (in an
 * exemplar, say).
 */
export class PooledIdGenerator implements IdGenerator {
  private readonly random = Buffer.allocUnsafe(RANDOM_BYTES);
  private used = RANDOM_BYTES;
  private hex = '';
  private at = 0;

  generateTraceId(): string {
    const id = this.take(32);
    // An all-zero id is invalid; as in RandomIdGenerator, the last digit becomes 1.
    return id === ZERO_TRACE_ID ? `${id.slice(0, 31)}1` : id;
  }

  generateSpanId(): string {
    const id = this.take(16);
    return id === ZERO_SPAN_ID ? `${id.slice(0, 15)}1` : id;
  }

  private take(chars: number): string {
    if (this.at + chars > this.hex.length) {
      if (this.used === RANDOM_BYTES) {
        randomFillSync(this.random);
        this.used = 0;
      }
      this.hex = this.random.toString('hex', this.used, this.used + HEX_BYTES);
      this.used += HEX_BYTES;
      this.at = 0;
    }
    const id = this.hex.slice(this.at, this.at + chars);
    this.at += chars;
    return id;
  }
}
