// Reports over HTTP (reports:read): supervisors, QA leads and admins.
import { Router } from 'express';
import { authorize } from '../core/access.ts';
import { Period, periodOf } from '../core/period.ts';
import { parse } from '../core/validate.ts';
import { csatReport } from './csat.ts';
import type { AnalyticsDeps } from './index.ts';

export function reportsRoutes(deps: AnalyticsDeps): Router {
  const router = Router();

  // CSAT per agent, plus the bot, for ratings given in the period (default: the last 30 days).
  router.get('/reports/csat', async (req, res) => {
    const who = authorize(res, 'reports:read');
    const period = periodOf(parse(Period, req.query, 'report period'));
    res.json(await csatReport(deps.db, who.workspaceId, period));
  });

  return router;
}
