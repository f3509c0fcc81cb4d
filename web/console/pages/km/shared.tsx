// What the knowledge-base pages share: the area's tabs, the document's shape as the API sends it, and its status
// and progress in words and bars.
import { currentPath } from '../../router.ts';
import { Badge, ProgressBar, SubNav } from '../../ui.tsx';

export type DocStatus = 'pending' | 'processing' | 'ready' | 'failed';
export type Progress = { stage?: string; percent?: number; done?: number; total?: number; code?: string };
export type Doc = {
  id: string;
  title: string;
  status: DocStatus;
  progress: Progress | null;
  error: string | null;
  collectionId: string | null;
  tags: string[];
  version: number;
  source: string | null;
  sourceRef: string | null;
  mime: string | null;
  format: string | null;
  language: string | null;
  pages: number | null;
  warnings: string[] | null;
  updatedAt: string;
};
export type Collection = { id: string; name: string; description: string | null; visibility: 'public' | 'internal'; defaultSkill: string | null; documents?: number };

export const KM_TABS = [
  { path: '/kb', label: 'Documents' },
  { path: '/kb/upload', label: 'Upload & import' },
  { path: '/kb/collections', label: 'Collections' },
  { path: '/kb/search', label: 'Retrieval tester' },
  { path: '/kb/gaps', label: 'Knowledge gaps' },
];

export function KmNav() {
  return <SubNav label="Knowledge base" items={KM_TABS} current={currentPath().split('?')[0]!} />;
}

const TONE: Record<DocStatus, 'ok' | 'warn' | 'bad' | 'info'> = { ready: 'ok', processing: 'info', pending: 'warn', failed: 'bad' };
export function StatusBadge(props: { status: DocStatus }) {
  return <Badge tone={TONE[props.status]}>{props.status}</Badge>;
}

/** "embedding 12 / 40 chunks" — the stage in words. */
export function stageText(p: Progress | null, status: DocStatus): string {
  if (status === 'ready') return 'Ready';
  if (status === 'failed') return 'Failed';
  if (!p?.stage) return status === 'pending' ? 'Waiting to be indexed' : 'Working';
  const counts = p.total ? ` ${p.done ?? 0} / ${p.total} chunks` : '';
  return `${p.stage[0]!.toUpperCase()}${p.stage.slice(1)}${counts}`;
}

export function percentOf(d: Pick<Doc, 'status' | 'progress'>): number | null {
  if (d.status === 'ready') return 100;
  if (d.status === 'failed') return 100;
  return typeof d.progress?.percent === 'number' ? d.progress.percent : d.status === 'pending' ? 0 : null;
}

/** A document's progress as a bar with its stage beside it. */
export function DocProgress(props: { doc: Pick<Doc, 'status' | 'progress' | 'title'> }) {
  const d = props.doc;
  return (
    <div class="stack" style={{ gap: '4px' }}>
      <ProgressBar value={percentOf(d)} label={`${d.title}: ${stageText(d.progress, d.status)}`} tone={d.status === 'ready' ? 'ok' : d.status === 'failed' ? 'bad' : undefined} />
      <span class="muted nums" style={{ fontSize: '13px' }}>
        {stageText(d.progress, d.status)}
        {d.status !== 'ready' && d.status !== 'failed' && typeof d.progress?.percent === 'number' ? ` · ${d.progress.percent}%` : ''}
      </span>
    </div>
  );
}

/** Merges a live `document.updated` event into a document. */
export function mergeDoc<T extends Pick<Doc, 'id'>>(doc: T, ev: Partial<Doc>): T {
  return ev.id === doc.id ? { ...doc, ...ev } : doc;
}
