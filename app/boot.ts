// Start-up shared by the server, the worker and the CLI: parse configuration (a clear message and exit 1 when it is
// wrong), build the dependencies, and stop cleanly on SIGINT/SIGTERM.
import process from 'node:process';
import { ConfigError, loadConfig, type Config } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';

export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** A pretty, human-readable log on a terminal; JSON lines everywhere else (files, containers, CI). */
export function bootLogger(config: Config, name: string): Logger {
  const pretty = process.stdout.isTTY && config.NODE_ENV !== 'production';
  return createLogger({
    level: config.LOG_LEVEL,
    name,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}

export function onShutdown(logger: Logger, stop: () => Promise<void>, graceMs = 15_000): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing work in progress');
      const force = setTimeout(() => {
        logger.error(`still busy after ${graceMs / 1000} s; exiting anyway`);
        process.exit(1);
      }, graceMs);
      force.unref();
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
    });
  }
}
