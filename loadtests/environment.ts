import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { EnvironmentInfo } from './types.js';

function perflabVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where the numbers came from, so that results from different machines are never compared blind. */
export function collectEnvironment(target: EnvironmentInfo['target']): EnvironmentInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    hostname: os.hostname(),
    perflabVersion: perflabVersion(),
    target,
  };
}
