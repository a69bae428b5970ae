import type { ChildProcess } from 'node:child_process';
import { PerflabError } from '../../common/perflab-error.js';
import { E_PROFILE_TOOL_MISSING } from '../error-codes.js';
import type { ProfileTool } from './types.js';

/**
 * Clinic.js's programmatic packages rather than the `clinic` CLI: the CLI
 * adds bubbleprof, heap-profiler, an update notifier and usage analytics
 * (insight) that we do not use. They are loaded on demand, so perflab works
 * without them; only `perflab profile` needs them.
 */
export const CLINIC_PACKAGES: Record<ProfileTool, { name: string; version: string }> = {
  doctor: { name: '@clinic/doctor', version: '11.0.0' },
  flame: { name: '@clinic/flame', version: '13.0.0' },
};

export const installCommand = (tool: ProfileTool): string =>
  `npm install --save-dev ${CLINIC_PACKAGES[tool].name}@${CLINIC_PACKAGES[tool].version}`;

/** The part of ClinicDoctor and ClinicFlame we use; both packages ship no types. */
export interface ClinicCollector {
  collect(args: string[], callback: (err: Error | null, dataDir: string) => void): void;
  visualize(dataDir: string, outputFile: string, callback: (err?: Error | null) => void): void;
  /** With `detectPort`: the server listens on `port`. Doctor passes its process, flame null. */
  on(event: 'port', listener: (port: number, proc: ChildProcess | null, done: () => void) => void): this;
}

export interface ClinicSettings {
  detectPort: boolean;
  /** Where clinic writes its raw data folder. */
  dest: string;
}

type ClinicConstructor = new (settings: ClinicSettings) => ClinicCollector;
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const MISSING = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** Imports the tool's package; exits 2 (a coded error) naming the install command when it is absent. */
export async function loadClinicTool(
  tool: ProfileTool,
  importer: ModuleImporter = (specifier) => import(specifier),
): Promise<ClinicConstructor> {
  const { name } = CLINIC_PACKAGES[tool];
  let mod: unknown;
  try {
    mod = await importer(name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Only the package itself missing: a broken install of it is a different problem, shown as is.
    if (code !== undefined && MISSING.has(code) && String((err as Error).message).includes(name)) {
      throw new PerflabError(
        E_PROFILE_TOOL_MISSING,
        `perflab profile --tool ${tool} needs ${name}, which is not installed; run: ${installCommand(tool)}`,
      );
    }
    throw err;
  }
  const ctor = (mod as { default?: unknown }).default ?? mod;
  if (typeof ctor !== 'function') throw new TypeError(`${name} does not export a constructor`);
  return ctor as ClinicConstructor;
}
