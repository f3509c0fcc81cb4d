// The one database interface every repository function takes. Both implementations (a PostgreSQL server, or the
// embedded PGlite) speak it through node-postgres, so a repository never knows which one it is talking to.
export type QueryResult<R> = { rows: R[]; rowCount: number | null };

/** Anything that runs a parameterized query: the pool, or a client inside a transaction. */
export type Queryable = {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
};

export type DbKind = 'postgres' | 'pglite';

export type Db = Queryable & {
  readonly kind: DbKind;
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). The client is only valid inside `fn`. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** node-postgres connection settings other libraries (BullMQ) can use to reach the same database. */
  readonly connection: { connectionString?: string; host?: string; port?: number; user?: string; database?: string };
  close(): Promise<void>;
};
