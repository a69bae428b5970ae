/**
 * Bench servers, chosen by BENCH_SERVER (run this file pinned to a core):
 *   trivial  plain node:http, answers "ok" at once
 *   stall    answers after ~1 ms (a timer, so no CPU backlog), and blocks its
 *            event loop for BENCH_STALL_MS (500) every BENCH_STALL_EVERY_MS (2000)
 * Prints one JSON line `{"url": ...}` once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const kind = process.env.BENCH_SERVER ?? 'trivial';
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 500);
const STALL_EVERY_MS = Number(process.env.BENCH_STALL_EVERY_MS ?? 2000);

const server = createServer((_req, res) => {
  if (kind === 'stall') {
    setTimeout(() => res.end('ok'), 1);
  } else {
    res.end('ok');
  }
});
server.keepAliveTimeout = 60_000;

if (kind === 'stall') {
  // Stalls start on a fixed grid (not setInterval, which would drift by the
  // stall length each cycle), so the expected latencies follow from the pattern.
  const origin = performance.now();
  let k = 1;
  const scheduleStall = (): void => {
    setTimeout(
      () => {
        const until = performance.now() + STALL_MS;
        while (performance.now() < until) {
          // the stall: a synchronous block, as a big JSON.parse or a sync hash would cause
        }
        k++;
        scheduleStall();
      },
      Math.max(0, origin + k * STALL_EVERY_MS - performance.now()),
    );
  };
  scheduleStall();
}

// A deep accept queue: a generator that opens connections in a burst must
// not meet SYN drops (and their 1 s, 3 s, 7 s retransmits) that a real
// server would be tuned to avoid.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid }));
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
