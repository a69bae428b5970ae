import { serviceCustomerEmail } from '../../../../target-app/services/seed-services.js';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface GatewayClient {
  request(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<JsonResponse>;
  /** Logs in seeded customer n and returns the bearer token. */
  login(n: number): Promise<string>;
}

/** fetch() against a gateway, JSON in and out. */
export function gatewayClient(baseUrl: () => string, seedPassword: string): GatewayClient {
  const request: GatewayClient['request'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the text
    }
    return { status: res.status, headers: res.headers, body };
  };
  return {
    request,
    async login(n) {
      const res = await request('/api/auth/login', {
        method: 'POST',
        body: { email: serviceCustomerEmail(n), password: seedPassword },
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
  };
}
