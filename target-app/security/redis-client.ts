import { Redis } from 'ioredis';
import { PerflabError } from '../../common/perflab-error.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Connects to Redis for the shared rate-limit counters and fails fast: an
 * app that was told to share its limits must not start with private ones.
 */
export async function connectRedis(url: string, onError: (err: Error) => void = () => {}): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Queue commands while reconnecting, but give up on one after a few tries
    // so a request fails (500) instead of hanging.
    maxRetriesPerRequest: 2,
  });
  // Without a listener a lost connection would be an unhandled 'error' event;
  // ioredis reconnects by itself, so it is reported, not fatal.
  client.on('error', onError);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new PerflabError(
      'PERFLAB_E_REDIS_UNAVAILABLE',
      `REDIS_URL is set but Redis does not answer: ${(err as Error).message}`,
    );
  }
  return client;
}
