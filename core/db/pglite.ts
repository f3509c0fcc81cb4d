// Embedded database: PGlite (PostgreSQL in WASM) with pgvector, stored under DATA_DIR, served on a private Unix
// socket by @electric-sql/pglite-socket.
//
// Why a socket instead of PGlite's own query API: PGlite is one session, and BullMQ's PostgreSQL backend needs a
// node-postgres pool. PGlite's direct query()/transaction() would not take part in the socket's scheduling, so a
// direct write issued while a socket client holds a transaction lands inside that transaction and vanishes with its
// rollback (checked; see ARCHITECTURE.md). So every client — our pool and BullMQ — connects through the socket with
// node-postgres (scheduling in pglite-mux.ts), and the same SQL and repositories run on both databases.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { createPgDb } from './pg.ts';
import { serveSession } from './pglite-mux.ts';
import type { Db } from './types.ts';

export type EmbeddedDbOptions = {
  /** Folder for the database files; `memory` keeps everything in memory (tests). */
  dataDir: string | 'memory';
  poolMax?: number;
  onError?: (err: Error) => void;
};

export async function createEmbeddedDb(opts: EmbeddedDbOptions): Promise<Db> {
  let pglite: PGlite;
  if (opts.dataDir === 'memory') {
    pglite = await PGlite.create({ extensions: { vector } });
  } else {
    const dir = path.resolve(opts.dataDir, 'pgdata');
    await mkdir(dir, { recursive: true });
    try {
      pglite = await PGlite.create({ dataDir: dir, extensions: { vector } });
    } catch (err) {
      throw new Error(
        `Could not open the embedded database in ${dir}. Another Kefu process may be using it (stop it first), or the folder is damaged (move it away to start fresh).`,
        { cause: err },
      );
    }
  }
  // One session for everyone: the search path is set once here, so BullMQ's schema resolves without per-connection SETs.
  await pglite.exec('CREATE SCHEMA IF NOT EXISTS bullmq; SET search_path TO public, bullmq;');

  // A private folder keeps the socket path short (Unix limit ~107 bytes) and unreadable to other users.
  const socketDir = await mkdtemp(path.join(tmpdir(), 'kefu-pg-'));
  const port = 5432;
  const server = await serveSession(pglite, path.join(socketDir, `.s.PGSQL.${port}`));

  return createPgDb({
    kind: 'pglite',
    connection: { host: socketDir, port, user: 'postgres', database: 'postgres' },
    max: opts.poolMax ?? 8,
    onError: opts.onError,
    onClose: async () => {
      await server.close();
      await pglite.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  });
}
