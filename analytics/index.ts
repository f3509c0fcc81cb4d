// Analytics: read-only SQL over all tables for reports and dashboards. Built so far: CSAT per agent and the bot
// (csat.ts). Still to come: volume, containment, first response time, resolution, SLA, QA trends. It never imports
// another module: it reads their tables.
import type { Db } from '../core/db/index.ts';

export type AnalyticsDeps = { db: Db };

export { csatReport, type CsatReport, type CsatRow, type Distribution } from './csat.ts';
export { reportsRoutes } from './reports.routes.ts';
