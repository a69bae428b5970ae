import { readFileSync } from 'node:fs';

let cached: string | undefined;

// From the sources, package.json is one level up; from the compiled package (dist/common/), two.
const CANDIDATES = ['../package.json', '../../package.json'];

/** perflab's own version from package.json, or 'unknown' when it cannot be read. */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  for (const candidate of CANDIDATES) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'perflab' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // not there: try the next candidate
    }
  }
  return cached;
}
