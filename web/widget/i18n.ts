// Pure: the widget's own words in English and Chinese, and which language to use. The bot and agents write their
// messages themselves (the conversation's language is sent when it starts); these are only the widget's labels.
export type Lang = 'en' | 'zh';

export type Strings = {
  launcherOpen: string;
  launcherClose: string;
  unread: (n: number) => string;
  title: string;
  subtitle: string;
  greeting: string;
  close: string;
  log: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  talkToPerson: string;
  endChat: string;
  you: string;
  bot: string;
  agent: string;
  system: string;
  sources: string;
  source: (n: number, title: string) => string;
  opensInNewTab: string;
  queuePosition: (n: number) => string;
  queueWait: (minutes: number) => string;
  queueNoWait: string;
  queueNoAgents: string;
  ticket: (n: number) => string;
  replyBy: (when: string) => string;
  agentJoined: string;
  agentTyping: string;
  resolved: string;
  rateLegend: string;
  rateScore: (n: number) => string;
  commentLabel: string;
  submitRating: string;
  thanks: string;
  notSent: string;
  retry: string;
  reconnecting: string;
  errors: Record<ErrorClass, string>;
  answering: string;
  passageLabel: (n: number) => string;
  passageLoading: string;
  passageGone: string;
  closePassage: string;
};

/** What kind of failure the customer is told about (the server's own words are English). */
export type ErrorClass = 'network' | 'rate_limited' | 'server' | 'invalid';

const en: Strings = {
  launcherOpen: 'Chat with us',
  launcherClose: 'Close chat',
  unread: (n) => (n === 1 ? '1 new message' : `${n} new messages`),
  title: 'Customer support',
  subtitle: 'Answers from our help center, or a person',
  greeting: 'Hi! Ask a question and we will answer from our help center. You can talk to a person at any time.',
  close: 'Close',
  log: 'Conversation',
  inputLabel: 'Your message',
  placeholder: 'Type your question…',
  send: 'Send',
  talkToPerson: 'Talk to a person',
  endChat: 'End chat',
  you: 'You',
  bot: 'Assistant',
  agent: 'Agent',
  system: 'Kefu',
  sources: 'Sources',
  source: (n, title) => `Source ${n}: ${title}`,
  opensInNewTab: '(opens in a new tab)',
  queuePosition: (n) => `You are number ${n} in the queue`,
  queueWait: (m) => (m <= 1 ? 'about a minute' : `about ${m} minutes`),
  queueNoWait: 'an agent will be with you shortly',
  queueNoAgents: 'no agent is online right now',
  ticket: (n) => `Ticket #${n}`,
  replyBy: (when) => `we will reply by ${when}`,
  agentJoined: 'You are chatting with an agent',
  agentTyping: 'The agent is typing…',
  resolved: 'This conversation is closed. Write again at any time.',
  rateLegend: 'How did we do?',
  rateScore: (n) => `${n} out of 5`,
  commentLabel: 'Anything to add? (optional)',
  submitRating: 'Send rating',
  thanks: 'Thank you for your feedback!',
  notSent: 'Not sent.',
  retry: 'Retry',
  reconnecting: 'Reconnecting…',
  errors: {
    network: 'We could not reach the server. Check your connection and try again.',
    rate_limited: 'Too many requests just now. Please wait a moment and try again.',
    server: 'Something went wrong on our side. Please try again in a moment.',
    invalid: 'That could not be sent. Please check it and try again.',
  },
  answering: 'Answering…',
  passageLabel: (n) => `Source ${n}`,
  passageLoading: 'Loading the passage…',
  passageGone: 'This passage is no longer available.',
  closePassage: 'Close the source',
};

