// The passage behind a citation, as its customer may read it. A customer sees a chunk's text only because a bot reply
// in their conversation cited it: the query checks that, and that the chunk is still in a public collection of the
// conversation's workspace (a document moved to an internal collection since is no longer shown). Read-only SQL over
// the knowledge tables (kb/ owns them; conversations/ may not import kb/, and one join needs no module call).
import type { Queryable } from '../core/db/index.ts';

export type CitedPassage = {
  chunkId: string;
  documentId: string;
  title: string;
  headingPath: string[];
  text: string;
  kind: string;
  location: Record<string, unknown>;
};

/**
 * The chunk `chunkId` if a non-private bot message of conversation `conversationId` (in `workspaceId`) cites it and
 * its document is in a public collection; else null (never cited here, another workspace's, internal, or gone after
 * a re-index replaced the document's chunks).
 */
export async function findCitedPassage(q: Queryable, workspaceId: string, conversationId: string, chunkId: string): Promise<CitedPassage | null> {
  const { rows } = await q.query<CitedPassage>(
    `SELECT c.id AS "chunkId", d.id AS "documentId", d.title, c.heading_path AS "headingPath", c.text, c.kind, c.location
       FROM chunks c
       JOIN documents d ON d.id = c.document_id
       JOIN kb_collections k ON k.id = d.collection_id
      WHERE c.id = $3 AND c.workspace_id = $1 AND k.visibility = 'public'
        AND EXISTS (SELECT 1 FROM messages m
                     WHERE m.conversation_id = $2 AND m.workspace_id = $1 AND m.sender = 'bot' AND NOT m.private
                       AND m.citations @> jsonb_build_array(jsonb_build_object('chunkId', $3::text)))`,
    [workspaceId, conversationId, chunkId],
  );
  return rows[0] ?? null;
}
