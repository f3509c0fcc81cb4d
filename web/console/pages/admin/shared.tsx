// What the Settings pages share: the area's tabs and the workspace settings as GET /api/admin/settings sends them.
import { currentPath } from '../../router.ts';
import { SubNav } from '../../ui.tsx';

export const ADMIN_TABS = [
  { path: '/admin', label: 'Users' },
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
  workspace: { slug: string; name: string; settings: Record<string, unknown> & { businessHours?: BusinessHours | null; defaultSkill?: string | null } };
  bot: { answerThreshold: number; clarifyThreshold: number; sensitiveTopics: SensitiveTopic[] };
};

/** "a, b ,c" → ["a", "b", "c"]. */
export const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
