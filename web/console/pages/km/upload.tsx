// Upload and import: drop many files at once (or choose them), each accepted or refused on its own with the reason;
// accepted ones show a live progress bar until they are ready (from /api/kb/events, with a slow poll as a safety net
// when the stream drops). URL imports (a page, a crawl, a sitemap) show their progress and per-page errors.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, liveEvents } from '../../api.ts';
import { SelectField, TableHead, TextField } from '../../forms.tsx';
import { Badge, ErrorNote, FormError, ProgressBar, errorText, Page, useAction, useApi, when } from '../../ui.tsx';
import { type Collection, type Doc, DocProgress, KmNav, StatusBadge } from './shared.tsx';

type Rejected = { file: string; reason: string; message: string };
type Accepted = { file: string; outcome: string; warnings?: string[]; document: Doc };
type Batch = { id: number; names: string[]; state: 'uploading' | 'done' | 'failed'; error?: string; accepted: Accepted[]; rejected: Rejected[] };
type ImportRow = { id: string; kind: string; params: { url?: string }; status: string; progress: { stage?: string; percent?: number; errors?: { url: string; error: string }[]; pages?: number; created?: number; updated?: number; unchanged?: number; failed?: number } | null; error: string | null; createdAt: string };

const FINAL = new Set(['ready', 'failed']);

