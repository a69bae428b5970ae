import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerflabError } from '../../common/perflab-error.js';
import { E_RESULT_INVALID } from '../error-codes.js';
import type { RunResult } from '../types.js';
import { runResultSchema } from './schema.js';

/** Validates parsed JSON against the result schema; the error names the file and the field. */
export function parseResult(value: unknown, source = 'result'): RunResult {
  const parsed = runResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw new PerflabError(
      E_RESULT_INVALID,
      `${source}: invalid result field "${field}": ${issue?.message ?? ''}`,
    );
  }
  return parsed.data satisfies RunResult;
}

export async function readResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PerflabError(
      E_RESULT_INVALID,
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PerflabError(E_RESULT_INVALID, `${path}: not JSON`);
  }
  return parseResult(json, path);
}

/** `reports/<timestamp>-<scenario>`, sortable and filesystem-safe. */
export function defaultReportDir(startedAt: string, scenario: string, root = 'reports'): string {
  const stamp = startedAt.replace(/[:.]/g, '-').replace(/Z$/, '');
  return join(root, `${stamp}-${scenario.replace(/[^\w.-]+/g, '_')}`);
}

/** Writes `<dir>/result.json` and returns its path. */
export async function writeResult(result: RunResult, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'result.json');
  await writeFile(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}
