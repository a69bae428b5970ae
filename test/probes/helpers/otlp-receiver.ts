import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequest } from './otlp-proto-decode.js';

/** One span as an OTLP/HTTP JSON export carries it, ids as lowercase hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number };
  service: string;
  /** The resource's attributes. */
  resource: Record<string, unknown>;
  /** The instrumentation scope that made the span. */
  scope: { name: string; version?: string };
  /** Attributes the span's limits dropped (0 when none). */
  droppedAttributesCount: number;
  events: ReceivedEvent[];
  droppedEventsCount: number;
  links: ReceivedLink[];
  droppedLinksCount: number;
  /** The export request's content type: which OTLP encoding carried the span. */
  contentType: string;
}

export interface ReceivedEvent {
  name: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
}

export interface ReceivedLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
}

/**
 * A tiny OTLP/HTTP receiver on 127.0.0.1: accepts POST /v1/traces in either
 * encoding (protobuf, the probes' default, or JSON) and collects the spans,
 * and the content types it was sent.
 */
export async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = Buffer.concat(chunks);
        const type = req.headers['content-type'] ?? '';
        const doc = (
          type === 'application/x-protobuf' ? decodeTraceRequest(body) : JSON.parse(body.toString('utf8'))
        ) as Export;
        spans.push(...decode(doc).map((s) => ({ ...s, contentType: type })));
        for (const w of waiters.splice(0)) {
          if (w.test()) w.resolve();
          else waiters.push(w);
        }
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    /** Resolves once a span matching `test` has arrived. */
    waitFor(test: (s: ReceivedSpan) => boolean): Promise<ReceivedSpan> {
      const found = () => spans.find(test);
      return new Promise((resolve) => {
        const check = () => Boolean(found());
        if (check()) resolve(found()!);
        else waiters.push({ test: check, resolve: () => resolve(found()!) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface Export {
  resourceSpans: Array<{
    resource: { attributes: KeyValue[] };
    scopeSpans: Array<{
      scope?: { name?: string; version?: string };
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: KeyValue[];
        droppedAttributesCount?: number;
        events?: Array<{ name: string; attributes?: KeyValue[]; droppedAttributesCount?: number }>;
        droppedEventsCount?: number;
        links?: Array<{
          traceId: string;
          spanId: string;
          attributes?: KeyValue[];
          droppedAttributesCount?: number;
        }>;
        droppedLinksCount?: number;
        status?: { code?: number };
      }>;
    }>;
  }>;
}

function hex(id: string | undefined): string {
  if (!id) return '';
  if (/^[0-9a-f]+$/.test(id) && (id.length === 32 || id.length === 16)) return id;
  return Buffer.from(id, 'base64').toString('hex');
}

function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    out[key] = typeof v === 'string' && 'intValue' in value ? Number(v) : v;
  }
  return out;
}

function decode(body: Export): Omit<ReceivedSpan, 'contentType'>[] {
  const out: Omit<ReceivedSpan, 'contentType'>[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = attrs(rs.resource.attributes);
    const service = String(resource['service.name']);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = {
        name: ss.scope?.name ?? '',
        ...(ss.scope?.version ? { version: ss.scope.version } : {}),
      };
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: s.kind,
          attributes: attrs(s.attributes),
          droppedAttributesCount: s.droppedAttributesCount ?? 0,
          events: (s.events ?? []).map((e) => ({
            name: e.name,
            attributes: attrs(e.attributes),
            droppedAttributesCount: e.droppedAttributesCount ?? 0,
          })),
          droppedEventsCount: s.droppedEventsCount ?? 0,
          links: (s.links ?? []).map((l) => ({
            traceId: hex(l.traceId),
            spanId: hex(l.spanId),
            attributes: attrs(l.attributes),
            droppedAttributesCount: l.droppedAttributesCount ?? 0,
          })),
          droppedLinksCount: s.droppedLinksCount ?? 0,
          status: s.status ?? {},
          service,
          resource,
          scope,
        });
      }
    }
  }
  return out;
}
