import { request } from 'undici';
import { PerflabError } from '../../common/perflab-error.js';
import { E_SETUP_FAILED, E_TARGET_UNREACHABLE } from '../error-codes.js';
import type { HttpMethod, SetupContext } from '../types.js';
import { USER_AGENT, USER_AGENT_HEADER } from './user-agent.js';

const UA = { [USER_AGENT_HEADER]: USER_AGENT };

const PREFLIGHT_TIMEOUT_MS = 3000;

/** Any HTTP answer means reachable; only a transport failure stops the run, before any load. */
export async function preflight(target: string): Promise<void> {
  try {
    const res = await request(target + '/', {
      method: 'GET',
      headers: UA,
      headersTimeout: PREFLIGHT_TIMEOUT_MS,
      bodyTimeout: PREFLIGHT_TIMEOUT_MS,
    });
    await res.body.dump();
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    throw new PerflabError(
      E_TARGET_UNREACHABLE,
      `target ${target} is unreachable (${code}); no load was sent`,
      {
        cause: err,
      },
    );
  }
}

/** Reads the optional `GET /api/info` ({ version, flags }); absent or malformed is fine. */
export async function targetInfo(
  target: string,
): Promise<{ version?: string; flags?: Record<string, unknown> }> {
  try {
    const res = await request(target + '/api/info', { headers: UA, headersTimeout: PREFLIGHT_TIMEOUT_MS });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return {};
    }
    const info = (await res.body.json()) as { version?: unknown; flags?: unknown };
    return {
      ...(typeof info.version === 'string' ? { version: info.version } : {}),
      ...(info.flags && typeof info.flags === 'object'
        ? { flags: info.flags as Record<string, unknown> }
        : {}),
    };
  } catch {
    return {};
  }
}

export function setupContext(target: string): SetupContext {
  return {
    target,
    async request<T>(
      method: HttpMethod,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ): Promise<T> {
      const res = await request(target + path, {
        method,
        headers: {
          ...UA,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw new PerflabError(
          E_SETUP_FAILED,
          `setup: ${method} ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`,
        );
      }
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
