import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PerflabError } from '../../common/perflab-error.js';
import { E_RESULT_INVALID } from '../error-codes.js';
import type { RunResult } from '../types.js';
import { readResult } from './result-file.js';

/**
 * One side of a compare: a result.json, or a folder holding a result.json
 * and/or sub-folders that each hold one (what `run --repeat` writes).
 * Returns the runs in name order with their absolute paths.
 */
export async function readRuns(path: string): Promise<{ runs: RunResult[]; sources: string[] }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new PerflabError(E_RESULT_INVALID, `${path}: no such file or folder`);
  }
  let files: string[];
  if (info.isDirectory()) {
    const entries = await readdir(path, { withFileTypes: true });
    const direct = entries.some((e) => e.isFile() && e.name === 'result.json')
      ? [join(path, 'result.json')]
      : [];
    const nested: string[] = [];
    for (const e of entries
      .filter((x) => x.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
      const inner = await readdir(join(path, e.name));
      if (inner.includes('result.json')) nested.push(join(path, e.name, 'result.json'));
    }
    files = [...direct, ...nested];
    if (files.length === 0)
      throw new PerflabError(E_RESULT_INVALID, `${path}: no result.json in this folder or its sub-folders`);
  } else {
    files = [path];
  }
  const runs = await Promise.all(files.map((f) => readResult(f)));
  return { runs, sources: files.map((f) => resolve(f)) };
}
