// The Settings area of the console (admins): users and roles, agents (skills, levels, capacity), skills (with their
// own hours), routing rules (and what happens when none matches), business hours, SLA policies, canned responses, the
// bot's thresholds and sensitive topics, API keys. Registered for the shell (see ../../pages.ts); the area's tabs are
// in shared.tsx.
import type { PageDef } from '../../pages.ts';
import { AgentsPage } from './agents.tsx';
import { ApiKeysPage, UsersPage } from './people.tsx';
import { BotPage, HoursPage } from './settings.tsx';
import { QuickRepliesPage, RoutingPage, SkillsPage, SlaPage } from './team.tsx';

const roles: PageDef['roles'] = ['admin'];

export const pages: PageDef[] = [
  { path: '/admin', label: 'Settings', roles, component: UsersPage },
  { path: '/admin/agents', roles, component: AgentsPage },
  { path: '/admin/skills', roles, component: SkillsPage },
  { path: '/admin/routing', roles, component: RoutingPage },
  { path: '/admin/hours', roles, component: HoursPage },
  { path: '/admin/sla', roles, component: SlaPage },
  { path: '/admin/quick-replies', roles, component: QuickRepliesPage },
  { path: '/admin/bot', roles, component: BotPage },
  { path: '/admin/api-keys', roles, component: ApiKeysPage },
];
