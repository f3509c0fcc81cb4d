// What the handoff says to customers in its own words (an agent joined, the conversation was resolved, handed back,
// transferred, reopened), in the conversation's language: English and Chinese, others English until translated.
import type { Queryable } from '../core/db/index.ts';

const TEXT = {
  joined: { en: 'An agent has joined the conversation.', zh: '客服人员已接入对话。' },
  resolved: { en: 'This conversation was marked as resolved. Write again at any time if you need more help.', zh: '本次对话已标记为已解决。如需更多帮助，随时可以再次留言。' },
  handedBack: { en: 'You are chatting with our assistant again. Ask for a person at any time.', zh: '您现在与智能助手对话。随时可以要求转人工。' },
  takenOver: { en: 'Another agent has taken over the conversation.', zh: '另一位客服人员已接手本次对话。' },
  transferred: { en: 'You are being transferred to the right team; an agent will reply here.', zh: '正在为您转接到相应的团队，客服人员会在这里回复您。' },
  reopened: { en: 'This conversation was reopened; an agent will reply here.', zh: '本次对话已重新打开，客服人员会在这里回复您。' },
} as const;

export type SystemText = keyof typeof TEXT;

export function systemText(key: SystemText, language: string | null): string {
  return TEXT[key][language?.toLowerCase().startsWith('zh') ? 'zh' : 'en'];
}

/** The language to address the customer in: the conversation's (detected by the bot), else the contact's. */
export async function conversationLanguage(q: Queryable, conversationId: string): Promise<string | null> {
  const { rows } = await q.query<{ language: string | null }>(
    'SELECT COALESCE(c.language, ct.language) AS language FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1',
    [conversationId],
  );
  return rows[0]?.language ?? null;
}

/** systemText in the conversation's language. */
export async function sayTo(q: Queryable, conversationId: string, key: SystemText): Promise<string> {
  return systemText(key, await conversationLanguage(q, conversationId));
}
