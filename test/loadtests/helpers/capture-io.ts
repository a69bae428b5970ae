import type { Io } from '../../../loadtests/cli/io.js';

/** An in-memory Io for running CLI commands in-process. */
export function captureIo(env: NodeJS.ProcessEnv = {}): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    progress: () => undefined,
    isTTY: false,
    env,
    onInterrupt: () => () => undefined,
  };
}
