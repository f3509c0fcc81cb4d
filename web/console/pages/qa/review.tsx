// Conversation review: the transcript beside every grade with its rationale; a QA lead overrides any category with a
// score and a comment (POST /api/qa/evaluations/:id/reviews), and the override becomes the grade that counts.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { SelectField, TableHead, TextField } from '../../forms.tsx';
import { Badge, ErrorNote, FormError, Loading, Page, ScoreBadge, useAction, useApi, when } from '../../ui.tsx';
import { categoryName, type Evaluation, QaNav, type Score, SCORE_OPTIONS, SUBJECT_NAMES } from './shared.tsx';

type Message = { id: string; sender: 'customer' | 'bot' | 'agent' | 'system'; body: string; private: boolean; confidence: number | null; createdAt: string };
type Review = { id: string; category: string; score: number; comment: string; createdAt: string };
type Dispute = { id: string; category: string; reason: string; status: string; resolution: string | null };
type Detailed = Evaluation & { reviews: Review[] | null; disputes: Dispute[] | null };

const SENDER: Record<Message['sender'], string> = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' };

export function ReviewPage(props: PageProps) {
  const id = props.params.id!;
  const data = useApi<{ conversationId: string; messages: Message[]; evaluations: Detailed[] }>(`/api/qa/conversations/${id}`);
  return (
    <Page title="Conversation review" actions={<a href="#/qa/reviews">Back to the queue</a>}>
      <QaNav />
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      {data.data ? (
        <div class="review">
          <section class="card" aria-labelledby="transcript-title">
            <h2 id="transcript-title">Transcript</h2>
            <ol class="transcript" role="list" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {data.data.messages.map((m) => (
                <li key={m.id} id={`msg-${m.id}`} class={`msg ${m.sender}`}>
                  <div class="who">
                    {SENDER[m.sender]}
                    {m.private ? ' · private note' : ''} · {when(m.createdAt)}
                    {m.confidence !== null && m.sender === 'bot' ? ` · confidence ${m.confidence.toFixed(2)}` : ''}
                  </div>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
                </li>
              ))}
            </ol>
          </section>
          <div class="stack">
            {data.data.evaluations.length === 0 ? <p class="empty">This conversation has no grades yet.</p> : null}
            {data.data.evaluations.map((e) => (
              <EvaluationCard key={e.id} evaluation={e} messages={data.data!.messages} onChanged={data.reload} />
            ))}
          </div>
        </div>
      ) : null}
    </Page>
  );
}

function EvaluationCard(props: { evaluation: Detailed; messages: Message[]; onChanged: () => void }) {
  const e = props.evaluation;
  const reply = e.messageId ? props.messages.find((m) => m.id === e.messageId) : null;
  return (
    <section class="card grade" aria-label={`${SUBJECT_NAMES[e.subject]} grade`}>
      <h2>
        {SUBJECT_NAMES[e.subject]}
        {e.agentName ? ` · ${e.agentName}` : ''} <span class="muted" style={{ fontWeight: 400, fontSize: '13px' }}>({e.scorer}, {e.scorerVersion})</span>
      </h2>
      {reply ? (
        <p class="muted" style={{ marginTop: 0, fontSize: '13px' }}>
          About: “{reply.body.length > 140 ? `${reply.body.slice(0, 140)}…` : reply.body}” <a href={`#msg-${reply.id}`} onClick={(ev) => (ev.preventDefault(), document.getElementById(`msg-${reply.id}`)?.scrollIntoView({ block: 'center' }))}>show</a>
        </p>
      ) : null}
      <table>
        <TableHead columns={['Category', 'Automated', 'Counts', 'Rationale']} actions="Override" />
        <tbody>
          {(e.scores ?? [])
            .filter((s) => s.score !== null)
            .map((s) => (
              <CategoryRow key={s.category} evaluation={e} score={s} onChanged={props.onChanged} />
            ))}
        </tbody>
      </table>
      {e.disputes?.length ? (
        <div style={{ marginTop: '10px' }}>
          <strong>Disputes</strong>
          <ul>
            {e.disputes.map((d) => (
              <li key={d.id}>
                {categoryName(d.category)}: “{d.reason}” — <Badge tone={d.status === 'open' ? 'warn' : 'info'}>{d.status}</Badge>
                {d.resolution ? ` ${d.resolution}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function CategoryRow(props: { evaluation: Detailed; score: Score; onChanged: () => void }) {
  const s = props.score;
  const reviews = (props.evaluation.reviews ?? []).filter((r) => r.category === s.category);
  const latest = reviews[reviews.length - 1];
  const [open, setOpen] = useState(false);
  const [score, setScore] = useState(String(Math.round(s.effective ?? s.score ?? 3)));
  const [comment, setComment] = useState('');
  const action = useAction();
  const name = categoryName(s.category);
  const submit = (ev: Event) => {
    ev.preventDefault();
    void action.run(async () => {
      await api(`/api/qa/evaluations/${props.evaluation.id}/reviews`, { body: { category: s.category, score: Number(score), comment } });
      setOpen(false);
      setComment('');
      props.onChanged();
    });
  };
  return (
    <>
      <tr data-category={s.category}>
        <th scope="row" style={{ background: 'none', fontWeight: 500 }}>
          {name}
        </th>
        <td>
          <ScoreBadge score={s.score} />
        </td>
        <td>
          <ScoreBadge score={s.effective} /> {s.overridden ? <Badge tone="warn">overridden</Badge> : null}
        </td>
        <td>
          <span class="rationale">{s.rationale ?? '—'}</span>
          {latest ? (
            <div class="rationale">
              <strong>Reviewer:</strong> {latest.comment} ({when(latest.createdAt)})
            </div>
          ) : null}
        </td>
        <td>
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Override ${name}`}>
            Override
          </button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={5}>
            <form class="row" onSubmit={submit} aria-label={`Override ${name}`}>
              <SelectField label={<>Score for {name}</>} value={score} onValue={setScore} options={SCORE_OPTIONS} />
              <TextField label="Comment (why)" value={comment} onValue={setComment} style={{ flex: '1 1 260px' }} />
              <button type="submit" class="primary" disabled={action.busy}>
                Save override
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </form>
            <FormError error={action.error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
