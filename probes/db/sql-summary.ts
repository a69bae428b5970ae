import { DB_UNKNOWN, LABEL_OVERFLOW } from '../metric-names.js';
import type { SqlSummary } from '../types.js';

const OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'COPY',
  'SET',
  'SHOW',
  'EXPLAIN',
  'ANALYZE',
  'VACUUM',
  'LISTEN',
  'NOTIFY',
  'CALL',
  'DO',
  'LOCK',
  'VALUES',
]);

const MAX_COLLECTIONS = 200;
const CACHE_SIZE = 2000;

/**
 * Parses the operation and main table of SQL statements. Results are cached by
 * text (apps reuse a bounded set of statements) and the number of distinct
 * table names is capped, so labels stay bounded even for generated SQL.
 */
export class SqlSummarizer {
  readonly #cache = new Map<string, SqlSummary>();
  readonly #collections = new Set<string>();

  summarize(text: string): SqlSummary {
    const cached = this.#cache.get(text);
    if (cached) return cached;
    const parsed = parseSql(text);
    let collection = parsed.collection;
    if (collection !== DB_UNKNOWN && !this.#collections.has(collection)) {
      if (this.#collections.size >= MAX_COLLECTIONS) collection = LABEL_OVERFLOW;
      else this.#collections.add(collection);
    }
    const spanName = collection === DB_UNKNOWN ? parsed.operation : `${parsed.operation} ${collection}`;
    const summary = { operation: parsed.operation, collection, spanName };
    if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
    this.#cache.set(text, summary);
    return summary;
  }
}

/** Uncached, uncapped parse; exported for tests. */
export function parseSql(text: string): Omit<SqlSummary, 'spanName'> {
  const tokens = tokenize(text, 400);
  let i = 0;
  let first = tokens[i]?.value.toUpperCase();
  if (first === undefined) return { operation: DB_UNKNOWN, collection: DB_UNKNOWN };
  if (first === 'WITH') {
    // Skip the CTEs: the statement is the first keyword at depth 0 after them.
    i = tokens.findIndex(
      (t, j) => j > 0 && t.depth === 0 && /^(SELECT|INSERT|UPDATE|DELETE|MERGE)$/i.test(t.value),
    );
    if (i < 0) return { operation: 'SELECT', collection: DB_UNKNOWN };
    first = tokens[i]!.value.toUpperCase();
  }
  const operation = OPERATIONS.has(first) ? first : DB_UNKNOWN;
  return { operation, collection: collectionOf(operation, tokens, i) };
}

interface Token {
  value: string;
  depth: number;
}

function collectionOf(operation: string, tokens: Token[], start: number): string {
  const depth = tokens[start]?.depth ?? 0;
  const after = (keyword: string): string => {
    for (let j = start + 1; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.depth === depth && t.value.toUpperCase() === keyword) return identifier(tokens[j + 1], depth);
    }
    return DB_UNKNOWN;
  };
  switch (operation) {
    case 'SELECT':
    case 'DELETE':
      return after('FROM');
    case 'INSERT':
    case 'MERGE':
      return after('INTO');
    case 'UPDATE': {
      let next = tokens[start + 1];
      if (next?.value.toUpperCase() === 'ONLY') next = tokens[start + 2];
      return identifier(next, depth);
    }
    case 'TRUNCATE':
    case 'COPY': {
      let j = start + 1;
      if (/^(TABLE|ONLY)$/i.test(tokens[j]?.value ?? '')) j++;
      return identifier(tokens[j], depth);
    }
    default:
      return DB_UNKNOWN;
  }
}

const IDENT =
  /^(?:"[^"]{1,63}"|[A-Za-z_][A-Za-z0-9_$]{0,62})(?:\.(?:"[^"]{1,63}"|[A-Za-z_][A-Za-z0-9_$]{0,62}))?$/;
const NOT_TABLES = new Set(['ONLY', 'LATERAL', 'SELECT', 'UNNEST', 'GENERATE_SERIES', 'VALUES']);

function identifier(token: Token | undefined, depth: number): string {
  if (!token || token.depth !== depth || !IDENT.test(token.value)) return DB_UNKNOWN;
  if (NOT_TABLES.has(token.value.toUpperCase())) return DB_UNKNOWN;
  return token.value.replace(/"/g, '').toLowerCase();
}

/** Splits SQL into words and quoted identifiers with their paren depth; skips comments and literals. */
function tokenize(text: string, limit: number): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = Math.min(text.length, 4000);
  while (i < n && tokens.length < limit) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (/[A-Za-z_"]/.test(c)) {
      const m = /^(?:"[^"]*"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"[^"]*"|[A-Za-z_][A-Za-z0-9_$]*))?/.exec(
        text.slice(i, i + 200),
      );
      const value = m ? m[0] : c;
      tokens.push({ value, depth });
      i += value.length;
    } else {
      i++;
    }
  }
  return tokens;
}
