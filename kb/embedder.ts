// Embedders turn text into unit vectors; the model name is stored with each vector (chunk_embeddings.model).
// Offline default, `kefu-lexical-1024`: a deterministic lexical-semantic embedder (no network, no model files) that
// hashes stemmed words, word pairs and character n-grams into 1,024 dimensions with sublinear term frequency; at query
// time each feature is weighted by the IDF of its word in the workspace (kb_term_stats), so rare, telling words
// count for more than common ones. With OPENAI_API_KEY: OpenAI-compatible embeddings through @langchain/openai,
// batched, retried with exponential backoff and throttled to a request rate.
import { OpenAIEmbeddings } from '@langchain/openai';
import pThrottle from 'p-throttle';
import { isCjk, termOf, terms, words } from './text.ts';

/** Optional per-query information an embedder may use; OpenAI-compatible models ignore it. */
export type QueryContext = {
  /** Weight of a stemmed term (usually its IDF in the workspace's knowledge base). */
  termWeight?: (term: string) => number;
};

export type Embedder = {
  readonly model: string;
  readonly dimensions: number;
  /** Embeds passages for storage. */
  embed(texts: string[]): Promise<number[][]>;
  /** Embeds a search query. */
  embedQuery(text: string, ctx?: QueryContext): Promise<number[]>;
};

/** The embedders this process can run, by model name. The default embeds new workspaces. */
export type EmbedderRegistry = {
  readonly defaultModel: string;
  get(model: string): Embedder | undefined;
};

export function embedderRegistry(defaultEmbedder: Embedder, others: Embedder[] = []): EmbedderRegistry {
  const all = new Map([...others, defaultEmbedder].map((e) => [e.model, e]));
  return { defaultModel: defaultEmbedder.model, get: (model) => all.get(model) };
}

export const LOCAL_MODEL = 'kefu-lexical-1024';
// 1,024 dimensions: at 512, hash collisions cost 5–15 points of MRR on the dev sets (bench/README.md).
const LOCAL_DIMS = 1024;
/** The first local model (plain hashing, 384 dimensions): still readable so older databases can be re-indexed. */
export const LEGACY_LOCAL_MODEL = 'local-hash-384';

// FNV-1a, 32-bit: fast, stable across platforms and runs.
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

type Feature = { weight: number; count: number; terms: string[] };

// Character n-grams let "refunded"/"refunding"/"refnd" meet; their total weight per word is fixed so long words
// don't dominate. Word pairs keep a little word order ("card declined" vs "declined card" is fine; "top up" matters).
const CHAR_WEIGHT = 0.8;
const PAIR_WEIGHT = 0.4;

function features(text: string): Map<string, Feature> {
  const out = new Map<string, Feature>();
  const put = (key: string, weight: number, source: string[]) => {
    const f = out.get(key);
    if (f) f.count += 1;
    else out.set(key, { weight, count: 1, terms: source });
  };
  // One pass over the words: unigrams and pairs of stemmed terms, and character n-grams of each word.
  let prev: string | null = null;
  for (const w of words(text)) {
    const stem = termOf(w);
    if (stem === null) continue;
    put(`w:${stem}`, 1, [stem]);
    if (prev !== null) put(`b:${prev} ${stem}`, PAIR_WEIGHT, [prev, stem]);
    prev = stem;
    if (isCjk(w)) {
      // Chinese/Japanese words: characters and character pairs, so a differently segmented query still meets them.
      const chars = [...w];
      if (chars.length < 2) continue;
      const grams = [...chars, ...chars.slice(1).map((c, i) => chars[i] + c)];
      for (const g of grams) put(`h:${g}`, CHAR_WEIGHT / Math.sqrt(grams.length), [stem]);
      continue;
    }
    if (w.length < 4) continue;
    const padded = `^${w}$`;
    const count = padded.length - 2 + padded.length - 3; // 3-grams + 4-grams
    const weight = CHAR_WEIGHT / Math.sqrt(count);
    for (let n = 3; n <= 4; n++) for (let j = 0; j + n <= padded.length; j++) put(`c:${padded.slice(j, j + n)}`, weight, [stem]);
  }
  return out;
}

