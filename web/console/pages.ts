// What a console page is. Each area registers its pages in its own folder (pages/agent, pages/km, pages/qa,
// pages/admin); the shell (App.tsx) shows the ones the signed-in role may use, in the order listed.
import type { ComponentType } from 'preact';
import type { Me, Role } from './api.ts';

export type PageProps = { params: Record<string, string>; me: Me };
export type PageDef = {
  /** A route pattern: '/kb/documents' or '/kb/documents/:id'. */
  path: string;
  /** The navigation label; pages without one (details) are reached by links. */
  label?: string;
  roles: Role[];
  component: ComponentType<PageProps>;
};
