// Evals and QA: the offline harness (harness/: datasets validated with zod → a fresh workspace loaded through the real
// ingestion path → every case through the real bot pipeline → retrieval, decision, escalation, answer-quality,
// citation and latency metrics → report.json + a self-contained report.html; threshold sweep, written to a
// workspace's settings; the regression gate against evals/baselines/) and automated QA scoring of bot and agent
// replies (qa/: rubric, deterministic scorer, LLM judge, the grading job, review routes, agreement with people,
// calibration against human ratings, the dashboard summary) and the list of eval runs with their reports (runs/). It gets its deps from app/ (it must not import app/) and reaches other
// modules only through their index.ts.
export { qaRoutes } from './qa/qa.routes.ts';
export { evalRunsRoutes, listEvalRuns, type EvalRunsDeps, type EvalRunSummary } from './runs/runs.routes.ts';
export { qaSummary, type QaSummary } from './qa/summary.ts';
export { QA_QUEUE, QA_SWEEP_JOB, sweepQa } from './qa/job.ts';
export { gradeConversation, CHAT_TARGETS, type QaDeps, type GradeResult } from './qa/grade.ts';
export { llmJudge, type QaJudge, type JudgeConfig } from './qa/judge.ts';
export { calibrate, formatCalibration, type CalibrationReport } from './qa/calibrate.ts';
export { DEFAULT_RUBRIC, type Rubric } from './qa/rubric.ts';
export { runEval, type EvalDeps, type EvalOptions, type EvalProgress, type EvalReport } from './harness/run.ts';
export { readDataset, parseJsonl, KbLine, CaseLine, type LineError } from './harness/dataset.ts';
export { writeReport, summaryLines } from './harness/report.ts';
export { openAiAnswerJudge, type AnswerJudge, type AnswerJudgeConfig } from './harness/judge.ts';
export { runGate, formatGateTable, failing, GATE_SETS, DEFAULT_DATASETS_DIR, BASELINES_DIR, type GateSetResult } from './harness/gate.ts';
export { headlineMetrics, type ThresholdMetrics } from './harness/summary.ts';
export type { SweepTarget } from './harness/metrics.ts';
