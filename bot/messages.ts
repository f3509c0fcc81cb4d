// Pure: what the bot says in its own words — the frame around an extractive answer, a clarifying question, and the
// handoff message (why, where the customer stands, and when people are available). English and Chinese; other
// languages get English until translated.
import type { HandoffReason } from '../conversations/index.ts';
import { describeWait, type HandoffNotice } from '../handoff/index.ts';

type Lang = 'en' | 'zh';
const pick = (language: string | null): Lang => (language === 'zh' ? 'zh' : 'en');

export function framedAnswer(language: string | null, body: string): string {
  return pick(language) === 'zh' ? `根据我们的帮助文章：${body}` : `From our help articles: ${body}`;
}

/** The answer without the frame and citation marks: what it says, for rewriting the next question. */
export const unframe = (text: string): string => text.replace(/^(From our help articles: |根据我们的帮助文章：)/, '').replace(/\s*\[\d+\]/g, '');

const ORDINALS: [RegExp, number][] = [
  [/^\s*(?:1|one|first|the first( one)?|#1|no\.? ?1|第一个?|1号)\s*[.!]?\s*$/i, 1],
  [/^\s*(?:2|two|second|the second( one)?|#2|no\.? ?2|第二个?|2号)\s*[.!]?\s*$/i, 2],
  [/^\s*(?:3|three|third|the third( one)?|#3|no\.? ?3|第三个?|3号)\s*[.!]?\s*$/i, 3],
];

/**
 * The option a customer picked in reply to a clarifying question ("2", "the first one", "第二个"), or null. Works on
 * the question's text, so it needs no state besides the transcript.
 */
export function pickedOption(reply: string, clarifying: string): string | null {
  const n = ORDINALS.find(([re]) => re.test(reply))?.[1];
  if (!n) return null;
  const line = clarifying.split('\n').find((l) => l.startsWith(`${n}. `));
  return line ? line.slice(3).trim() : null;
}

export function clarifyQuestion(language: string | null, options: string[]): string {
  const list = options.map((o, i) => `${i + 1}. ${o}`).join('\n');
  return pick(language) === 'zh'
    ? `我想确认我理解了您的问题。您是指以下哪一项？\n${list}\n也可以再多描述一些，或者说“转人工”找客服人员。`
    : `I want to be sure I answer the right question. Do you mean one of these?\n${list}\nOr tell me a little more, or ask for a person at any time.`;
}

const WHY: Record<Lang, Partial<Record<HandoffReason, string>> & { default: string }> = {
  en: {
    customer_asked: 'Sure, I am passing you to a person.',
    low_confidence: "I couldn't find a reliable answer to that in our help articles, so I'm passing you to a person.",
    no_passages: "I couldn't find anything about that in our help articles, so I'm passing you to a person.",
    not_in_kb: "Our help articles don't answer that, so I'm passing you to a person.",
    ungrounded: "I'm not confident my answer would be accurate, so I'm passing you to a person.",
    sensitive_topic: 'This is something a person should handle, so I am passing you on.',
    frustration: "I'm sorry this has been frustrating. I'm passing you to a person.",
    repeated_failure: "I don't seem to be helping, so I'm passing you to a person.",
    bot_error: 'Something went wrong on my side, so I am passing you to a person.',
    default: 'This needs a person, so I am passing you on.',
  },
  zh: {
    customer_asked: '好的，正在为您转接人工客服。',
    low_confidence: '我在帮助文章中没有找到可靠的答案，正在为您转接人工客服。',
    no_passages: '我在帮助文章中没有找到相关内容，正在为您转接人工客服。',
    not_in_kb: '帮助文章中没有这个问题的答案，正在为您转接人工客服。',
    ungrounded: '我不确定我的回答是否准确，正在为您转接人工客服。',
    sensitive_topic: '这个问题需要由客服人员处理，正在为您转接。',
    frustration: '很抱歉给您带来不便，正在为您转接人工客服。',
    repeated_failure: '看来我没能帮上忙，正在为您转接人工客服。',
    bot_error: '我这边出了点问题，正在为您转接人工客服。',
    default: '这个问题需要人工处理，正在为您转接。',
  },
};

/**
 * The handoff message. Open with someone online: the queue position and wait. Nobody can take it now (closed, or no
 * agent online): the ticket opened for it and when to expect a reply (its first-response due time, in the workspace's
 * time zone); when closed, also when people are back (`opensAt`, already formatted) and the hours.
 */
export function handoffMessage(
  language: string | null,
  reason: HandoffReason,
  notice: HandoffNotice,
  hours: { open: boolean; opensAt: string | null; description: string | null; timezone?: string | null },
): string {
  const lang = pick(language);
  const why = WHY[lang][reason] ?? WHY[lang].default;
  const position = notice.position ?? 1;
  const replyBy = notice.ticket?.replyBy ? formatWhen(notice.ticket.replyBy, hours.timezone ?? 'UTC', lang) : null;
  const ticket = notice.ticket
    ? lang === 'zh'
      ? `我们已为您创建工单 #${notice.ticket.number}${replyBy ? `，最迟将在 ${replyBy} 前回复您` : ''}。`
      : ` We have opened ticket #${notice.ticket.number} for you${replyBy ? `; expect a reply by ${replyBy}` : ''}.`
    : '';
  if (hours.open) {
    const wait = describeWait(notice.etaSeconds, lang);
    if (notice.ticket) {
      return lang === 'zh'
        ? `${why}现在没有空闲的客服人员。${ticket}您目前排在第 ${position} 位，一有客服人员空闲就会在这里回复您。`
        : `${why} Nobody from our team is free right now.${ticket} You are number ${position} in the queue; if someone becomes free sooner, they will reply here.`;
    }
    if (lang === 'zh') return `${why}您目前排在第 ${position} 位${wait ? `，预计等待${wait}` : ''}，客服人员会在这里回复您。`;
    return `${why} You are number ${position} in the queue${wait ? ` (estimated wait: ${wait})` : ''}; an agent will reply here.`;
  }
  const when = hours.opensAt ?? '';
  const table = hours.description ? (lang === 'zh' ? `（服务时间：${hours.description}）` : ` (our hours: ${hours.description})`) : '';
  return lang === 'zh'
    ? `${why}我们的客服人员现在不在线${table}。${when ? `我们将在 ${when} 上线后回复您，` : ''}您可以关闭窗口，回复会保存在这里。${ticket}`
    : `${why} Our team is offline right now${table}. ${when ? `We will reply here after we open at ${when}; ` : ''}you can close this window, the reply will be waiting here.${ticket}`;
}

/** "Mon 7 Dec, 10:00 CET" / "12月7日周一 10:00 CET", in the workspace's time zone. */
export function formatWhen(at: Date, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(at);
}

export function humanJoined(language: string | null): string {
  return pick(language) === 'zh' ? '客服人员已接入。' : 'A person has joined the conversation.';
}
