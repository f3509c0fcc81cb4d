// The Settings area of the console: its pages, registered for the shell (see ../../pages.ts).
import type { PageDef } from '../../pages.ts';
import { Empty, Page } from '../../ui.tsx';

function Placeholder() {
  return (
    <Page title="Settings">
      <Empty>This part of the console is being built.</Empty>
    </Page>
  );
}

export const pages: PageDef[] = [{ path: '/admin', label: 'Settings', roles: ['admin'], component: Placeholder }];
