import type { Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';

/** The one thing the limiter needs from a Redis client: send a raw command (ioredis `call`). */
export interface RedisCommander {
  call(command: string, ...args: string[]): Promise<unknown>;
}

type RedisReply = boolean | number | string | (boolean | number | string)[];

/** A rate-limit store whose counters live in Redis under `prefix`, shared by every app instance. */
export function redisStore(redis: RedisCommander, prefix: string): Store {
  return new RedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
}
