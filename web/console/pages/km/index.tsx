// The Knowledge base area of the console: its pages, registered for the shell (see ../../pages.ts).
import type { PageDef } from '../../pages.ts';
import { Empty, Page } from '../../ui.tsx';

function Placeholder() {
  return (
    <Page title="Knowledge base">
      <Empty>This part of the console is being built.</Empty>
    </Page>
  );
}

export const pages: PageDef[] = [{ path: '/kb', label: 'Knowledge base', roles: ['kb_manager', 'admin'], component: Placeholder }];
