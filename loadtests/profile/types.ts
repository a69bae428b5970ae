import type { LoadRun } from '../run.js';
import type { LoadModel, RunResult, Scenario } from '../types.js';

/** The Clinic.js tools `perflab profile` drives. */
export type ProfileTool = 'doctor' | 'flame';

export interface ProfileOptions {
  tool: ProfileTool;
  scenario: Scenario;
  model: LoadModel;
  /** Measured duration of the load, after warm-up. Optional when `requests` is given. */
  durationMs?: number;
  requests?: number;
  warmupMs?: number;
  timeoutMs?: number;
  thresholds?: readonly string[];
  /** Folder for result.json, summary.md and the clinic HTML. Created if missing. */
  outDir: string;
  /**
   * The server to profile: executable and arguments, e.g. `['node', 'server.js']`.
   * Default: the target app (`npm start`'s entry). It must listen on `PORT`
   * (set to 0, any free port) on a loopback address.
   */
  command?: readonly string[];
  /** The server's environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long the server may take to listen (seeding an empty database included). Default 5 min. */
  startTimeoutMs?: number;
  /** How long the server may take to exit after SIGTERM before it is killed. Default 30 s. */
  stopTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ProfileResult {
  /** The load run's result, as `perflab run` writes it. */
  result: RunResult;
  /** `<outDir>/profile-<tool>.html`: clinic's self-contained report. */
  htmlPath: string;
  resultPath: string;
  summaryPath: string;
  /** Clinic's raw data (`<outDir>/clinic-<tool>-data/<pid>.clinic-<tool>`), kept to render again. */
  dataDir: string;
}

export interface ProfileEvents {
  /** A phase started: starting, load, stopping, rendering. */
  status: [message: string];
  /** The load run against the profiled server, to follow its ticks. */
  load: [run: LoadRun];
}
