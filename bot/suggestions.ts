// Agent assist: knowledge passages for the conversation an agent has open, ranked by the same hybrid search the bot
// uses. The query is the customer's latest message made standalone with the conversation so far (the bot's rewrite
// rules: no model call), or the agent's own words. Unlike the bot, agents see internal collections too. Passage text
// is cut of instructions aimed at an AI, as for the bot: an agent may paste it to the customer.
import { getConversation, type Citation } from '../conversations/index.ts';
import { notFound } from '../core/errors.ts';
import { listCollections, searchKb, type Passage, type SearchDeps } from '../kb/index.ts';
import { neutralizePassage } from './guardrails.ts';
import { rewriteQuery, type HistoryTurn } from './rewrite.ts';

export type SuggestionDeps = Pick<SearchDeps, 'db' | 'embedders' | 'rerank'>;

export type Suggestion = {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  documentVersion: number;
  collection: { id: string; name: string | null; visibility: 'public' | 'internal' | null };
  text: string;
  /** The start of the passage, cut at a word, for a list. */
  snippet: string;
  /** Fused score (higher is better; comparable within one list), and the parts it came from. */
  score: number;
  similarity: number | null;
  textRank: number | null;
  kind: string;
  headingPath: string[];
  location: Record<string, unknown>;
  sourceRef: string | null;
  /** The passage as a bot answer would cite it. */
  citation: Citation;
};

export type Suggestions = { query: string | null; rewritten: boolean; suggestions: Suggestion[] };

const HISTORY = 12;
const SNIPPET_CHARS = 240;

export async function suggestForConversation(deps: SuggestionDeps, input: { workspaceId: string; conversationId: string; q?: string; limit: number }): Promise<Suggestions> {
  const conversation = await getConversation(deps.db, input.workspaceId, input.conversationId);
  if (!conversation) throw notFound('conversation', input.conversationId);
  let query = input.q ?? null;
  let rewritten = false;
  if (query === null) {
    const history = await recentTurns(deps, input.conversationId);
    const last = history.findLastIndex((t) => t.role === 'customer');
    if (last < 0) return { query: null, rewritten: false, suggestions: [] }; // the customer has not written yet
    const r = rewriteQuery(history[last]!.text, history.slice(0, last));
    query = r.query;
    rewritten = r.rewritten;
  }
  // No visibility filter: every collection, internal ones included (the bot passes ['public']).
  const [passages, collections] = await Promise.all([searchKb(deps, { workspaceId: input.workspaceId, query, limit: input.limit }), listCollections(deps.db, input.workspaceId)]);
  const byId = new Map(collections.map((c) => [c.id, c]));
  return { query, rewritten, suggestions: passages.map((p) => toSuggestion(p, byId.get(p.collectionId))) };
}

/** The conversation's last public messages from people and the bot, oldest first. */
async function recentTurns(deps: SuggestionDeps, conversationId: string): Promise<HistoryTurn[]> {
  const { rows } = await deps.db.query<{ sender: 'customer' | 'bot' | 'agent'; body: string }>(
    `SELECT sender, body FROM (
       SELECT sender, body, seq FROM messages WHERE conversation_id = $1 AND NOT private AND sender IN ('customer', 'bot', 'agent')
        ORDER BY seq DESC LIMIT ${HISTORY}) recent
      ORDER BY seq`,
    [conversationId],
  );
  return rows.map((r) => ({ role: r.sender, text: r.body }));
}

function toSuggestion(p: Passage, collection: { name: string; visibility: 'public' | 'internal' } | undefined): Suggestion {
  const text = neutralizePassage(p.text).text;
  return {
    chunkId: p.chunkId,
    documentId: p.documentId,
    documentTitle: p.documentTitle,
    documentVersion: p.documentVersion,
    collection: { id: p.collectionId, name: collection?.name ?? null, visibility: collection?.visibility ?? null },
    text,
    snippet: snippet(text),
    score: p.score,
    similarity: p.similarity,
    textRank: p.textRank,
    kind: p.kind,
    headingPath: p.headingPath,
    location: p.location,
    sourceRef: p.sourceRef,
    citation: { documentId: p.documentId, documentVersion: p.documentVersion, chunkId: p.chunkId, title: p.documentTitle, headingPath: p.headingPath, location: p.location, sourceRef: p.sourceRef },
  };
}

export function snippet(text: string, max = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}
