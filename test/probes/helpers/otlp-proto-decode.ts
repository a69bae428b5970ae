/**
 * A test-only reader of OTLP/protobuf trace exports, independent of the
 * probes' writer: it turns an ExportTraceServiceRequest into the shape of the
 * same request in OTLP/JSON (ids as hex, times as decimal strings, 64-bit
 * integers as strings), so receivers and assertions handle both encodings.
 * Field numbers are from opentelemetry/proto (trace/v1, common/v1).
 */
type Fields = Map<number, Array<number | bigint | Uint8Array>>;

function fields(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error('truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    let value: number | bigint | Uint8Array;
    switch (tag & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = Buffer.from(buf.subarray(i, i + 8)).readBigUInt64LE();
        i += 8;
        break;
      case 2: {
        const len = Number(varint());
        value = buf.subarray(i, i + len);
        if (i + len > buf.length) throw new Error('truncated field');
        i += len;
        break;
      }
      case 5:
        value = Buffer.from(buf.subarray(i, i + 4)).readUInt32LE();
        i += 4;
        break;
      default:
        throw new Error(`wire type ${tag & 7}`);
    }
    const list = out.get(field);
    if (list) list.push(value);
    else out.set(field, [value]);
  }
  return out;
}

const all = (f: Fields, n: number) => f.get(n) ?? [];
const one = (f: Fields, n: number) => f.get(n)?.at(-1);
const bytesOf = (v: unknown) => v as Uint8Array;
const text = (v: unknown) => Buffer.from(bytesOf(v)).toString('utf8');
const hex = (v: unknown) => (v === undefined ? undefined : Buffer.from(bytesOf(v)).toString('hex'));
const int64 = (v: unknown) => BigInt.asIntN(64, v as bigint).toString();

function anyValue(buf: Uint8Array): Record<string, unknown> {
  const f = fields(buf);
  if (f.has(1)) return { stringValue: text(one(f, 1)) };
  if (f.has(2)) return { boolValue: one(f, 2) === 1n };
  if (f.has(3)) return { intValue: int64(one(f, 3)) };
  if (f.has(4))
    return { doubleValue: Buffer.from(new BigUint64Array([one(f, 4) as bigint]).buffer).readDoubleLE() };
  if (f.has(5))
    return { arrayValue: { values: all(fields(bytesOf(one(f, 5))), 1).map((v) => anyValue(bytesOf(v))) } };
  if (f.has(6))
    return { kvlistValue: { values: all(fields(bytesOf(one(f, 6))), 1).map((v) => keyValue(bytesOf(v))) } };
  if (f.has(7)) return { bytesValue: Buffer.from(bytesOf(one(f, 7))).toString('base64') };
  return {};
}

function keyValue(buf: Uint8Array): { key: string; value: Record<string, unknown> } {
  const f = fields(buf);
  return { key: text(one(f, 1)), value: f.has(2) ? anyValue(bytesOf(one(f, 2))) : {} };
}

const attributes = (f: Fields, n: number) => all(f, n).map((v) => keyValue(bytesOf(v)));

function span(buf: Uint8Array): Record<string, unknown> {
  const f = fields(buf);
  const status = fields(bytesOf(one(f, 15) ?? new Uint8Array()));
  return {
    traceId: hex(one(f, 1)),
    spanId: hex(one(f, 2)),
    ...(f.has(3) ? { traceState: text(one(f, 3)) } : {}),
    ...(f.has(4) ? { parentSpanId: hex(one(f, 4)) } : {}),
    name: text(one(f, 5) ?? new Uint8Array()),
    kind: Number(one(f, 6) ?? 0n),
    startTimeUnixNano: String(one(f, 7) ?? 0n),
    endTimeUnixNano: String(one(f, 8) ?? 0n),
    attributes: attributes(f, 9),
    droppedAttributesCount: Number(one(f, 10) ?? 0n),
    events: all(f, 11).map((v) => {
      const e = fields(bytesOf(v));
      return {
        timeUnixNano: String(one(e, 1) ?? 0n),
        name: text(one(e, 2) ?? new Uint8Array()),
        attributes: attributes(e, 3),
        droppedAttributesCount: Number(one(e, 4) ?? 0n),
      };
    }),
    droppedEventsCount: Number(one(f, 12) ?? 0n),
    links: all(f, 13).map((v) => {
      const l = fields(bytesOf(v));
      return {
        traceId: hex(one(l, 1)),
        spanId: hex(one(l, 2)),
        ...(l.has(3) ? { traceState: text(one(l, 3)) } : {}),
        attributes: attributes(l, 4),
        droppedAttributesCount: Number(one(l, 5) ?? 0n),
        flags: one(l, 6),
      };
    }),
    droppedLinksCount: Number(one(f, 14) ?? 0n),
    status: {
      ...(status.has(2) ? { message: text(one(status, 2)) } : {}),
      code: Number(one(status, 3) ?? 0n),
    },
    flags: one(f, 16),
  };
}

/** An OTLP/protobuf ExportTraceServiceRequest as the equivalent OTLP/JSON object. */
export function decodeTraceRequest(body: Uint8Array): { resourceSpans: Array<Record<string, unknown>> } {
  return {
    resourceSpans: all(fields(body), 1).map((rsBytes) => {
      const rs = fields(bytesOf(rsBytes));
      const resource = fields(bytesOf(one(rs, 1) ?? new Uint8Array()));
      return {
        resource: {
          attributes: attributes(resource, 1),
          droppedAttributesCount: Number(one(resource, 2) ?? 0n),
        },
        scopeSpans: all(rs, 2).map((ssBytes) => {
          const ss = fields(bytesOf(ssBytes));
          const scope = fields(bytesOf(one(ss, 1) ?? new Uint8Array()));
          return {
            scope: {
              name: text(one(scope, 1) ?? new Uint8Array()),
              ...(scope.has(2) ? { version: text(one(scope, 2)) } : {}),
            },
            spans: all(ss, 2).map((s) => span(bytesOf(s))),
            ...(ss.has(3) ? { schemaUrl: text(one(ss, 3)) } : {}),
          };
        }),
        ...(rs.has(3) ? { schemaUrl: text(one(rs, 3)) } : {}),
      };
    }),
  };
}