export function UploadPage() {
  const collections = useApi<{ collections: Collection[] }>('/api/kb/collections');
  const [collectionId, setCollectionId] = useState('');
  const [tags, setTags] = useState('');
  const [over, setOver] = useState(false);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [docs, setDocs] = useState<Record<string, Doc>>({});
  const seen = useRef<Record<string, Partial<Doc>>>({}); // events that arrive before the upload's answer
  const input = useRef<HTMLInputElement>(null);
  const nextId = useRef(1);

  useEffect(
    () =>
      liveEvents(
        '/api/kb/events',
        (_type, data) => {
          const d = (data as { document?: Partial<Doc> & { id: string } })?.document;
          if (!d) return;
          seen.current[d.id] = { ...seen.current[d.id], ...d };
          setDocs((all) => (all[d.id] ? { ...all, [d.id]: { ...all[d.id]!, ...d } } : all));
        },
        ['document.updated'],
      ),
    [],
  );
  // Safety net: documents still working are re-read every few seconds (a dropped stream still ends in "ready").
  useEffect(() => {
    const open = Object.values(docs).filter((d) => !FINAL.has(d.status));
    if (open.length === 0) return;
    const timer = window.setTimeout(async () => {
      for (const d of open) {
        const r = await api<{ document: Doc }>(`/api/kb/documents/${d.id}`).catch(() => null);
        if (r) setDocs((all) => ({ ...all, [d.id]: { ...all[d.id]!, ...r.document } }));
      }
    }, 3000);
    return () => window.clearTimeout(timer);
  }, [docs]);

  const upload = async (files: File[]) => {
    if (files.length === 0) return;
    const id = nextId.current++;
    setBatches((b) => [{ id, names: files.map((f) => f.name), state: 'uploading', accepted: [], rejected: [] }, ...b]);
    const form = new FormData();
    if (collectionId) form.set('collectionId', collectionId);
    if (tags.trim()) form.set('tags', tags.trim());
    for (const f of files) form.append('files', f, f.name);
    try {
      const r = await api<{ documents: Accepted[]; rejected: Rejected[] }>('/api/kb/uploads', { form });
      setDocs((all) => {
        const next = { ...all };
        for (const a of r.documents) next[a.document.id] = { ...a.document, ...seen.current[a.document.id] };
        return next;
      });
      setBatches((b) => b.map((x) => (x.id === id ? { ...x, state: 'done', accepted: r.documents, rejected: r.rejected } : x)));
    } catch (err) {
      const rejected = err instanceof ApiError ? ((err.details as { rejected?: Rejected[] } | undefined)?.rejected ?? []) : [];
      setBatches((b) => b.map((x) => (x.id === id ? { ...x, state: 'failed', error: errorText(err), rejected } : x)));
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void upload(Array.from(e.dataTransfer?.files ?? []));
  };

  return (
    <Page title="Upload & import">
      <KmNav />
      <div class="stack">
        <section class="card stack" aria-labelledby="upload-title">
          <h2 id="upload-title">Upload files</h2>
          <div class="row">
            <label>
              Collection
              <select value={collectionId} onChange={(e) => setCollectionId(e.currentTarget.value)}>
                <option value="">Default collection</option>
                {(collections.data?.collections ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.visibility})
                  </option>
                ))}
              </select>
            </label>
            <TextField label="Tags (comma-separated)" value={tags} onValue={setTags} placeholder="billing, returns" />
          </div>
          <div
            class={`dropzone${over ? ' over' : ''}`}
            data-testid="dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={onDrop}
          >
            <strong>Drop files here</strong>
            <span class="muted">PDF, DOCX, HTML, Markdown, TXT, CSV, XLSX or JSON — as many as you like at once.</span>
            <label class="button-like">
              <input
                ref={input}
                type="file"
                multiple
                class="visually-hidden"
                accept=".pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv,.xlsx,.json"
                onChange={(e) => {
                  void upload(Array.from(e.currentTarget.files ?? []));
                  e.currentTarget.value = '';
                }}
              />
              Choose files…
            </label>
          </div>
          {batches.map((b) => (
            <div key={b.id} class="stack" style={{ gap: '8px' }}>
              {b.state === 'uploading' ? (
                <div class="files">
                  <li>
                    <span>Uploading {b.names.length === 1 ? b.names[0] : `${b.names.length} files`}…</span>
                    <ProgressBar value={null} label={`Uploading ${b.names.join(', ')}`} />
                    <span />
                  </li>
                </div>
              ) : null}
              {b.error ? <p class="error" role="alert">{b.error}</p> : null}
              <ul class="files" aria-label="Uploaded files">
                {b.accepted.map((a) => {
                  const d = docs[a.document.id] ?? a.document;
                  return (
                    <li key={a.document.id}>
                      <span>
                        <a href={`#/kb/documents/${d.id}`}>{a.file}</a>
                        {a.outcome === 'unchanged' ? <span class="muted"> · unchanged</span> : null}
                        {a.warnings?.length ? <div class="muted" style={{ fontSize: '12px' }}>{a.warnings.join('; ')}</div> : null}
                      </span>
                      {d.status === 'failed' ? <span class="error-text">{d.error ?? 'Indexing failed'}</span> : <DocProgress doc={{ ...d, title: a.file }} />}
                      <StatusBadge status={d.status} />
                    </li>
                  );
                })}
                {b.rejected.map((r) => (
                  <li key={r.file} class="rejected">
                    <span>
                      {r.file} <Badge tone="bad">refused</Badge>
                    </span>
                    <span>{r.message}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
        <ImportSection collections={collections.data?.collections ?? []} />
      </div>
    </Page>
  );
}

function ImportSection(props: { collections: Collection[] }) {
  const [url, setUrl] = useState('');
  const [mode, setMode] = useState<'url' | 'crawl' | 'sitemap'>('url');
  const [maxPages, setMaxPages] = useState('50');
  const [maxDepth, setMaxDepth] = useState('2');
  const [collection, setCollection] = useState('');
  const list = useApi<{ imports: ImportRow[] }>('/api/kb/imports');
  const [rows, setRows] = useState<ImportRow[]>([]);
  useEffect(() => setRows(list.data?.imports ?? []), [list.data]);
  useEffect(
    () =>
      liveEvents(
        '/api/kb/events',
        (_t, data) => {
          const i = (data as { import?: Partial<ImportRow> & { id: string } })?.import;
          if (i) setRows((all) => (all.some((r) => r.id === i.id) ? all.map((r) => (r.id === i.id ? { ...r, ...i } : r)) : all));
        },
        ['import.updated'],
      ),
    [],
  );
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<{ import: ImportRow }>('/api/kb/imports', {
        body: { url: url.trim(), mode, maxPages: Number(maxPages), maxDepth: Number(maxDepth), ...(collection ? { collection } : {}) },
      });
      setRows((all) => [r.import, ...all]);
      setUrl('');
    });
  };
  return (
    <section class="card stack" aria-labelledby="import-title">
      <h2 id="import-title">Import from the web</h2>
      <form class="row" onSubmit={submit}>
        <TextField label="Address" type="url" required value={url} onValue={setUrl} placeholder="https://help.example.com/returns" style={{ flex: '1 1 320px' }} />
        <SelectField label="What" value={mode} onValue={setMode}>
          <option value="url">This page</option>
          <option value="crawl">Crawl the site</option>
          <option value="sitemap">A sitemap</option>
        </SelectField>
        {mode !== 'url' ? (
          <>
            <TextField label="Max pages" type="number" min={1} max={10000} value={maxPages} onValue={setMaxPages} inputStyle={{ width: '90px' }} />
            <TextField label="Max depth" type="number" min={0} max={10} value={maxDepth} onValue={setMaxDepth} inputStyle={{ width: '70px' }} />
          </>
        ) : null}
        <label>
          Collection
          <select value={collection} onChange={(e) => setCollection(e.currentTarget.value)}>
            <option value="">Default</option>
            {props.collections.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Starting…' : 'Import'}
        </button>
      </form>
      <FormError error={action.error} />
      <ErrorNote error={list.error} />
      {rows.length ? (
        <table>
          <TableHead columns={['Address', 'Kind', { label: 'Progress', width: '30%' }, 'Started']} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td style={{ wordBreak: 'break-all' }}>{r.params?.url ?? '—'}</td>
                <td>{r.kind}</td>
                <td>
                  <ProgressBar
                    value={r.status === 'done' || r.status === 'failed' ? 100 : (r.progress?.percent ?? null)}
                    label={`Import of ${r.params?.url ?? r.id}`}
                    tone={r.status === 'done' ? 'ok' : r.status === 'failed' ? 'bad' : undefined}
                  />
                  <div class="muted" style={{ fontSize: '13px' }}>
                    {r.status}
                    {r.progress?.stage && r.status !== 'done' ? ` · ${r.progress.stage}` : ''}
                    {typeof r.progress?.pages === 'number' ? ` · ${r.progress.pages} pages (${r.progress.created ?? 0} new, ${r.progress.updated ?? 0} updated, ${r.progress.unchanged ?? 0} unchanged, ${r.progress.failed ?? 0} failed)` : ''}
                  </div>
                  {r.error ? <div class="error-text">{r.error}</div> : null}
                  {r.progress?.errors?.length ? (
                    <details>
                      <summary>{r.progress.errors.length} page(s) not imported</summary>
                      <ul>
                        {r.progress.errors.slice(0, 20).map((e) => (
                          <li key={e.url}>
                            {e.url}: {e.error}
                          </li>
                        ))}
                      </ul>
                    </details>
                  ) : null}
                </td>
                <td class="nums">{when(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No imports yet.</p>
      )}
    </section>
  );
}
