// Embedders turn text into unit vectors. Offline default: a deterministic feature-hashing embedder (no network, no
// model files) over stemmed terms, term pairs and character trigrams. With OPENAI_API_KEY: OpenAI-compatible
// embeddings through @langchain/openai. The model name is stored with each vector (chunk_embeddings.model).
import { OpenAIEmbeddings } from '@langchain/openai';
import { terms } from './text.ts';

export type Embedder = {
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
};

export const LOCAL_MODEL = 'local-hash-384';
const LOCAL_DIMS = 384;

// FNV-1a, 32-bit: fast, stable across platforms and runs.
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function add(vec: Float64Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  vec[h % LOCAL_DIMS]! += h & 0x80000000 ? -weight : weight; // the sign bit spreads collisions around zero
}

/** Deterministic: the same text always gives the same vector, on every machine. */
export function localEmbed(text: string): number[] {
  const vec = new Float64Array(LOCAL_DIMS);
  const ts = terms(text);
  ts.forEach((t, i) => {
    add(vec, `w:${t}`, 1);
    const next = ts[i + 1];
    if (next) add(vec, `b:${t} ${next}`, 0.5);
    const padded = `^${t}$`;
    for (let j = 0; j + 3 <= padded.length; j++) add(vec, `c:${padded.slice(j, j + 3)}`, 0.25);
  });
  let norm = 0;
  for (const v of vec) norm += v * v;
  norm = Math.sqrt(norm);
  return Array.from(vec, (v) => (norm === 0 ? 0 : Number((v / norm).toFixed(6))));
}

export function localEmbedder(): Embedder {
  return { model: LOCAL_MODEL, dimensions: LOCAL_DIMS, embed: async (texts) => texts.map(localEmbed) };
}

export function openAiEmbedder(opts: { apiKey: string; baseUrl?: string; model: string; dimensions?: number }): Embedder {
  const dimensions = opts.dimensions ?? (opts.model === 'text-embedding-3-large' ? 3072 : 1536);
  const client = new OpenAIEmbeddings({
    apiKey: opts.apiKey,
    model: opts.model,
    batchSize: 64,
    maxRetries: 2,
    configuration: opts.baseUrl ? { baseURL: opts.baseUrl } : undefined,
  });
  return { model: opts.model, dimensions, embed: (texts) => client.embedDocuments(texts) };
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export const toVectorLiteral = (v: readonly number[]): string => `[${v.join(',')}]`;
