// Pure: signals read from the customer's message before any retrieval. Explicit requests for a person are honoured
// at once, in any language we know the words for.
const HUMAN_PATTERNS: RegExp[] = [
  /\b(talk|speak|chat|connect|transfer)\b.{0,30}\b(human|person|agent|representative|someone|somebody|operator|staff|rep)\b/i,
  /\b(real|live|actual)\s+(human|person|agent)\b/i,
  /^\s*(human|agent|operator|representative|person)\s*(please|pls)?[.!?]*\s*$/i,
  /\b(human|agent|operator|representative)\s+please\b/i,
  /转人工|人工客服|人工服务|找人工|真人|客服人员|转接人工|人工/,
  /(hablar|habla)\s+con\s+(una\s+)?(persona|agente|humano)/i,
  /(parler|parle)\s+à\s+(un|une)\s+(humain|agent|personne|conseiller)/i,
  /mit\s+(einem|einer)\s+(menschen|mitarbeiter|agenten)\s+sprechen/i,
];

export type Signals = { humanRequested: boolean };

export function readSignals(text: string): Signals {
  return { humanRequested: HUMAN_PATTERNS.some((p) => p.test(text)) };
}
