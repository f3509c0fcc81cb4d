// The OpenAI-compatible chat client both LLM judges use (answer quality in harness/, QA grades in qa/): ChatOpenAI
// on Chat Completions, any base URL, temperature 0, no hidden retries (a failed verdict is counted, never retried
// behind the run's back), and a way to put data in a prompt that the data cannot close.
import { ChatOpenAI } from '@langchain/openai';

export type JudgeConfig = { apiKey: string; baseUrl?: string; model: string; timeoutMs: number };

export function judgeChat(config: JudgeConfig): ChatOpenAI {
  return new ChatOpenAI({
    apiKey: config.apiKey,
    model: config.model,
    temperature: 0,
    timeout: config.timeoutMs,
    maxRetries: 0,
    useResponsesApi: false,
    configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
  });
}

/** `<tag>text</tag>`, where a `</tag>` inside the text becomes `&lt;/tag>`: data never closes its own block. */
export const dataBlock = (tag: string, text: string): string => `<${tag}>\n${text.replace(new RegExp(`<(\\s*/?\\s*${tag})`, 'gi'), '&lt;$1')}\n</${tag}>`;
