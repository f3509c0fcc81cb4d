// Bot: answers customers from the knowledge base with citations, or hands them to a person. Offline by default
// (extractive answers over the local embedder); an LLM, query rewriting and guardrails arrive here next.
// Every decision is traced in bot_turns. Public surface: answerMessage (wired as conversations' afterCustomerMessage).
import type { Db } from '../core/db/index.ts';
import type { Logger } from '../core/logger.ts';
import type { EmbedderRegistry } from '../kb/index.ts';

export type BotDeps = { db: Db; embedders: EmbedderRegistry; logger: Logger; answerThreshold: number };

export { answerMessage, type AnswerInput, type Decision } from './answer.ts';
export { readSignals, type Signals } from './signals.ts';
export { confidenceOf, extractAnswer, coverage } from './extract.ts';
