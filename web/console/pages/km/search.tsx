// The retrieval tester: a question → the ranked chunks the bot would see, with every score (fused, similarity, text
// rank, the rank in each list, rerank).
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { SelectField, TableHead, TextField } from '../../forms.tsx';
import { Empty, FormError, Page, useAction } from '../../ui.tsx';
import { KmNav } from './shared.tsx';

type Passage = {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  headingPath: string[];
  text: string;
  location: Record<string, unknown>;
  score: number;
  similarity: number | null;
  textRank: number | null;
  ranks: { vector: number | null; text: number | null };
  rerankScore: number | null;
};
type Result = { query: string; mode: string; tookMs: number; passages: Passage[] };

const num = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

export function SearchPage() {
  const [q, setQ] = useState('');
  const [mode, setMode] = useState('hybrid');
  const [visibility, setVisibility] = useState('');
  const [limit, setLimit] = useState('10');
  const [result, setResult] = useState<Result | null>(null);
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const p = new URLSearchParams({ q, mode, limit });
    if (visibility) p.set('visibility', visibility);
    void action.run(async () => setResult(await api<Result>(`/api/kb/search?${p}`)));
  };
  return (
    <Page title="Retrieval tester">
      <KmNav />
      <form class="card row" onSubmit={submit} style={{ marginBottom: '16px' }}>
        <TextField label="Question" type="search" required minLength={2} value={q} onValue={setQ} placeholder="How long does a refund take?" style={{ flex: '1 1 360px' }} />
        <SelectField label="Mode" value={mode} onValue={setMode}>
          <option value="hybrid">Hybrid</option>
          <option value="vector">Vector only</option>
          <option value="text">Full text only</option>
        </SelectField>
        <SelectField label="Collections" value={visibility} onValue={setVisibility}>
          <option value="">All</option>
          <option value="public">Public (what the bot sees)</option>
          <option value="internal">Internal</option>
        </SelectField>
        <TextField label="Results" type="number" min={1} max={50} value={limit} onValue={setLimit} inputStyle={{ width: '70px' }} />
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      <FormError error={action.error} />
      {result ? (
        <div class="stack">
          <p class="muted" aria-live="polite">
            {result.passages.length} chunk{result.passages.length === 1 ? '' : 's'} for “{result.query}” ({result.mode}) in {result.tookMs} ms
          </p>
          {result.passages.length === 0 ? (
            <Empty>Nothing matched. The bot would hand this question to a person.</Empty>
          ) : (
            <table>
              <TableHead columns={['#', 'Chunk', { label: 'Fused', title: 'Reciprocal-rank fusion of both lists; higher is better' }, { label: 'Similarity', title: 'Cosine similarity of question and chunk' }, { label: 'Text rank', title: 'Full-text rank, 0–1' }, 'Rank (vector / text)', 'Rerank']} />
              <tbody>
                {result.passages.map((p, i) => (
                  <tr key={p.chunkId}>
                    <td class="nums">{i + 1}</td>
                    <td>
                      <a href={`#/kb/documents/${p.documentId}`}>{p.documentTitle}</a>
                      {p.headingPath.length ? <span class="muted"> › {p.headingPath.join(' › ')}</span> : null}
                      {p.location.page ? <span class="muted"> · page {String(p.location.page)}</span> : null}
                      <div style={{ fontSize: '14px' }}>{p.text.length > 320 ? `${p.text.slice(0, 320)}…` : p.text}</div>
                    </td>
                    <td class="score-cell">{num(p.score, 4)}</td>
                    <td class="score-cell">{num(p.similarity)}</td>
                    <td class="score-cell">{num(p.textRank)}</td>
                    <td class="score-cell">
                      {p.ranks.vector ?? '—'} / {p.ranks.text ?? '—'}
                    </td>
                    <td class="score-cell">{num(p.rerankScore)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
    </Page>
  );
}
