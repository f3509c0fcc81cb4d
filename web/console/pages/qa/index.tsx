// The Quality area of the console (QA leads, supervisors, admins): the dashboard with charts, the review queue, a
// conversation's review with per-category overrides, disputes, agreement with reviewers, and eval runs with their
// reports. Registered for the shell (see ../../pages.ts); the area's tabs are in shared.tsx.
import type { PageDef } from '../../pages.ts';
import { AgreementPage } from './agreement.tsx';
import { DashboardPage } from './dashboard.tsx';
import { DisputesPage } from './disputes.tsx';
import { EvalRunsPage } from './evals.tsx';
import { QueuePage } from './queue.tsx';
import { ReviewPage } from './review.tsx';

const roles: PageDef['roles'] = ['qa_lead', 'supervisor', 'admin'];

export const pages: PageDef[] = [
  { path: '/qa', label: 'Quality', roles, component: DashboardPage },
  { path: '/qa/reviews', roles, component: QueuePage },
  { path: '/qa/conversations/:id', roles, component: ReviewPage },
  { path: '/qa/disputes', roles, component: DisputesPage },
  { path: '/qa/agreement', roles, component: AgreementPage },
  { path: '/qa/evals', roles, component: EvalRunsPage },
];
