// What the Settings pages share: the area's tabs and the workspace settings as GET /api/admin/settings sends them.
import { currentPath } from '../../router.ts';
import { SubNav } from '../../ui.tsx';

export const ADMIN_TABS = [
  { path: '/admin', label: 'Users' },
  { path: '/admin/agents', label: 'Agents' },
  { path: '/admin/skills', label: 'Skills' },
  { path: '/admin/routing', label: 'Routing rules' },
  { path: '/admin/hours', label: 'Business hours' },
  { path: '/admin/sla', label: 'SLA policies' },
  { path: '/admin/quick-replies', label: 'Canned responses' },
  { path: '/admin/bot', label: 'Bot' },
  { path: '/admin/api-keys', label: 'API keys' },
];

export function AdminNav() {
  return <SubNav label="Settings" items={ADMIN_TABS} current={currentPath().split('?')[0]!} />;
}

export type Interval = { open: string; close: string };
export type BusinessHours = { timezone: string; weekly: Partial<Record<string, Interval[]>>; holidays?: string[] };
export type SensitiveTopic = { name: string; keywords: string[] };
export type SettingsResponse = {
  workspace: {
    slug: string;
    name: string;
    settings: Record<string, unknown> & { businessHours?: BusinessHours | null; defaultSkill?: string | null; preferPreviousAgent?: boolean };
  };
  bot: { answerThreshold: number; clarifyThreshold: number; sensitiveTopics: SensitiveTopic[] };
};

/** A skill as GET /api/team/skills lists it; `businessHours` null: the workspace's hours. */
export type Skill = { id: string; name: string; label: string; description: string | null; businessHours: BusinessHours | null; agents: number };

/** "a, b ,c" → ["a", "b", "c"]. */
export const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
