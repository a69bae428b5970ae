import type { Queryable } from '../../db/types.js';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: 'customer' | 'admin';
  created_at: Date;
}

const COLUMNS = 'id, email, name, role, created_at';

/** The only shape a user leaves the service in: never the password hash. */
export const toUser = (r: UserRow) => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

export function userStore(schema: string) {
  const t = `${schema}.users`;
  return {
    async byId(q: Queryable, id: number): Promise<UserRow | undefined> {
      return (await q.query<UserRow>(`SELECT ${COLUMNS} FROM ${t} WHERE id = $1`, [id])).rows[0];
    },
    async credentials(q: Queryable, email: string) {
      const { rows } = await q.query<{ id: number; role: UserRow['role']; password_hash: string }>(
        `SELECT id, role, password_hash FROM ${t} WHERE email = $1`,
        [email],
      );
      return rows[0];
    },
    async insert(
      q: Queryable,
      user: { email: string; name: string; passwordHash: string },
    ): Promise<UserRow> {
      const { rows } = await q.query<UserRow>(
        `INSERT INTO ${t} (email, name, password_hash) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [user.email, user.name, user.passwordHash],
      );
      return rows[0] as UserRow;
    },
    async count(q: Queryable): Promise<number> {
      return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]?.n ?? 0;
    },
  };
}
