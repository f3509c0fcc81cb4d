// Agent assist over HTTP: knowledge passages for a conversation (suggestions.ts).
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../core/access.ts';
import { parse } from '../core/validate.ts';
import { suggestForConversation, type SuggestionDeps } from './suggestions.ts';

const ConversationParams = z.object({ conversationId: z.uuid('conversationId must be a UUID') });
const SuggestionQuery = z.object({
  q: z.string().trim().min(1, 'q is empty; leave it out to search with the customer\'s latest message').max(1000, 'at most 1,000 characters').optional(),
  limit: z.coerce.number().int('limit is a whole number').min(1, 'limit is 1 to 20').max(20, 'limit is 1 to 20').default(5),
});

export function suggestionRoutes(deps: SuggestionDeps): Router {
  const router = Router();

  // Ranked passages (internal collections included) for the customer's latest message, or for ?q=.
  router.get('/agent/conversations/:conversationId/suggestions', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const { q, limit } = parse(SuggestionQuery, req.query, 'suggestion query');
    res.json(await suggestForConversation(deps, { workspaceId: who.workspaceId, conversationId, q, limit }));
  });

  return router;
}
