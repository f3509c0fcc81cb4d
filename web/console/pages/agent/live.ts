// The agent's live stream, shared by every page of the agent area: one EventSource (GET /api/agent/events) and one
// heartbeat (every 20 s) for as long as the console is open, opened by the first agent page that mounts. Pages
// subscribe to the events; the store also keeps the queue counts and unread counts per conversation, and on an
// `assignment` plays a short beep and shows a desktop notification (if the agent allowed them, on a click).
import { useEffect, useState } from 'preact/hooks';
import { api, liveEvents } from '../../api.ts';
import type { QueueSummary } from './types.ts';

export const LIVE_TYPES = ['assignment', 'message', 'typing', 'queue', 'sla_breach', 'unassigned', 'ticket_reply'] as const;
export type LiveType = (typeof LIVE_TYPES)[number];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LiveEvent = { type: LiveType; data: any };
type Listener = (e: LiveEvent) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<() => void>();
let started = false;
let queue: QueueSummary = { waiting: 0, bySkill: [] };
let unread: Record<string, number> = {};
/** The conversation on screen: its messages are read as they come. */
let viewing: string | null = null;

const changed = () => stateListeners.forEach((l) => l());

function start(): void {
  if (started) return;
  started = true;
  liveEvents('/api/agent/events', (type, data) => dispatch({ type: type as LiveType, data }), [...LIVE_TYPES]);
  const beat = () => void api('/api/agent/heartbeat', { method: 'POST' }).catch(() => undefined);
  beat();
  window.setInterval(beat, 20_000);
}

function dispatch(e: LiveEvent): void {
  if (e.type === 'queue') {
    queue = { waiting: e.data?.waiting ?? 0, bySkill: e.data?.bySkill ?? [] };
    changed();
  } else if (e.type === 'message') {
    const id = e.data?.conversationId as string | undefined;
    if (id && id !== viewing) {
      unread = { ...unread, [id]: (unread[id] ?? 0) + 1 };
      changed();
    }
  } else if (e.type === 'assignment') {
    alertAgent(e.data?.conversation ? 'A conversation was assigned to you' : `Ticket #${e.data?.ticket?.number ?? ''} was assigned to you`, e.data?.conversation?.handoffSummary ?? e.data?.ticket?.subject ?? '');
  }
  listeners.forEach((l) => l(e));
}

/** Subscribes `onEvent` to the live stream while the component is mounted (and starts the stream). */
export function useLive(onEvent: Listener, deps: unknown[] = []): void {
  useEffect(() => {
    start();
    listeners.add(onEvent);
    return () => void listeners.delete(onEvent);
  }, deps);
}

/** The queue counts and unread counts, re-rendering on change. */
export function useLiveState(): { queue: QueueSummary; unread: Record<string, number> } {
  const [, setTick] = useState(0);
  useEffect(() => {
    start();
    const l = () => setTick((t) => t + 1);
    stateListeners.add(l);
    return () => void stateListeners.delete(l);
  }, []);
  return { queue, unread };
}

/** Marks a conversation as on screen (its unread count clears) or none (null). */
export function setViewing(id: string | null): void {
  viewing = id;
  if (id && unread[id]) {
    const { [id]: _gone, ...rest } = unread;
    unread = rest;
    changed();
  }
}

let audio: AudioContext | null = null;
/** A short two-tone beep. Browsers allow sound only after a user gesture on the page; before that it stays silent. */
export function beep(): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(880, audio.currentTime);
    osc.frequency.setValueAtTime(660, audio.currentTime + 0.12);
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.3);
  } catch {
    // no audio device: the notification and the list still show it
  }
}

export const notificationsSupported = (): boolean => typeof Notification !== 'undefined';

/** Asks for permission to show desktop notifications; call it from a click. */
export async function enableNotifications(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return 'denied';
  if (audio === null) {
    try {
      audio = new AudioContext(); // created in the click, so later beeps may play
    } catch {
      /* no audio */
    }
  }
  return Notification.requestPermission();
}

function alertAgent(title: string, body: string): void {
  beep();
  if (notificationsSupported() && Notification.permission === 'granted') {
    try {
      new Notification(title, { body, tag: 'kefu-assignment' });
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
}
