import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

/** The machine's NATS (CI starts it so); the restart test stops and starts this one. */
export const NATS_BINARY = '/usr/sbin/nats-server';
const START_ARGS = [
  '-a',
  '127.0.0.1',
  '-p',
  '4222',
  '-js',
  '-sd',
  '/var/lib/nats-server',
  '-l',
  '/var/log/nats-server.log',
];

export const canRestartNats =
  existsSync(NATS_BINARY) && /^nats:\/\/127\.0\.0\.1:4222\/?$/.test(process.env.NATS_URL ?? '');

const portOpen = () =>
  new Promise<boolean>((resolve) => {
    const s = connect(4222, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

async function until(test: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** pids of nats-server processes listening on 4222, from /proc. */
function natsPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        return cmd[0]?.endsWith('nats-server') && cmd.includes('4222');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Stops the server as an operator would (`kill <pid>`) and waits until it is gone. */
export async function stopNats(): Promise<void> {
  const pids = natsPids();
  if (pids.length === 0) throw new Error('no nats-server on 127.0.0.1:4222 to stop');
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  await until(async () => natsPids().length === 0 && !(await portOpen()), 30_000, 'nats-server to stop');
}

/**
 * Starts it with the machine's command (as .ci/run does) unless it runs, and waits until it answers.
 * A server still shutting down (port closed, process alive) is waited out first: start-stop-daemon
 * would take it for a running one, start nothing, and the port would never open again.
 */
export async function startNats(): Promise<void> {
  if (!(await portOpen())) {
    await until(async () => natsPids().length === 0, 30_000, 'the stopping nats-server to exit');
    execFileSync('start-stop-daemon', [
      '--start',
      '--oknodo',
      '--background',
      '--exec',
      NATS_BINARY,
      '--',
      ...START_ARGS,
    ]);
  }
  await until(portOpen, 30_000, 'nats-server to answer on 4222');
}
