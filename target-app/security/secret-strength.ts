/**
 * A rough, deliberately cheap estimate of the entropy in a secret, in bits.
 * It catches what a length check lets through: one character repeated, a
 * short block repeated ("password" five times), and runs ("0123456789...").
 * It cannot spot a dictionary phrase, so it is a floor against accidents,
 * not a strength meter. Written here because it is a few lines; dictionary
 * estimators (zxcvbn) are much larger and made for human passwords.
 *
 * The secret is cut to its shortest repeating block; the estimate is that
 * block's length times the smaller of two Shannon entropies per character:
 * of the characters, and of the steps between consecutive code points
 * (a run has one step repeated).
 */
export function secretBits(secret: string): number {
  const chars = [...secret];
  const block = chars.slice(0, period(chars));
  if (block.length === 0) return 0;
  const codes = block.map((c) => c.codePointAt(0) as number);
  const steps = codes.slice(1).map((code, i) => code - (codes[i] as number));
  return block.length * Math.min(shannon(block), steps.length === 0 ? 0 : shannon(steps));
}

/** The length of the shortest prefix that, repeated, spells all of `chars`. */
function period(chars: readonly string[]): number {
  for (let p = 1; p < chars.length; p++) {
    if (chars.every((c, i) => c === chars[i % p])) return p;
  }
  return chars.length;
}

function shannon(items: readonly (string | number)[]): number {
  const counts = new Map<string | number, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / items.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
