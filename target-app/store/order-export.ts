import type { Db } from '../db/types.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';

/** Rows per keyset batch of a streamed export: small enough to keep memory flat, big enough to amortize a query. */
export const EXPORT_BATCH = 1_000;
export const EXPORT_HEADER = 'id,created_at,status,total_cents,user_id,user_email\n';

interface ExportRow {
  id: number;
  created_at: Date;
  status: string;
  total_cents: number;
  user_id: number;
  user_email: string;
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
const field = (v: string | number): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const line = (r: ExportRow): string =>
  [r.id, r.created_at.toISOString(), r.status, r.total_cents, r.user_id, r.user_email].map(field).join(',') +
  '\n';

/** Where the CSV goes; write resolves once the receiver can take more (backpressure). */
export interface ExportSink {
  write(chunk: string): Promise<void>;
  /** True once the client has gone: the export stops reading. */
  closed(): boolean;
}

/**
 * The orders as CSV: one user's, or everyone's (userId undefined, admins).
 * buffered_export on: every row in one query, the whole CSV built in memory,
 * then sent: memory grows with the export. Off: keyset batches of 1,000 rows,
 * each written before the next is read and only once the client has taken
 * the previous ones, so memory stays flat whatever the size. (Keyset batches
 * rather than a server-side cursor: PGlite has none, and a cursor would hold
 * a pooled connection for as long as the slowest client reads.)
 */
export async function exportOrders(
  db: Db,
  flags: FlagReader,
  userId: number | undefined,
  sink: ExportSink,
): Promise<void> {
  const columns = 'id, created_at, status, total_cents, user_id, user_email';
  if (flags.isOn(FLAG.BUFFERED_EXPORT)) {
    const { rows } = await db.query<ExportRow>(
      `SELECT ${columns} FROM orders WHERE ($1::int IS NULL OR user_id = $1) ORDER BY id`,
      [userId ?? null],
    );
    await sink.write(EXPORT_HEADER + rows.map(line).join(''));
    return;
  }
  await sink.write(EXPORT_HEADER);
  let after = 0;
  while (!sink.closed()) {
    const { rows } = await db.query<ExportRow>(
      `SELECT ${columns} FROM orders WHERE ($1::int IS NULL OR user_id = $1) AND id > $2 ORDER BY id LIMIT $3`,
      [userId ?? null, after, EXPORT_BATCH],
    );
    if (rows.length > 0) await sink.write(rows.map(line).join(''));
    if (rows.length < EXPORT_BATCH) return;
    after = (rows[rows.length - 1] as ExportRow).id;
  }
}
