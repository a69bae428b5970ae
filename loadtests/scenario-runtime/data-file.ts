import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { PerflabError } from '../../common/perflab-error.js';
import { E_DATA_FILE } from '../error-codes.js';

/**
 * Reads a CSV file with a header row into one record per line, for a
 * scenario's `setup()`: `({ users: await readCsv('users.csv') })`, then
 * `({ data, vu }) => data.users[vu % data.users.length].email` in a step.
 * Parsed by csv-parse (quotes, embedded commas and newlines, BOM), not by
 * splitting on commas.
 */
export async function readCsv(
  path: string,
  options: { delimiter?: string } = {},
): Promise<Record<string, string>[]> {
  const text = await read(path);
  try {
    const rows = parse(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
      delimiter: options.delimiter ?? ',',
    }) as Record<string, string>[];
    if (rows.length === 0) throw new Error('no data rows under the header');
    return rows;
  } catch (err) {
    throw new PerflabError(E_DATA_FILE, `${path}: not usable CSV: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads a JSON file holding an array, for the same use as readCsv. */
export async function readJsonData<T = unknown>(path: string): Promise<T[]> {
  const text = await read(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PerflabError(E_DATA_FILE, `${path}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(value) || value.length === 0)
    throw new PerflabError(E_DATA_FILE, `${path}: expected a non-empty JSON array`);
  return value as T[];
}

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new PerflabError(E_DATA_FILE, `${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
}
