import protobuf from 'protobufjs/light.js';
import snappy from 'snappyjs';

/** One series of a remote-write request: its labels (with `__name__`) and one sample. */
export interface Series {
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
}

// Prometheus' remote-write 1.0 messages (prompb/types.proto, remote.proto),
// only the fields perflab sends: a generator writes samples, never metadata
// or exemplars. protobufjs encodes them; reflection from this JSON needs no
// code generation step.
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');

/** The remote-write 1.0 request body: a protobuf WriteRequest, snappy block-compressed. */
export function encodeWriteRequest(series: readonly Series[]): Uint8Array {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      // The specification wants labels sorted by name (`__name__` sorts first).
      labels: Object.keys(s.labels)
        .sort()
        .map((name) => ({ name, value: s.labels[name] })),
      samples: [{ value: s.value, timestamp: s.timestampMs }],
    })),
  });
  return snappy.compress(WriteRequest.encode(message).finish());
}

/** Headers the remote-write 1.0 specification requires on every push. */
export const WRITE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};
