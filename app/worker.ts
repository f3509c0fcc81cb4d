// The worker process: runs the job processors (ingestion now; bot replies, QA, SLA and webhooks later) and relays
// the outbox. Run as many copies as the load needs; each queue's concurrency comes from WORKER_CONCURRENCY.
import { isEmbedded } from '../core/config.ts';
import { bootLogger, configOrExit, onShutdown } from './boot.ts';
import { createDeps } from './deps.ts';

const config = configOrExit();
const logger = bootLogger(config, 'kefu-worker');
if (isEmbedded(config)) {
  logger.fatal('The worker needs DATABASE_URL: the embedded database belongs to the `npm start` process, which already runs the workers.');
  process.exit(1);
}
const deps = await createDeps(config, { logger }).catch((err: Error) => {
  logger.fatal({ err }, `Kefu worker could not start: ${err.message}`);
  process.exit(1);
});
deps.startWorkers();
onShutdown(logger, () => deps.close());
