// What survives a reload, per Kefu server and workspace: the conversation and its visitor token (localStorage, so a
// returning customer continues), the ticket they were told about, and whether the panel was open (sessionStorage:
// this tab only). Storage can be unavailable (privacy modes, sandboxed frames): then nothing is remembered.
import type { Session } from './api.ts';
import type { Ticket } from './types.ts';

export type Saved = Session & { ticket?: Ticket | null };

export function createStore(key: string) {
  const get = (s: Storage | undefined, k: string) => {
    try {
      return s?.getItem(k) ?? null;
    } catch {
      return null;
    }
  };
  const set = (s: Storage | undefined, k: string, v: string | null) => {
    try {
      if (v === null) s?.removeItem(k);
      else s?.setItem(k, v);
    } catch {
      // full or forbidden: the widget still works, it just forgets on reload
    }
  };
  const local = () => (typeof localStorage === 'undefined' ? undefined : localStorage);
  const session = () => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);
  return {
    load(): Saved | null {
      try {
        const v = JSON.parse(get(local(), key) ?? 'null') as Saved | null;
        return v && typeof v.conversationId === 'string' && typeof v.visitorToken === 'string' ? v : null;
      } catch {
        return null;
      }
    },
    save: (v: Saved | null) => set(local(), key, v && JSON.stringify(v)),
    /** The visitor token outlives its conversation: a new one continues as the same customer. */
    token: () => get(local(), `${key}:token`),
    saveToken: (token: string) => set(local(), `${key}:token`, token),
    wasOpen: () => get(session(), `${key}:open`) === '1',
    saveOpen: (open: boolean) => set(session(), `${key}:open`, open ? '1' : null),
  };
}

export type Store = ReturnType<typeof createStore>;
