// Structured logging with pino. The request id or job id of the current async context is added to every line,
// so code deep in a call chain logs with context without threading a child logger through. Personal data (emails,
// phone, card and ID numbers) is redacted from every message and logged object before it is written.
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger as PinoLogger } from 'pino';
import { redact, redactDeep } from './pii.ts';

export type Logger = PinoLogger;
export type LogContext = { requestId?: string; jobId?: string; queue?: string };

const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `ctx` attached to every log line written inside it (including from awaited calls). */
export const withLogContext = <T>(ctx: LogContext, fn: () => T): T => context.run({ ...context.getStore(), ...ctx }, fn);
export const currentLogContext = (): LogContext | undefined => context.getStore();

export function createLogger(opts: { level: string; name?: string; destination?: pino.DestinationStream; transport?: pino.TransportSingleOptions }): Logger {
  return pino(
    {
      transport: opts.transport,
      name: opts.name ?? 'kefu',
      level: opts.level,
      mixin: () => ({ ...context.getStore() }),
      redact: { paths: ['password', '*.password', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-visitor-token"]', 'req.query.visitorToken', 'token', '*.token'], censor: '[redacted]' },
      serializers: { err: (err: Error) => redactDeep({ ...pino.stdSerializers.err(err) }) },
      formatters: { log: (obj) => redactDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // The message string (first string argument) is redacted too; objects go through formatters.log.
          const i = args.findIndex((a) => typeof a === 'string');
          if (i >= 0) args[i] = redact(args[i] as string);
          return method.apply(this, args);
        },
      },
    },
    opts.destination,
  );
}
