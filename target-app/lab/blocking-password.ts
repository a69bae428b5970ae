import { hashSync, verifySync } from '@node-rs/argon2';

// The same Argon2id parameters as auth/password.ts (the stored hash carries them for verification).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummy: string | undefined;

/**
 * blocking_hash: the same check as auth/password.ts's verifyPassword, run
 * synchronously on the event loop. Every other request waits for the whole
 * hash (tens of milliseconds of memory-hard work); the async variant runs it
 * on libuv's thread pool and the event loop stays free.
 */
export function verifyPasswordBlocking(stored: string | undefined, password: string): boolean {
  dummy ??= hashSync('perflab-timing-equalizer', OPTIONS);
  let ok = false;
  try {
    ok = verifySync(stored ?? dummy, password);
  } catch {
    ok = false;
  }
  return stored !== undefined && ok;
}