function hashVector(feats: Map<string, Feature>, dims: number, weightOf: (f: Feature) => number): number[] {
  const vec = new Float64Array(dims);
  for (const [key, f] of feats) {
    const h = fnv1a(key);
    const w = weightOf(f);
    vec[h % dims]! += h & 0x80000000 ? -w : w; // the sign bit spreads collisions around zero
  }
  let norm = 0;
  for (const v of vec) norm += v * v;
  norm = Math.sqrt(norm);
  // Rounded to 6 decimals: the same text gives the same stored vector on every platform.
  return Array.from(vec, (v) => (norm === 0 ? 0 : Math.round((v / norm) * 1e6) / 1e6));
}

/** Passage vector: sublinear term frequency, no corpus statistics (so stored vectors never go stale). */
export function localEmbed(text: string): number[] {
  return hashVector(features(text), LOCAL_DIMS, (f) => f.weight * (1 + Math.log(f.count)));
}

/** Query vector: like a passage, with each feature scaled by the weight (IDF) of its terms. */
export function localEmbedQuery(text: string, ctx: QueryContext = {}): number[] {
  const weight = ctx.termWeight;
  return hashVector(features(text), LOCAL_DIMS, (f) => {
    const base = f.weight * (1 + Math.log(f.count));
    if (!weight) return base;
    const ws = f.terms.map(weight);
    return base * (ws.length === 1 ? ws[0]! : Math.sqrt(ws.reduce((a, b) => a * b, 1)));
  });
}

export function localEmbedder(): Embedder {
  return {
    model: LOCAL_MODEL,
    dimensions: LOCAL_DIMS,
    embed: async (texts) => texts.map(localEmbed),
    embedQuery: async (text, ctx) => localEmbedQuery(text, ctx),
  };
}

/** The 384-dimension hashing embedder of the first release, kept so existing vectors stay searchable until re-indexed. */
export function legacyLocalEmbedder(): Embedder {
  const embedOne = (text: string) => {
    const feats = new Map<string, Feature>();
    const ts = terms(text);
    const put = (key: string, weight: number) => {
      const f = feats.get(key);
      if (f) f.weight += weight;
      else feats.set(key, { weight, count: 1, terms: [] });
    };
    ts.forEach((t, i) => {
      put(`w:${t}`, 1);
      const next = ts[i + 1];
      if (next) put(`b:${t} ${next}`, 0.5);
      const padded = `^${t}$`;
      for (let j = 0; j + 3 <= padded.length; j++) put(`c:${padded.slice(j, j + 3)}`, 0.25);
    });
    return hashVector(feats, 384, (f) => f.weight);
  };
  return { model: LEGACY_LOCAL_MODEL, dimensions: 384, embed: async (texts) => texts.map(embedOne), embedQuery: async (t) => embedOne(t) };
}

export type OpenAiEmbedderOptions = {
  apiKey: string;
  baseUrl?: string;
  model: string;
  dimensions?: number;
  /** Texts per request. */
  batchSize?: number;
  /** Requests per minute, across this process. */
  requestsPerMinute?: number;
  /** Retries per request, with exponential backoff (LangChain's AsyncCaller). */
  maxRetries?: number;
};

export function openAiEmbedder(opts: OpenAiEmbedderOptions): Embedder {
  const native = opts.model === 'text-embedding-3-large' ? 3072 : 1536;
  const dimensions = opts.dimensions ?? native;
  // Vectors of one model name at another size are a different index (and cannot share the native one): the size is
  // part of the model's key, e.g. "text-embedding-3-small@1024".
  const key = dimensions === native ? opts.model : `${opts.model}@${dimensions}`;
  const batchSize = opts.batchSize ?? 64;
  const client = new OpenAIEmbeddings({
    apiKey: opts.apiKey,
    model: opts.model,
    batchSize,
    maxRetries: opts.maxRetries ?? 3,
    maxConcurrency: 2,
    dimensions: opts.dimensions,
    configuration: opts.baseUrl ? { baseURL: opts.baseUrl } : undefined,
  });
  const throttle = pThrottle({ limit: Math.max(1, Math.floor((opts.requestsPerMinute ?? 3000) / 60)), interval: 1000 });
  const embedBatch = throttle((texts: string[]) => client.embedDocuments(texts));
  return {
    model: key,
    dimensions,
    async embed(texts) {
      const out: number[][] = [];
      // One throttled call per request-sized batch, so the rate limit counts real requests.
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await embedBatch(texts.slice(i, i + batchSize))));
      return out;
    },
    embedQuery: async (text) => (await embedBatch([text]))[0] ?? [],
  };
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
