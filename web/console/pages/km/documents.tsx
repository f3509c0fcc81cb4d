// Documents: every document with its status, progress and error, live from /api/kb/events; one document with its
// versions and chunks, re-index and delete.
import { useEffect, useState } from 'preact/hooks';
import { api, liveEvents } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { navigate } from '../../router.ts';
import { ListTable, TableHead, TextField } from '../../forms.tsx';
import { ErrorNote, FormError, Loading, Page, useAction, useApi, when } from '../../ui.tsx';
import { type Collection, type Doc, DocProgress, KmNav, mergeDoc, StatusBadge } from './shared.tsx';

type DocEvent = { type: string; document?: Partial<Doc> & { id: string } };

/** Keeps `docs` current with the live stream: progress and status changes, deletions. */
export function useLiveDocs(initial: Doc[] | null): [Doc[] | null, (d: Doc[] | null) => void] {
  const [docs, setDocs] = useState<Doc[] | null>(initial);
  useEffect(() => setDocs(initial), [initial]);
  useEffect(
    () =>
      liveEvents(
        '/api/kb/events',
        (type, data) => {
          const ev = data as DocEvent;
          if (!ev?.document) return;
          if (type === 'document.deleted') setDocs((list) => list?.filter((d) => d.id !== ev.document!.id) ?? list);
          else setDocs((list) => list?.map((d) => mergeDoc(d, ev.document!)) ?? list);
        },
        ['document.updated', 'document.deleted'],
      ),
    [],
  );
  return [docs, setDocs];
}

export function DocumentsPage() {
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const params = new URLSearchParams({ limit: '50', offset: String(offset) });
  if (status) params.set('status', status);
  if (query) params.set('q', query);
  const list = useApi<{ documents: Doc[]; total: number }>(`/api/kb/documents?${params}`);
  const collections = useApi<{ collections: Collection[] }>('/api/kb/collections');
  const [docs] = useLiveDocs(list.data?.documents ?? null);
  const names = new Map((collections.data?.collections ?? []).map((c) => [c.id, c.name]));
  return (
    <Page title="Knowledge base" actions={<a href="#/kb/upload">Upload documents</a>}>
      <KmNav />
      <form
        class="row"
        style={{ marginBottom: '12px' }}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQuery(q.trim());
        }}
      >
        <label>
          Status
          <select value={status} onChange={(e) => (setOffset(0), setStatus(e.currentTarget.value))}>
            <option value="">Any</option>
            <option value="pending">Pending</option>
            <option value="processing">Processing</option>
            <option value="ready">Ready</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <TextField label="Title contains" type="search" value={q} onValue={setQ} />
        <button type="submit">Filter</button>
        <span class="muted">{list.data ? `${list.data.total} document${list.data.total === 1 ? '' : 's'}` : ''}</span>
      </form>
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !docs} />
      <ListTable
        rows={docs}
        empty="No documents yet. Upload files or import a web page to start."
        columns={['Title', 'Collection', 'Status', { label: 'Progress', width: '28%' }, 'Version', 'Updated']}
        row={(d) => (
          <tr key={d.id}>
            <td>
              <a href={`#/kb/documents/${d.id}`}>{d.title}</a>
              {d.tags.length ? <div class="muted" style={{ fontSize: '12px' }}>{d.tags.join(', ')}</div> : null}
            </td>
            <td>{(d.collectionId && names.get(d.collectionId)) ?? '—'}</td>
            <td>
              <StatusBadge status={d.status} />
            </td>
            <td>{d.status === 'failed' ? <span class="error-text">{d.error ?? 'Failed'}</span> : <DocProgress doc={d} />}</td>
            <td class="nums">v{d.version}</td>
            <td class="nums">{when(d.updatedAt)}</td>
          </tr>
        )}
      />
      {list.data && list.data.total > 50 ? (
        <div class="row" style={{ marginTop: '12px' }}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
            Previous
          </button>
          <span class="muted">
            {offset + 1}–{Math.min(offset + 50, list.data.total)} of {list.data.total}
          </span>
          <button type="button" disabled={offset + 50 >= list.data.total} onClick={() => setOffset(offset + 50)}>
            Next
          </button>
        </div>
      ) : null}
    </Page>
  );
}

