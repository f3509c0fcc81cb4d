// What the Quality pages share: the area's tabs, the grade's shape as the API sends it, category names in words, and
// a Chart.js canvas.
import Chart from 'chart.js/auto';
import type { ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { currentPath } from '../../router.ts';
import { SubNav } from '../../ui.tsx';

export type Score = { category: string; score: number | null; effective: number | null; rationale: string | null; overridden: boolean };
export type Evaluation = {
  id: string;
  conversationId: string;
  messageId: string | null;
  subject: 'bot' | 'agent' | 'conversation';
  agentId: string | null;
  agentName: string | null;
  skill: string | null;
  scorer: string;
  scorerVersion: string;
  overall: number | null;
  createdAt: string;
  scores: Score[] | null;
};

export const QA_TABS = [
  { path: '/qa', label: 'Dashboard' },
  { path: '/qa/reviews', label: 'Review queue' },
  { path: '/qa/disputes', label: 'Disputes' },
  { path: '/qa/agreement', label: 'Agreement' },
  { path: '/qa/evals', label: 'Eval runs' },
];

export function QaNav() {
  return <SubNav label="Quality" items={QA_TABS} current={currentPath().split('?')[0]!} />;
}

export const CATEGORIES = ['greeting', 'empathy', 'tone', 'clarity', 'spelling_grammar', 'accuracy', 'resolution', 'compliance', 'closing', 'response_time'];
/** The default rubric's labels; a workspace's own category keys read as words ("first_contact" → "First contact"). */
const CATEGORY_LABELS: Record<string, string> = { spelling_grammar: 'Spelling and grammar', response_time: 'Response time' };
export const categoryName = (key: string): string => {
  if (CATEGORY_LABELS[key]) return CATEGORY_LABELS[key];
  const words = key.replace(/_/g, ' ');
  return words[0]!.toUpperCase() + words.slice(1);
};
export const SUBJECT_NAMES: Record<Evaluation['subject'], string> = { bot: 'Bot reply', agent: 'Agent reply', conversation: 'Whole conversation' };

/** Average of the effective scores of an evaluation (what counts after overrides). */
export function effectiveAverage(e: Evaluation): number | null {
  const s = (e.scores ?? []).map((x) => x.effective).filter((x): x is number => typeof x === 'number');
  return s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
}

/** A Chart.js chart on a canvas, rebuilt when `config` changes; `summary` is its text for screen readers. */
export function ChartCanvas(props: { config: ChartConfiguration; summary: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, { ...props.config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...props.config.options } });
    return () => chart.destroy();
  }, [props.config]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={props.summary} />
    </div>
  );
}

/** The choices of a 1–5 score select. */
export const SCORE_OPTIONS = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: n }));
