import { Agent, request } from 'undici';

/** A remote answer other than 2xx; `status` lets a breaker tell 404 from "down". */
export class UpstreamError extends Error {
  constructor(
    readonly upstream: string,
    readonly status: number,
  ) {
    super(`${upstream} answered ${status}`);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamClient {
  getJson<T>(path: string, headers?: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

/**
 * JSON GETs to one upstream service over a keep-alive undici agent, with the
 * timeouts bounded by the caller's breaker. Trace headers passed in make the
 * probes record a client span, child of the incoming request's.
 */
export function upstreamClient(name: string, baseUrl: () => string, timeoutMs: number): UpstreamClient {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: timeoutMs } });
  return {
    async getJson<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
      const res = await request(baseUrl() + path, {
        dispatcher: agent,
        headers: { accept: 'application/json', ...headers },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump();
        throw new UpstreamError(name, res.statusCode);
      }
      return (await res.body.json()) as T;
    },
    close: () => agent.close(),
  };
}
