// Workspace settings (PATCH /api/admin/settings): the bot's thresholds and sensitive topics, and business hours (several
// intervals a day, holidays; the editor is hours.tsx). The API's 400 messages are shown next to the form that caused them.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { TextField, useSaveForm } from '../../forms.tsx';
import { ErrorNote, FormError, Loading, Page, useAction, useApi } from '../../ui.tsx';
import { HoursFields, hoursDraft, hoursFromDraft, hoursSummary, type HoursDraft } from './hours.tsx';
import { AdminNav, type BusinessHours, type SettingsResponse, splitList } from './shared.tsx';

export function BotPage() {
  const data = useApi<SettingsResponse>('/api/admin/settings');
  const [answer, setAnswer] = useState('');
  const [clarify, setClarify] = useState('');
  const [topics, setTopics] = useState<{ name: string; keywords: string }[]>([]);
  useEffect(() => {
    if (!data.data) return;
    setAnswer(String(data.data.bot.answerThreshold));
    setClarify(String(data.data.bot.clarifyThreshold));
    setTopics(data.data.bot.sensitiveTopics.map((t) => ({ name: t.name, keywords: t.keywords.join(', ') })));
  }, [data.data]);
  const thresholds = useAction();
  const topicSave = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const saveThresholds = (e: Event) => {
    e.preventDefault();
    setSaved(null);
    void thresholds.run(async () => {
      await api('/api/admin/settings', { method: 'PATCH', body: { botAnswerThreshold: Number(answer), botClarifyThreshold: Number(clarify) } });
      setSaved('thresholds');
      data.reload();
    });
  };
  const saveTopics = (e: Event) => {
    e.preventDefault();
    setSaved(null);
    void topicSave.run(async () => {
      await api('/api/admin/settings', { method: 'PATCH', body: { sensitiveTopics: topics.map((t) => ({ name: t.name.trim(), keywords: splitList(t.keywords) })) } });
      setSaved('topics');
      data.reload();
    });
  };
  return (
    <Page title="Bot">
      <AdminNav />
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      {data.data ? (
        <div class="stack">
          <form class="card form" onSubmit={saveThresholds} aria-labelledby="thresholds-title" noValidate>
            <h2 id="thresholds-title">Confidence thresholds</h2>
            <p class="muted" style={{ margin: 0 }}>
              The bot answers at or above the answer threshold; between the two it asks a clarifying question; below the clarify threshold it hands the conversation to a person. Both are 0 to 1.
            </p>
            <div class="row">
              <TextField label="Answer threshold" inputMode="decimal" value={answer} onValue={setAnswer} inputStyle={{ width: '110px' }} />
              <TextField label="Clarify threshold" inputMode="decimal" value={clarify} onValue={setClarify} inputStyle={{ width: '110px' }} />
              <button type="submit" class="primary" disabled={thresholds.busy}>
                Save thresholds
              </button>
              {saved === 'thresholds' ? <span role="status" class="muted">Saved. The bot uses them now.</span> : null}
            </div>
            <p class="muted" style={{ margin: 0, fontSize: '13px' }}>
              In use now: answer ≥ {data.data.bot.answerThreshold}, clarify ≥ {data.data.bot.clarifyThreshold}.
            </p>
            <FormError error={thresholds.error} />
          </form>
          <form class="card form" onSubmit={saveTopics} aria-labelledby="topics-title">
            <h2 id="topics-title">Sensitive topics — always a person</h2>
            {topics.map((t, i) => (
              <div key={i} class="row">
                <TextField label="Topic" value={t.name} onValue={(v) => setTopics(topics.map((x, k) => (k === i ? { ...x, name: v } : x)))} />
                <TextField label="Keywords (comma-separated)" value={t.keywords} onValue={(v) => setTopics(topics.map((x, k) => (k === i ? { ...x, keywords: v } : x)))} style={{ flex: '1 1 360px' }} />
                <button type="button" onClick={() => setTopics(topics.filter((_, k) => k !== i))} aria-label={`Remove topic ${t.name || i + 1}`}>
                  Remove
                </button>
              </div>
            ))}
            <div class="inline">
              <button type="button" onClick={() => setTopics([...topics, { name: '', keywords: '' }])}>
                Add a topic
              </button>
              <button type="submit" class="primary" disabled={topicSave.busy}>
                Save topics
              </button>
              {saved === 'topics' ? <span role="status" class="muted">Saved.</span> : null}
            </div>
            <FormError error={topicSave.error} />
          </form>
        </div>
      ) : null}
    </Page>
  );
}

export function HoursPage() {
  const data = useApi<SettingsResponse>('/api/admin/settings');
  const [enabled, setEnabled] = useState(false);
  const [draft, setDraft] = useState<HoursDraft>(() => hoursDraft(null));
  useEffect(() => {
    if (!data.data) return;
    const h = data.data.workspace.settings.businessHours ?? null;
    setEnabled(!!h);
    setDraft(hoursDraft(h));
  }, [data.data]);
  const { action: save, saved, submit } = useSaveForm(async () => {
    const hours: BusinessHours | null = enabled ? hoursFromDraft(draft) : null;
    await api('/api/admin/settings', { method: 'PATCH', body: { businessHours: hours } });
  }, data.reload);
  const current = data.data?.workspace.settings.businessHours;
  return (
    <Page title="Business hours">
      <AdminNav />
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      {data.data ? (
        <form class="card form" onSubmit={submit} aria-label="Workspace business hours">
          <p class="muted" style={{ margin: 0 }}>
            Outside these hours a handed-over conversation becomes a ticket with a reply-by time, and SLA clocks that count only business hours stop. A skill can keep its own hours (Skills tab).
          </p>
          <label class="inline">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
            The team works set hours (off: always open)
          </label>
          <HoursFields id="workspace-hours" draft={draft} onChange={setDraft} disabled={!enabled} />
          <div class="inline">
            <button type="submit" class="primary" disabled={save.busy}>
              Save business hours
            </button>
            {saved ? <span role="status" class="muted">Saved.</span> : null}
          </div>
          <p class="muted" style={{ margin: 0, fontSize: '13px' }}>
            In use now: {current ? hoursSummary(current) : 'always open'}.
          </p>
          <FormError error={save.error} />
        </form>
      ) : null}
    </Page>
  );
}
