import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MICRO_CONFIGS, type MicroConfig } from './micro-configs.js';

/** A server bench:probes measures. */
export interface ServerSpec {
  name: string;
  variant: string;
  /** Loaded with --import before the server: where tracing starts. */
  register?: string;
  env?: Record<string, string>;
  /**
   * Another checkout to run the server from (BENCH_TARGET_EXTRA only): the
   * same variant on two versions of the code, measured in one run.
   */
  cwd?: string;
}

/** A bench:probes-micro configuration, and the checkout it runs from (this one when cwd is unset). */
export interface MicroContender {
  name: string;
  config: MicroConfig;
  cwd?: string;
}

type Exists = (path: string) => boolean;

const EXTRA_SHAPE = 'a JSON array of {name, variant, register?, env?, cwd?}';

/** BENCH_TARGET_EXTRA's variants, checked before any server starts. */
export function parseExtraSpecs(json: string, exists: Exists = existsSync): ServerSpec[] {
  const fail = (why: string): never => {
    throw new Error(`BENCH_TARGET_EXTRA: ${why}`);
  };
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    fail(`expected ${EXTRA_SHAPE}, got invalid JSON`);
  }
  if (!Array.isArray(list)) return fail(`expected ${EXTRA_SHAPE}`);
  return list.map((entry: unknown, i) => {
    const s = entry as Partial<ServerSpec> | null;
    if (typeof s?.name !== 'string' || typeof s.variant !== 'string') {
      return fail(`entry ${i} needs a string name and variant`);
    }
    if (s.cwd !== undefined && !isCheckout(s.cwd, 'bench/probes-server.ts', exists)) {
      fail(`entry ${i}: cwd ${String(s.cwd)} is not a perflab checkout (no bench/probes-server.ts)`);
    }
    return s as ServerSpec;
  });
}

const MICRO_CHILD = 'bench/probes-micro-child.ts';

/**
 * What bench:probes-micro runs: BENCH_MICRO_CONFIGS (a comma-separated
 * subset; bare always), each also from BENCH_MICRO_BEFORE's checkout but bare.
 */
export function parseMicroContenders(
  configs: string | undefined,
  before: string | undefined,
  exists: Exists = existsSync,
): MicroContender[] {
  const wanted = configs
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of wanted ?? []) {
    if (!MICRO_CONFIGS.includes(c as MicroConfig)) {
      throw new Error(`BENCH_MICRO_CONFIGS: "${c}" is not one of ${MICRO_CONFIGS.join(', ')}`);
    }
  }
  if (before !== undefined && !isCheckout(before, MICRO_CHILD, exists)) {
    throw new Error(`BENCH_MICRO_BEFORE: ${before} is not a perflab checkout (no ${MICRO_CHILD})`);
  }
  const chosen = MICRO_CONFIGS.filter((c) => c === 'bare' || !wanted?.length || wanted.includes(c));
  return chosen.flatMap((config): MicroContender[] =>
    before && config !== 'bare'
      ? [
          { name: config, config },
          { name: `${config} (before)`, config, cwd: before },
        ]
      : [{ name: config, config }],
  );
}

function isCheckout(dir: unknown, file: string, exists: Exists): boolean {
  return typeof dir === 'string' && dir.length > 0 && exists(join(dir, file));
}

/**
 * BENCH_ONLY: the rows to measure, by name, separated by ";" (row names hold
 * commas). The first row of each table (its bare baseline) always runs, and
 * a table left with nothing else is skipped. Fewer rows make rounds shorter,
 * so more of them fit between two of this machine's changes of speed.
 */
export function selectRows(
  raw: string | undefined,
  tables: readonly (readonly ServerSpec[])[],
): ServerSpec[][] {
  const wanted = raw
    ?.split(';')
    .map((n) => n.trim())
    .filter(Boolean);
  if (!wanted?.length) return tables.map((t) => [...t]);
  const known = tables.flatMap((t) => t.slice(1).map((s) => s.name));
  for (const name of wanted) {
    if (!known.includes(name)) {
      throw new Error(`BENCH_ONLY: "${name}" is not a row; the rows are: ${known.join('; ')}`);
    }
  }
  return tables.map((t) => {
    const kept = t.filter((s, i) => i === 0 || wanted.includes(s.name));
    return kept.length > 1 ? kept : [];
  });
}
