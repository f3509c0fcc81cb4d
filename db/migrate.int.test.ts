import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedDb, openDb, type Db } from '../core/db/index.ts';
import { testConfig } from '../test/services.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe('migrations', () => {
  let db: Db;
  beforeAll(async () => {
    const config = testConfig();
    db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 4 });
  });
  afterAll(() => db?.close());

  it('apply once; concurrent runs serialize on the advisory lock and apply nothing twice', async () => {
    await migrate(db);
    const again = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    expect(again).toEqual([[], [], []]);
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual((await loadMigrations()).map((m) => m.name));
  });

  it('refuse to run when an applied migration file was edited, and name the file', async () => {
    const fresh = await createEmbeddedDb({ dataDir: 'memory' });
    try {
      const migrations = await loadMigrations();
      await migrate(fresh, migrations);
      const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
      await expect(migrate(fresh, edited)).rejects.toThrow(/0001_foundation\.sql was changed after it was applied/);
    } finally {
      await fresh.close();
    }
  });

  it('run a failing migration not at all: the whole batch rolls back', async () => {
    const fresh = await createEmbeddedDb({ dataDir: 'memory' });
    try {
      const bad = [...(await loadMigrations()), { name: '9999_broken.sql', sql: 'CREATE TABLE ok_then (id int); SELECT * FROM no_such_table;', checksum: 'x' }];
      await expect(migrate(fresh, bad)).rejects.toThrow(/9999_broken\.sql failed/);
      const { rows } = await fresh.query("SELECT to_regclass('public.workspaces') AS ws, to_regclass('public.ok_then') AS t");
      expect(rows[0]).toEqual({ ws: null, t: null });
    } finally {
      await fresh.close();
    }
  });
});
