import type { Queryable } from '../db/types.js';
import type { Role } from './tokens.js';

/**
 * The account's role as the database has it now, or undefined when the
 * account is gone. Admin routes ask this rather than trust the token's
 * claim, so a demoted admin loses the rights at once, not at token expiry.
 */
export async function currentRole(db: Queryable, userId: number): Promise<Role | undefined> {
  const { rows } = await db.query<{ role: Role }>('SELECT role FROM users WHERE id = $1', [userId]);
  return rows[0]?.role;
}
