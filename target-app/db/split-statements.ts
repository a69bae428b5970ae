/**
 * Migrations are plain DDL without functions or dollar quoting, so ';' at a
 * line end separates statements (the monolith's and the services' alike).
 */
export function splitStatements(sql: string): string[] {
  return sql
    .replace(/^\s*--.*$/gm, '')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
