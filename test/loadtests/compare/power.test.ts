import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectionRate, formatPowerTable, powerTable } from '../../../loadtests/compare/power.js';

describe('the power and false-positive simulation', () => {
  const rows = powerTable();

  it('keeps the false-positive rate on identical distributions at or under 5%', () => {
    for (const r of rows) expect(r.falsePositiveRate).toBeLessThanOrEqual(0.05);
  });

  it('detects smaller shifts with more runs, and none with 3 a side (p < 0.05 is out of reach)', () => {
    const [three, five, ten] = rows;
    expect(three?.shift80).toBeNull();
    expect(five?.shift80).toBeGreaterThan(ten?.shift80 ?? Infinity);
    expect(detectionRate(0.3, { runs: 10, noise: 0.05, trials: 500, seed: 1 })).toBeGreaterThan(0.99);
  });

  it('is the table docs/compare.md shows (regenerate it from formatPowerTable when this fails)', () => {
    expect(readFileSync('docs/compare.md', 'utf8')).toContain(formatPowerTable(rows));
  });
});
