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

describe('openAiEmbedder batching and retries', () => {
  const reply = (n: number) => ({
    object: 'list',
    model: 'text-embedding-3-small',
    data: Array.from({ length: n }, (_, i) => ({ object: 'embedding', index: i, embedding: b64([i, 1]) })),
    usage: { prompt_tokens: n, total_tokens: n },
  });

  it('splits texts into request-sized batches and keeps their order', async () => {
    const sizes: number[] = [];
    const record = (body: { input: string[] }) => (sizes.push(body.input.length), true);
    const scope = nock('http://llm.test')
      .post('/v1/embeddings', record).reply(200, reply(2))
      .post('/v1/embeddings', record).reply(200, reply(2))
      .post('/v1/embeddings', record).reply(200, reply(1));
    const embedder = openAiEmbedder({ apiKey: 'sk-test', baseUrl: 'http://llm.test/v1', model: 'text-embedding-3-small', batchSize: 2 });
    const vectors = await embedder.embed(['a', 'b', 'c', 'd', 'e']);
    expect(sizes).toEqual([2, 2, 1]);
    expect(vectors).toHaveLength(5);
    expect(scope.isDone()).toBe(true);
  });

  it('retries a failed request with backoff instead of failing the document', async () => {
    const scope = nock('http://llm.test').post('/v1/embeddings').reply(500, { error: { message: 'overloaded' } }).post('/v1/embeddings').reply(200, reply(1));
    const embedder = openAiEmbedder({ apiKey: 'sk-test', baseUrl: 'http://llm.test/v1', model: 'text-embedding-3-small', maxRetries: 2 });
    expect(await embedder.embedQuery('refund')).toEqual([0, 1]);
    expect(scope.isDone()).toBe(true);
  }, 20_000);
});

describe('openAiEmbedder model key', () => {
  it('names a shortened model by its size, so its vectors get their own index', () => {
    expect(openAiEmbedder({ apiKey: 'k', model: 'text-embedding-3-small' }).model).toBe('text-embedding-3-small');
    expect(openAiEmbedder({ apiKey: 'k', model: 'text-embedding-3-small', dimensions: 1536 }).model).toBe('text-embedding-3-small');
    expect(openAiEmbedder({ apiKey: 'k', model: 'text-embedding-3-small', dimensions: 1024 })).toMatchObject({ model: 'text-embedding-3-small@1024', dimensions: 1024 });
  });
});
