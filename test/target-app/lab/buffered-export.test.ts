import { connect } from 'node:net';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXPORT_BATCH, EXPORT_HEADER } from '../../../target-app/store/order-export.js';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

// The two export sizes: the larger is four times the smaller, so memory that
// follows the row count shows it plainly.
const SMALL = 20_000;
const LARGE = 80_000;
// The stalled-reader export: about 14 MB of CSV, well past what the two
// sockets' kernel buffers hold on loopback (up to about 4 MB here).
const HUGE = 200_000;
const MB = 2 ** 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let app: LabApp;

/** Adds `n` orders, spread over the seeded customers, straight into the database. */
async function addOrders(n: number): Promise<void> {
  await app.db.query(
    `INSERT INTO orders (user_id, user_name, user_email, total_cents, created_at)
     SELECT u.id, u.name, u.email, 100 + g, timestamptz '2025-01-01' + g * interval '1 second'
       FROM generate_series(1, $1::int) g JOIN users u ON u.id = 1 + g % 5`,
    [n],
  );
}

/**
 * Heap outside the young generation, in bytes. The young generation is
 * left out on purpose: it holds short-lived garbage up to its own size
 * whatever the export does, while what an export keeps alive long enough
 * (every row, the whole CSV) ends up in old or large-object space.
 */
const retainedHeap = (): number =>
  getHeapSpaceStatistics()
    .filter((s) => s.space_name !== 'new_space')
    .reduce((sum, s) => sum + s.space_used_size, 0);

/** Downloads the admin's export, reading as it arrives, and returns the peak heap growth (MB) and the body size. */
async function peakDuringExport(): Promise<{ peakMb: number; bytes: number; lines: number }> {
  gc();
  const base = retainedHeap();
  let peak = base;
  const sample = () => (peak = Math.max(peak, retainedHeap()));
  const timer = setInterval(sample, 1);
  try {
    const res = await request(`${app.url}/api/orders/export`, {
      headers: { authorization: `Bearer ${app.admin}` },
    });
    expect(res.statusCode).toBe(200);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      sample();
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    return { peakMb: (peak - base) / MB, bytes, lines };
  } finally {
    clearInterval(timer);
  }
}

async function orderCount(): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  return rows[0]!.n;
}

beforeAll(async () => {
  app = await startLabApp({ seed: { users: 5, products: 20, orders: 10 } });
}, 180_000);
afterAll(() => app?.close());

describe('buffered_export', () => {
  it('keeps peak heap flat with the row count when streaming, and lets it grow with the rows when buffered', async () => {
    await addOrders(SMALL - (await orderCount()));
    const small = { off: await peakDuringExport(), on: { peakMb: 0, bytes: 0, lines: 0 } };
    await app.setFlags({ buffered_export: true });
    small.on = await peakDuringExport();
    await app.setFlags({ buffered_export: false });

    await addOrders(LARGE - SMALL);
    const large = { off: await peakDuringExport(), on: { peakMb: 0, bytes: 0, lines: 0 } };
    await app.setFlags({ buffered_export: true });
    large.on = await peakDuringExport();
    await app.setFlags({ buffered_export: false });

    // Both ways send every order, once.
    for (const [n, r] of [
      [SMALL, small],
      [LARGE, large],
    ] as const) {
      expect(r.off.lines).toBe(n + 1);
      expect(r.on.bytes).toBe(r.off.bytes);
    }
    const growthOn = large.on.peakMb - small.on.peakMb;
    const growthOff = large.off.peakMb - small.off.peakMb;
    // Buffered: 60,000 more rows held at once, as row objects and as CSV
    // text (at least their size in bytes), show as more peak heap.
    expect(growthOn).toBeGreaterThan((large.on.bytes - small.on.bytes) / MB);
    // Streamed: four times the rows, and the peak moves by a fraction of
    // what buffering added: it is bounded by a batch, not by the export.
    expect(growthOff).toBeLessThan(growthOn / 4);
    expect(large.off.peakMb).toBeLessThan(large.on.peakMb / 3);
  }, 120_000);

  it('a client that stops reading stops the export: the server does not read ahead to the end', async () => {
    await addOrders(HUGE - (await orderCount()));
    const total = await orderCount();
    const batches = () => app.sql.filter((s) => /FROM orders/.test(s.text) && /LIMIT/.test(s.text)).length;
    const before = batches();
    // A raw socket, paused: nothing is read until the test says so.
    const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
    socket.pause();
    socket.write(
      `GET /api/orders/export HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.admin}\r\nConnection: close\r\n\r\n`,
    );
    try {
      // Wait until the server has stopped issuing batches: the socket's
      // buffers are full and the export waits for 'drain'. A server that
      // ignored backpressure would run through all of them first.
      let last = -1;
      let steady = 0;
      await vi.waitFor(
        () => {
          const now = batches() - before;
          steady = now === last && now > 0 ? steady + 1 : 0;
          last = now;
          if (steady < 10) throw new Error(`still reading: ${now} batches`);
        },
        { timeout: 20_000, interval: 25 },
      );
      const stalledAt = batches() - before;
      const all = Math.ceil(total / EXPORT_BATCH);
      expect(stalledAt).toBeLessThan(all / 2);

      // Reading again resumes the export, to the last row.
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.resume();
      await new Promise<void>((resolve, reject) => socket.once('end', resolve).once('error', reject));
      const text = Buffer.concat(chunks).toString('utf8');
      expect(text.startsWith('HTTP/1.1 200')).toBe(true);
      expect(text).toContain(EXPORT_HEADER);
      expect(text.endsWith('0\r\n\r\n')).toBe(true); // the chunked body's last chunk
      expect(batches() - before).toBe(all + (total % EXPORT_BATCH === 0 ? 1 : 0));
    } finally {
      socket.destroy();
    }
  }, 60_000);
});
