import type { Io } from '../../../loadtests/cli/io.js';

/** An in-memory Io for running CLI commands in-process. */
export function captureIo(
  env: NodeJS.ProcessEnv = {},
  isTTY = false,
): Io & { stdout: string[]; stderr: string[]; progressLines: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progressLines: string[] = [];
  return {
    stdout,
    stderr,
    progressLines,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    progress: (line) => void progressLines.push(line),
    isTTY,
    env,
    onInterrupt: () => () => undefined,
  };
}
