// Database access for every module: one Queryable interface, two backends (PostgreSQL server or embedded PGlite).
// Repositories take a Queryable, so callers own transactions (db.transaction(tx => …)).
// openDb picks the backend from configuration; nothing else in the code base needs to know which one runs.
import { createEmbeddedDb } from './pglite.ts';
import { createPgDb } from './pg.ts';
import type { Db } from './types.ts';

export type { Db, DbKind, Queryable, QueryResult } from './types.ts';
export { createEmbeddedDb } from './pglite.ts';
export { createPgDb } from './pg.ts';

export async function openDb(opts: { databaseUrl?: string; dataDir: string; poolMax: number; onError?: (err: Error) => void }): Promise<Db> {
  if (opts.databaseUrl) {
    return createPgDb({ kind: 'postgres', connection: { connectionString: opts.databaseUrl }, max: opts.poolMax, onError: opts.onError });
  }
  return createEmbeddedDb({ dataDir: opts.dataDir, poolMax: Math.min(opts.poolMax, 16), onError: opts.onError });
}

/** True when `err` is a PostgreSQL unique violation, optionally on the named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
