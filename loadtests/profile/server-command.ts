import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The target app as `npm start` runs it, with absolute paths so that
 * `perflab profile` works from any folder. From the TypeScript sources it
 * needs tsx; from a build (.js next to this file) plain node.
 */
export function targetAppCommand(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const ext = fromSource ? '.ts' : '.js';
  const root = new URL('../../', import.meta.url);
  const register = new URL(`target-app/register${ext}`, root).href;
  const main = fileURLToPath(new URL(`target-app/main${ext}`, root));
  const tsx = fromSource
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return [process.execPath, ...tsx, '--import', register, main];
}

/** Where an executable name resolves on PATH, or undefined: clinic crashes on a spawn error. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates =
    isAbsolute(name) || name.includes('/') ? [name] : path.split(delimiter).map((d) => join(d, name));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

export const PID_FILE_ENV = 'PERFLAB_PROFILE_PID_FILE';
/**
 * Preloaded into the server through NODE_OPTIONS so perflab learns its pid:
 * clinic flame (0x) does not hand out the process, and a clean stop needs it
 * (0x's own stop calls process.exit() without letting the server close).
 */
const PID_HOOK = `import{writeFileSync}from'node:fs';writeFileSync(process.env.${PID_FILE_ENV},String(process.pid))`;

/** Defaults that make the target app usable under load from this machine, as `npm run demo` does. */
const LOAD_FRIENDLY = { LOG_LEVEL: 'warn', RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_LOGIN_MAX: '1000000' };

/** The server's environment: any free loopback port, the pid hook, the base's own values kept. */
export function serverEnv(base: NodeJS.ProcessEnv, pidFile: string): NodeJS.ProcessEnv {
  return {
    ...LOAD_FRIENDLY,
    ...base,
    HOST: '127.0.0.1',
    PORT: '0',
    [PID_FILE_ENV]: pidFile,
    NODE_OPTIONS: [base.NODE_OPTIONS, `--import=data:text/javascript,${encodeURIComponent(PID_HOOK)}`]
      .filter(Boolean)
      .join(' '),
  };
}

/**
 * Clinic spawns the server with this process's environment and takes no
 * other, so it is swapped in for the spawn and restored by the returned
 * function (idempotent) as soon as the server is up.
 */
export function swapProcessEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  const replace = (next: NodeJS.ProcessEnv): void => {
    for (const key of Object.keys(process.env)) if (!(key in next)) delete process.env[key];
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  replace(env);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    replace(saved);
  };
}
