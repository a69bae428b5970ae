import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerflabError } from '../../common/perflab-error.js';
import { E_RESULT_INVALID } from '../error-codes.js';
import type { CompareResult } from '../compare/types.js';

/** Whether parsed JSON is a compare.json rather than a result.json. */
export const isCompareResult = (v: unknown): v is CompareResult =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'perflab-compare';

export async function readCompare(path: string): Promise<CompareResult> {
  const v: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!isCompareResult(v) || v.formatVersion !== 1)
    throw new PerflabError(E_RESULT_INVALID, `${path}: not a perflab compare.json of formatVersion 1`);
  return v;
}

export async function writeCompare(c: CompareResult, dir: string): Promise<string> {
  const path = join(dir, 'compare.json');
  await writeFile(path, JSON.stringify(c, null, 2) + '\n');
  return path;
}
