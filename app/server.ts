// The api process: HTTP API, and — in embedded mode (or START_WORKERS=true) — the job workers in the same process.
// `npm start` runs this. On first start of an empty database it seeds the demo workspace and prints the logins.
import type { AddressInfo } from 'node:net';
import { isEmbedded, shouldStartWorkers } from '../core/config.ts';
import { bootLogger, configOrExit, onShutdown } from './boot.ts';
import { createDeps } from './deps.ts';
import { buildApp } from './http/app.ts';
import { saveDemoLogins, seedDemo } from './seed.ts';

const config = configOrExit();
const logger = bootLogger(config, 'kefu-api');
const deps = await createDeps(config, { logger }).catch((err: Error) => {
  logger.fatal({ err }, `Kefu could not start: ${err.message}`);
  process.exit(1);
});

if (shouldStartWorkers(config)) deps.startWorkers();

const seedWanted = config.SEED_DEMO === 'true' || (config.SEED_DEMO === 'auto' && isEmbedded(config));
if (seedWanted) {
  const seeded = await seedDemo(deps);
  if (seeded.created) {
    const file = await saveDemoLogins(config.DATA_DIR, seeded.logins);
    const table = seeded.logins.map((l) => `  ${l.role.padEnd(11)} ${l.email.padEnd(28)} ${l.password}`).join('\n');
    logger.info(`Demo workspace "demo" created with a help-center knowledge base. Sign-ins (also saved in ${file}):\n${table}`);
  }
}

const server = buildApp(deps).listen(config.PORT, config.HOST, () => {
  const { port } = server.address() as AddressInfo;
  const mode = isEmbedded(config) ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL server';
  logger.info({ port, database: deps.db.kind, queue: deps.jobs.backend }, `Kefu is running at ${config.PUBLIC_URL ?? `http://localhost:${port}`} (${mode}, jobs on ${deps.jobs.backend})`);
});
server.requestTimeout = 120_000;

onShutdown(logger, async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await deps.close();
});