type Version = { version: number; format: string; filename: string | null; sizeBytes: number | null; createdByEmail: string | null; createdAt: string };
type Chunk = { id: string; ordinal: number; kind: string; headingPath: string[]; text: string; tokenCount: number; location: Record<string, unknown> };

export function DocumentPage(props: PageProps) {
  const id = props.params.id!;
  const detail = useApi<{ document: Doc; versions: Version[] }>(`/api/kb/documents/${id}`);
  const [docs] = useLiveDocs(detail.data ? [detail.data.document] : null);
  const doc = docs?.[0] ?? null;
  const chunks = useApi<{ chunks: Chunk[] }>(doc?.status === 'ready' ? `/api/kb/documents/${id}/chunks?v=${doc.version}` : null);
  const action = useAction();
  const reindex = () => action.run(async () => {
    await api(`/api/kb/documents/${id}/reindex`, { method: 'POST' });
    detail.reload();
  });
  const remove = () => {
    if (!doc || !window.confirm(`Delete "${doc.title}"? The bot stops using it at once.`)) return;
    void action.run(async () => {
      await api(`/api/kb/documents/${id}`, { method: 'DELETE' });
      navigate('/kb');
    });
  };
  return (
    <Page
      title={doc?.title ?? 'Document'}
      actions={
        doc ? (
          <>
            <button type="button" onClick={reindex} disabled={action.busy}>
              Re-index
            </button>
            <button type="button" onClick={remove} disabled={action.busy}>
              Delete
            </button>
          </>
        ) : null
      }
    >
      <KmNav />
      <ErrorNote error={detail.error} />
      <FormError error={action.error} />
      <Loading loading={detail.loading && !doc} />
      {doc ? (
        <div class="stack">
          <div class="card grid2">
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={doc.status} />
              </dd>
              <dt>Progress</dt>
              <dd>
                <DocProgress doc={doc} />
              </dd>
              {doc.error ? (
                <>
                  <dt>Error</dt>
                  <dd class="error-text">{doc.error}</dd>
                </>
              ) : null}
            </dl>
            <dl class="facts">
              <dt>Source</dt>
              <dd>{doc.sourceRef ?? doc.source ?? '—'}</dd>
              <dt>Format</dt>
              <dd>
                {doc.format ?? doc.mime ?? '—'}
                {doc.pages ? ` · ${doc.pages} pages` : ''}
                {doc.language ? ` · ${doc.language}` : ''}
              </dd>
              <dt>Tags</dt>
              <dd>{doc.tags.length ? doc.tags.join(', ') : '—'}</dd>
              {doc.warnings?.length ? (
                <>
                  <dt>Warnings</dt>
                  <dd>{doc.warnings.join('; ')}</dd>
                </>
              ) : null}
            </dl>
          </div>
          <section class="card">
            <h2>Versions</h2>
            <table>
              <TableHead columns={['Version', 'File', 'By', 'When']} />
              <tbody>
                {detail.data!.versions.map((v) => (
                  <tr key={v.version}>
                    <td class="nums">v{v.version}</td>
                    <td>
                      {v.filename ?? v.format}
                      {v.sizeBytes ? <span class="muted"> · {Math.max(1, Math.round(v.sizeBytes / 1024))} KB</span> : null}
                    </td>
                    <td>{v.createdByEmail ?? '—'}</td>
                    <td class="nums">{when(v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="card">
            <h2>Chunks{chunks.data ? ` (${chunks.data.chunks.length})` : ''}</h2>
            {doc.status !== 'ready' ? <p class="muted">Chunks appear when the document is ready.</p> : null}
            <ErrorNote error={chunks.error} />
            {chunks.data ? (
              <ol class="chunks">
                {chunks.data.chunks.map((c) => (
                  <li key={c.id}>
                    <div class="muted" style={{ fontSize: '12px' }}>
                      #{c.ordinal} · {c.kind}
                      {c.headingPath.length ? ` · ${c.headingPath.join(' › ')}` : ''}
                      {c.location.page ? ` · page ${String(c.location.page)}` : ''}
                      {c.location.anchor ? ` · #${String(c.location.anchor)}` : ''} · {c.tokenCount} tokens
                    </div>
                    <pre class="chunk">{c.text}</pre>
                  </li>
                ))}
              </ol>
            ) : null}
          </section>
        </div>
      ) : null}
    </Page>
  );
}
