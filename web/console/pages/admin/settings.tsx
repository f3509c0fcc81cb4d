// Workspace settings (PATCH /api/admin/settings): the bot's thresholds and sensitive topics, and business hours.
// The API's 400 messages are shown next to the form that caused them.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { TableHead, TextField } from '../../forms.tsx';
import { ErrorNote, FormError, Loading, Page, useAction, useApi } from '../../ui.tsx';
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

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES: Record<(typeof DAYS)[number], string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
type Day = { open: boolean; from: string; to: string };

export function HoursPage() {
  const data = useApi<SettingsResponse>('/api/admin/settings');
  const [enabled, setEnabled] = useState(false);
  const [timezone, setTimezone] = useState('UTC');
  const [days, setDays] = useState<Record<string, Day>>({});
  const [holidays, setHolidays] = useState('');
  useEffect(() => {
    if (!data.data) return;
    const h = data.data.workspace.settings.businessHours ?? null;
    setEnabled(!!h);
    setTimezone(h?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
    setDays(Object.fromEntries(DAYS.map((d) => {
      const first = h?.weekly[d]?.[0];
      return [d, first ? { open: true, from: first.open, to: first.close } : { open: !h && d !== 'sat' && d !== 'sun', from: '09:00', to: '17:00' }];
    })));
    setHolidays((h?.holidays ?? []).join(', '));
  }, [data.data]);
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const hours: BusinessHours | null = enabled
      ? { timezone: timezone.trim(), weekly: Object.fromEntries(DAYS.filter((d) => days[d]?.open).map((d) => [d, [{ open: days[d]!.from, close: days[d]!.to }]])), holidays: splitList(holidays) }
      : null;
    void save.run(async () => {
      await api('/api/admin/settings', { method: 'PATCH', body: { businessHours: hours } });
      setSaved(true);
      data.reload();
    });
  };
  const setDay = (d: string, patch: Partial<Day>) => setDays({ ...days, [d]: { ...days[d]!, ...patch } });
  return (
    <Page title="Business hours">
      <AdminNav />
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      {data.data ? (
        <form class="card form" onSubmit={submit}>
          <label class="inline">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
            The team works set hours (off: always open)
          </label>
          <fieldset class="form" disabled={!enabled} style={{ border: 0, padding: 0, margin: 0 }}>
            <TextField label="Time zone (IANA name)" value={timezone} onValue={setTimezone} inputStyle={{ maxWidth: '260px' }} />
            <table style={{ maxWidth: '560px' }}>
              <TableHead columns={['Day', 'Open', 'From', 'To']} />
              <tbody>
                {DAYS.map((d) => (
                  <tr key={d}>
                    <th scope="row">{DAY_NAMES[d]}</th>
                    <td>
                      <input type="checkbox" aria-label={`Open on ${DAY_NAMES[d]}`} checked={days[d]?.open ?? false} onChange={(e) => setDay(d, { open: e.currentTarget.checked })} />
                    </td>
                    <td>
                      <input type="time" aria-label={`${DAY_NAMES[d]} opens`} disabled={!days[d]?.open} value={days[d]?.from ?? ''} onInput={(e) => setDay(d, { from: e.currentTarget.value })} />
                    </td>
                    <td>
                      <input type="time" aria-label={`${DAY_NAMES[d]} closes`} disabled={!days[d]?.open} value={days[d]?.to ?? ''} onInput={(e) => setDay(d, { to: e.currentTarget.value })} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <TextField label="Holidays (dates, comma-separated: 2026-12-25, 2027-01-01)" value={holidays} onValue={setHolidays} />
          </fieldset>
          <div class="inline">
            <button type="submit" class="primary" disabled={save.busy}>
              Save business hours
            </button>
            {saved ? <span role="status" class="muted">Saved.</span> : null}
          </div>
          <FormError error={save.error} />
        </form>
      ) : null}
    </Page>
  );
}
