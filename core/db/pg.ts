// node-postgres implementation of Db: used for a PostgreSQL server and, through its socket, for embedded PGlite.
import pg from 'pg';
import type { Db, DbKind, Queryable } from './types.ts';

// bigint (count(*) etc.) as JS number: counts here stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type PgDbOptions = {
  kind: DbKind;
  connection: Db['connection'];
  max: number;
  onClose?: () => Promise<void>;
  onError?: (err: Error) => void;
};

export function createPgDb(opts: PgDbOptions): Db {
  const pool = new pg.Pool({ ...opts.connection, max: opts.max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => opts.onError?.(err));

  const query: Queryable['query'] = async (text, params) => {
    const res = await pool.query(text, params as unknown[] | undefined);
    return { rows: res.rows, rowCount: res.rowCount };
  };

  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async (text, params) => {
          const res = await client.query(text, params as unknown[] | undefined);
          return { rows: res.rows, rowCount: res.rowCount };
        },
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken); // a connection whose ROLLBACK failed is destroyed, not reused
    }
  }

  let closed = false;
  return {
    kind: opts.kind,
    connection: opts.connection,
    query,
    transaction,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await opts.onClose?.();
    },
  };
}
