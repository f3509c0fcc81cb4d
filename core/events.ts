// Live events for browsers (SSE): document progress, queue changes, new messages. Producers publish to a channel
// named after the workspace; API copies subscribe for their connected clients. With Redis, events cross processes
// through Redis pub/sub; in embedded mode (one process) they stay in memory. This is a delivery channel to clients,
// not a way for modules to trigger each other (STYLE.md: no hidden subscribers) — nothing in the server acts on it.
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export type LiveEvent = { type: string; at: string; [key: string]: unknown };
export type Unsubscribe = () => void;

export type EventBus = {
  readonly kind: 'redis' | 'memory';
  publish(channel: string, event: Omit<LiveEvent, 'at'>): Promise<void>;
  subscribe(channel: string, onEvent: (event: LiveEvent) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
};

const stamp = (event: Omit<LiveEvent, 'at'>): LiveEvent => ({ ...event, at: new Date().toISOString() }) as LiveEvent;

export function createMemoryEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one listener per connected browser
  return {
    kind: 'memory',
    async publish(channel, event) {
      emitter.emit(channel, stamp(event));
    },
    async subscribe(channel, onEvent) {
      emitter.on(channel, onEvent);
      return () => emitter.off(channel, onEvent);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** Redis pub/sub: one publishing connection and one subscriber connection per process, shared by all clients. */
export function createRedisEventBus(opts: { url: string; prefix: string; logger: Logger }): EventBus {
  const pub = new Redis(opts.url, { maxRetriesPerRequest: 2, lazyConnect: false });
  const sub = new Redis(opts.url, { maxRetriesPerRequest: null });
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const counts = new Map<string, number>();
  const key = (channel: string) => `${opts.prefix}:events:${channel}`;
  for (const c of [pub, sub]) c.on('error', (err) => opts.logger.warn({ err: err.message }, 'live events: Redis connection problem'));
  sub.on('message', (redisChannel: string, message: string) => {
    try {
      local.emit(redisChannel, JSON.parse(message) as LiveEvent);
    } catch (err) {
      opts.logger.warn({ err, redisChannel }, 'live events: ignored a malformed message');
    }
  });
  return {
    kind: 'redis',
    async publish(channel, event) {
      await pub.publish(key(channel), JSON.stringify(stamp(event)));
    },
    async subscribe(channel, onEvent) {
      const k = key(channel);
      const n = counts.get(k) ?? 0;
      counts.set(k, n + 1);
      local.on(k, onEvent);
      if (n === 0) {
        try {
          await sub.subscribe(k);
        } catch (err) {
          local.off(k, onEvent);
          counts.set(k, (counts.get(k) ?? 1) - 1);
          throw err;
        }
      }
      return () => {
        local.off(k, onEvent);
        const left = (counts.get(k) ?? 1) - 1;
        counts.set(k, left);
        if (left === 0) {
          counts.delete(k);
          sub.unsubscribe(k).catch(() => undefined);
        }
      };
    },
    async close() {
      local.removeAllListeners();
      sub.disconnect();
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}
