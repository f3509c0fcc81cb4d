// The OpenAI-compatible embedder against a faked endpoint (nock): tests never touch the network.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiEmbedder } from './embedder.ts';

afterEach(() => nock.cleanAll());
const b64 = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');

describe('openAiEmbedder', () => {
  it('sends the texts to /embeddings of the configured base URL and returns the vectors in order', async () => {
    let sent: { model?: string; input?: unknown } = {};
    const scope = nock('http://llm.test')
      .post('/v1/embeddings', (body: { model?: string; input?: unknown }) => ((sent = body), true))
      .reply(200, {
        object: 'list',
        model: 'text-embedding-3-small',
        data: [
          // The OpenAI SDK asks for base64-encoded float32 vectors and decodes them itself.
          { object: 'embedding', index: 0, embedding: b64([0.5, 0.25, -1]) },
          { object: 'embedding', index: 1, embedding: b64([2, 0, 0.125]) },
        ],
        usage: { prompt_tokens: 4, total_tokens: 4 },
      });
    const embedder = openAiEmbedder({ apiKey: 'sk-test', baseUrl: 'http://llm.test/v1', model: 'text-embedding-3-small' });
    const vectors = await embedder.embed(['refund time', 'reset password']);
    expect(vectors).toEqual([[0.5, 0.25, -1], [2, 0, 0.125]]);
    expect(sent.model).toBe('text-embedding-3-small');
    expect(embedder).toMatchObject({ model: 'text-embedding-3-small', dimensions: 1536 });
    expect(scope.isDone()).toBe(true);
  });
});
