// The Knowledge base area of the console (knowledge managers, admins): documents with live status and progress,
// upload and URL import, collections, a document's chunks, the retrieval tester and knowledge gaps. Registered for
// the shell (see ../../pages.ts); the area's tabs are in shared.tsx.
import type { PageDef } from '../../pages.ts';
import { CollectionsPage } from './collections.tsx';
import { DocumentPage, DocumentsPage } from './documents.tsx';
import { GapsPage } from './gaps.tsx';
import { SearchPage } from './search.tsx';
import { UploadPage } from './upload.tsx';

const roles: PageDef['roles'] = ['kb_manager', 'admin'];

export const pages: PageDef[] = [
  { path: '/kb', label: 'Knowledge base', roles, component: DocumentsPage },
  { path: '/kb/upload', roles, component: UploadPage },
  { path: '/kb/collections', roles, component: CollectionsPage },
  { path: '/kb/documents/:id', roles, component: DocumentPage },
  { path: '/kb/search', roles, component: SearchPage },
  { path: '/kb/gaps', roles, component: GapsPage },
];