const zh: Strings = {
  launcherOpen: '在线客服',
  launcherClose: '关闭对话',
  unread: (n) => `${n} 条新消息`,
  title: '在线客服',
  subtitle: '帮助中心智能解答，随时可转人工',
  greeting: '您好！请输入您的问题，我们会根据帮助中心为您解答。您也可以随时联系人工客服。',
  close: '关闭',
  log: '对话记录',
  inputLabel: '您的消息',
  placeholder: '请输入您的问题…',
  send: '发送',
  talkToPerson: '转人工客服',
  endChat: '结束对话',
  you: '您',
  bot: '智能助手',
  agent: '客服',
  system: '系统',
  sources: '来源',
  source: (n, title) => `来源 ${n}：${title}`,
  opensInNewTab: '（在新标签页中打开）',
  queuePosition: (n) => `您在队列中排第 ${n} 位`,
  queueWait: (m) => `预计等待约 ${Math.max(1, m)} 分钟`,
  queueNoWait: '客服马上为您服务',
  queueNoAgents: '目前没有在线客服',
  ticket: (n) => `工单 #${n}`,
  replyBy: (when) => `我们将在 ${when} 前回复`,
  agentJoined: '人工客服正在为您服务',
  agentTyping: '客服正在输入…',
  resolved: '本次对话已结束，您可以随时再次留言。',
  rateLegend: '请为本次服务评分',
  rateScore: (n) => `${n} 分（满分 5 分）`,
  commentLabel: '补充说明（可选）',
  submitRating: '提交评分',
  thanks: '感谢您的反馈！',
  notSent: '发送失败。',
  retry: '重试',
  reconnecting: '正在重新连接…',
  errors: {
    network: '无法连接到服务器，请检查网络后重试。',
    rate_limited: '请求过于频繁，请稍等片刻再试。',
    server: '服务器出了点问题，请稍后重试。',
    invalid: '内容无法提交，请检查后重试。',
  },
  answering: '正在回答…',
  passageLabel: (n) => `来源 ${n}`,
  passageLoading: '正在加载原文…',
  passageGone: '该段落已不存在。',
  closePassage: '关闭来源',
};

export const STRINGS: Record<Lang, Strings> = { en, zh };

/** `data-lang` when it names a language we have, else the browser's: any zh-* is Chinese, everything else English. */
export function pickLang(override: string | null | undefined, browser: string | null | undefined): Lang {
  for (const tag of [override, browser]) {
    const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (base === 'zh' || base === 'en') return base;
  }
  return 'en';
}

/** Minutes to wait, rounded up, for a queue estimate in seconds. */
export const waitMinutes = (etaSeconds: number) => Math.max(1, Math.ceil(etaSeconds / 60));

/**
 * Which kind of failure an error from the API client is: no status (fetch failed, the stream was cut) is the network;
 * 429 rate limited; 5xx (and anything unexpected) the server; other 4xx an invalid request.
 */
export function errorClass(err: unknown): ErrorClass {
  if (err instanceof TypeError) return 'network'; // fetch's "Failed to fetch"
  const status = typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null;
  if (status === null) return 'server';
  if (status === 0) return 'network';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return status >= 400 ? 'invalid' : 'server';
}

/**
 * What the customer reads about an error, in the widget's language. The server writes its messages in English: an
 * English widget shows its message for a refused request (it says what to fix); otherwise the translated message of
 * the error's class, with the server's words as `detail` (a tooltip) for whoever needs them.
 */
export function errorText(err: unknown, lang: Lang): { text: string; detail: string | null } {
  const kind = errorClass(err);
  const server = err instanceof Error && err.message ? err.message : null;
  if (lang === 'en' && kind === 'invalid' && server) return { text: server, detail: null };
  const text = STRINGS[lang].errors[kind];
  return { text, detail: server && server !== text ? server : null };
}

/** A date and time with its zone ("2026年12月3日 UTC 18:52", "Dec 3, 2026, 6:52 PM UTC"): the browser's zone unless given. */
export function formatTime(iso: string, lang: Lang, timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(at);
  } catch {
    return at.toISOString();
  }
}
