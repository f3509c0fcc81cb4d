// Bot: answers customers from the knowledge base with citations, asks when unsure, hands over to people when it
// cannot help — offline by default (extractive answers over the local embedder), generated and grounded when an
// OpenAI-compatible LLM is configured. Every decision is traced in bot_turns.
// Public surface: answerMessage (wired as conversations' afterCustomerMessage), runTurn (evals), the LLM client, and
// agent assist (knowledge suggestions for a conversation, internal collections included) with its route for app/.
import type { Db } from '../core/db/index.ts';
import type { Logger } from '../core/logger.ts';
import type { EmbedderRegistry } from '../kb/index.ts';
import type { ChatLlm } from './llm.ts';
import type { BotDefaults } from './settings.ts';

/** `presenceTimeoutS`: for the estimated wait told on handoff (agents without a heartbeat this long are offline). */
export type BotDeps = { db: Db; embedders: EmbedderRegistry; logger: Logger; llm: ChatLlm | null; defaults: BotDefaults; presenceTimeoutS: number };

export { answerMessage, handToPeople, type AnswerInput, type AnswerOptions } from './answer.ts';
export { runTurn, summarize, type BotSettings, type Decision, type HistoryTurn, type PriorTurn, type ReasonCode, type Step, type TurnInput, type TurnResult } from './pipeline.ts';
export { loadBotSettings, businessHoursState, type BotDefaults } from './settings.ts';
export { confidenceOf, confidenceFeatures, confidenceScore, CONFIDENCE_WEIGHTS, type ConfidenceFeatures } from './confidence.ts';
export { checkFacts, checkGrounded } from './grounded.ts';
export { extractAnswer, coverage } from './extract.ts';
export { openAiChat, LlmError, SYSTEM_PROMPT, type ChatLlm, type LlmConfig } from './llm.ts';
export { frustrationScore, FRUSTRATED_AT, readSignals, repeatedFailure, isSameQuestion, matchSensitiveTopic, SensitiveTopicSchema, DEFAULT_SENSITIVE_TOPICS, type Signals, type SensitiveTopic } from './signals.ts';
export { classifyHarm, detectInjection, leaksSystemPrompt, neutralizePassage } from './guardrails.ts';
export { rewriteQuery } from './rewrite.ts';
export { unframe } from './messages.ts';
export { suggestForConversation, type Suggestion, type SuggestionDeps, type Suggestions } from './suggestions.ts';
export { suggestionRoutes } from './suggestions.routes.ts';
