/**
 * A rough estimate of the entropy in a secret, in bits: its length times the
 * Shannon entropy of its own character frequencies. It cannot tell a random
 * string from a memorable one of the same spread, but it catches the cheap
 * failures a length check lets through ("aaaa...", "abababab...", a short
 * alphabet repeated). Written here because it is ten lines; dictionary-based
 * estimators (zxcvbn) are much larger and made for human passwords.
 */
export function secretBits(secret: string): number {
  const chars = [...secret];
  if (chars.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}
