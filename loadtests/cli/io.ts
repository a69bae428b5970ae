/** What the CLI touches of the outside world, injectable so commands can be tested in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Redraws the live progress line in place (TTY only); '' clears it. */
  progress(line: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    progress: (line) => process.stdout.write(`\r\x1b[2K${line}`),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    onInterrupt(handler) {
      let count = 0;
      const listener = (): void => {
        // A second Ctrl-C means "now": skip writing the result.
        if (++count > 1) process.exit(130);
        handler();
      };
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  };
}
