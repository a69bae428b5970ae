import os from 'node:os';
import { packageVersion } from '../common/package-version.js';
import type { EnvironmentInfo } from './types.js';

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
    perflabVersion: packageVersion(),
    target,
  };
}
