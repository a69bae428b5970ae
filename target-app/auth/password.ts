import { hash, verify } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1.
// Algorithm 2 is Argon2id; the package's enum is a const enum we cannot import under isolatedModules.
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Verifies a password; with no stored hash it still runs one verification
 * against a throwaway hash, so "no such user" and "wrong password" take the
 * same time and cannot be told apart.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('perflab-timing-equalizer');
  const ok = await verify(stored ?? (await dummy), password).catch(() => false);
  return stored !== undefined && ok;
}
