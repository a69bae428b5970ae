/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Round r runs the contenders rotated by r, so none always goes first
 * (first runs meet a cold server) and each is compared with neighbours
 * measured moments apart on this shared, noisy machine.
 */
export function alternation<T>(contenders: readonly T[], rounds: number): { round: number; contender: T }[] {
  const out: { round: number; contender: T }[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      out.push({ round: r, contender: contenders[(i + r) % contenders.length] as T });
    }
  }
  return out;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: string[][]): void {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(w[i] ?? 0) : c.padStart(w[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
