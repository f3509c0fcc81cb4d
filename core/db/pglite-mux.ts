// Serves one PGlite session to many node-postgres connections over a socket.
//
// pglite-socket's own multiplexer hands the session to whichever connection sent the next protocol message, keeping
// a connection's messages together only inside a transaction. node-postgres sends every parameterized query as
// Parse/Bind/Execute/Sync messages, so two connections' sequences interleave on the unnamed statement ("bind message
// supplies 15 parameters, but prepared statement "" requires 3" — seen with BullMQ and our pool at once). This queue
// keeps the session with one connection from its first message until that connection is idle again: a Sync or a
// simple Query completed outside a transaction. It plugs into pglite-socket's PGLiteSocketHandler, which parses the
// wire protocol; only the scheduling is ours.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

type Item = { handlerId: number; message: Uint8Array; onData: (data: Uint8Array) => void; resolve: (n: number) => void; reject: (e: unknown) => void };

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

export function createSessionQueue(db: PGlite) {
  const queue: Item[] = [];
  let owner: number | null = null;
  let processing = false;

  async function processQueue(): Promise<void> {
    if (processing) return;
    processing = true;
    try {
      while (queue.length > 0) {
        const index = owner === null ? 0 : queue.findIndex((i) => i.handlerId === owner);
        if (index < 0) return; // the owner is between messages: wait for it, keep everyone else queued
        const item = queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (err) {
          item.reject(err);
        }
        const type = item.message[0];
        const startup = type === 0; // the startup packet starts with its length, not a type byte
        const idle = !db.isInTransaction() && (startup || type === SYNC || type === QUERY || type === TERMINATE);
        owner = idle ? null : item.handlerId;
      }
    } finally {
      processing = false;
    }
  }

  return {
    enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        queue.push({ handlerId, message, onData, resolve, reject });
        void processQueue();
      });
    },
    getQueueLength: () => queue.length,
    clearQueueForHandler(handlerId: number): void {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.handlerId === handlerId) queue.splice(i, 1)[0]!.reject(new Error('connection closed'));
      }
      if (owner === handlerId && !db.isInTransaction()) {
        owner = null;
        void processQueue();
      }
    },
    async clearTransactionIfNeeded(handlerId: number): Promise<void> {
      if (owner !== handlerId) return;
      if (db.isInTransaction()) await db.exec('ROLLBACK'); // a client that vanished mid-transaction loses it, like on a server
      owner = null;
      void processQueue();
    },
  };
}

/** Listens on `socketPath` (a Unix socket) and serves `db` to any number of connections. */
export async function serveSession(db: PGlite, socketPath: string): Promise<{ close: () => Promise<void> }> {
  const queryQueue = createSessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = net.createServer((socket) => {
    // PGLiteSocketHandler types its queue as pglite-socket's own (private) class; ours has the same public shape.
    const handler = new PGLiteSocketHandler({ queryQueue: queryQueue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'], closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    close: async () => {
      await Promise.allSettled([...handlers].map((h) => h.detach(true)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
