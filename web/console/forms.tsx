// Form and list pieces the console's pages share: labelled text and select fields, the "new …" card form, a table
// head, a loaded list as a table (with its empty note), the status lines above a list, a row's action cell, and row
// actions that ask first and reload the list after. They render the same markup the pages wrote by hand, so the
// e2e selectors (labels, roles, button names) are unchanged.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Empty, ErrorNote, FormError, Loading, useAction } from './ui.tsx';

// What a style prop takes here: camelCase properties, as the pages write them.
type Style = Record<string, string>;

/** A text input inside its label (the label's text is the field's accessible name). */
export function TextField(props: {
  label: ComponentChildren;
  value: string;
  onValue: (v: string) => void;
  type?: 'text' | 'email' | 'password' | 'search' | 'url' | 'number';
  required?: boolean;
  placeholder?: string;
  autocomplete?: string;
  inputMode?: 'decimal';
  min?: number;
  max?: number;
  minLength?: number;
  style?: Style;
  inputStyle?: Style;
}) {
  return (
    <label style={props.style}>
      {props.label}
      <input
        type={props.type as 'text'} // undefined leaves the attribute out, as a bare <input> has it
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        min={props.min}
        max={props.max}
        minLength={props.minLength}
        required={props.required}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        placeholder={props.placeholder}
        style={props.inputStyle}
      />
    </label>
  );
}

/** A select inside its label; `options` (value and text) are listed after any fixed `<option>` children. */
export function SelectField<T extends string>(props: {
  label: ComponentChildren;
  value: T;
  onValue: (v: T) => void;
  options?: readonly { value: T; label: ComponentChildren }[];
  children?: ComponentChildren;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onValue(e.currentTarget.value as T)}>
        {props.children}
        {(props.options ?? []).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SubmitButton(props: { busy: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" class="primary" disabled={props.busy}>
      {props.children}
    </button>
  );
}

/**
 * The "new …" card above a list: a titled form that runs `onSubmit` through `action` (busy flag, error kept)
 * and shows the API's error under the fields.
 */
export function CreateForm(props: { id: string; title: string; action: ReturnType<typeof useAction>; onSubmit: () => Promise<void>; children: ComponentChildren }) {
  const submit = (e: Event) => {
    e.preventDefault();
    void props.action.run(props.onSubmit);
  };
  return (
    <form class="card form" onSubmit={submit} aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
      <FormError error={props.action.error} />
    </form>
  );
}

/**
 * A list row opened for editing: the form spans the row, runs `onSubmit` through `action` (busy flag, error kept),
 * and ends with Save and Cancel and the API's error.
 */
export function EditRow(props: { colSpan: number; label: string; save: string; action: ReturnType<typeof useAction>; onSubmit: () => Promise<void>; onCancel: () => void; children: ComponentChildren }) {
  const submit = (e: Event) => {
    e.preventDefault();
    void props.action.run(props.onSubmit);
  };
  return (
    <tr>
      <td colSpan={props.colSpan}>
        <form class="form" onSubmit={submit} aria-label={props.label}>
          {props.children}
          <div class="inline">
            <SubmitButton busy={props.action.busy}>{props.save}</SubmitButton>
            <button type="button" onClick={props.onCancel}>
              Cancel
            </button>
          </div>
          <FormError error={props.action.error} />
        </form>
      </td>
    </tr>
  );
}

/** One header cell: its text, or the text with a width or a tooltip. */
export type Column = ComponentChildren | { label: ComponentChildren; width?: string; title?: string };

const isSpec = (c: Column): c is { label: ComponentChildren; width?: string; title?: string } => typeof c === 'object' && c !== null && 'label' in c;

/** A table's header row; `actions` names a last column for row buttons, for screen readers only. */
export function TableHead(props: { columns: Column[]; actions?: string }) {
  return (
    <thead>
      <tr>
        {props.columns.map((c, i) =>
          isSpec(c) ? (
            <th key={i} scope="col" title={c.title} style={c.width ? { width: c.width } : undefined}>
              {c.label}
            </th>
          ) : (
            <th key={i} scope="col">
              {c}
            </th>
          ),
        )}
        {props.actions ? (
          <th scope="col">
            <span class="visually-hidden">{props.actions}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}

/**
 * A loaded list as a table: nothing before it is loaded, `empty` (in an Empty note) when it has no rows,
 * else the header and one `row` per item (the row renders its own <tr> with a key).
 */
export function ListTable<T>(props: { rows: readonly T[] | null | undefined; empty: ComponentChildren; columns: Column[]; actions?: string; row: (item: T) => ComponentChildren }) {
  if (!props.rows) return null;
  if (props.rows.length === 0) return <Empty>{props.empty}</Empty>;
  return (
    <table>
      <TableHead columns={props.columns} actions={props.actions} />
      <tbody>{props.rows.map(props.row)}</tbody>
    </table>
  );
}

/** The last cell of a list row: one button named for its row (e.g. "Delete skill Billing"); empty when `hidden`. */
export function ActionCell(props: { label: string; onClick: () => void; hidden?: boolean; children: ComponentChildren }) {
  return (
    <td>
      {props.hidden ? null : (
        <button type="button" onClick={props.onClick} aria-label={props.label}>
          {props.children}
        </button>
      )}
    </td>
  );
}

/** What stands above a loaded list: the last row action's error, the load error, and "Loading…" on first load. */
export function ListStatus(props: { list: { error: string | null; loading: boolean; data: unknown }; actionError?: unknown; showLoading?: boolean }) {
  return (
    <>
      {props.actionError !== undefined ? <FormError error={props.actionError} /> : null}
      <ErrorNote error={props.list.error} />
      {props.showLoading === false ? null : <Loading loading={props.list.loading && !props.list.data} />}
    </>
  );
}

/**
 * Row actions of a list (delete, disable, revoke, patch): `act` asks `question` first when one is given,
 * runs `fn`, then reloads the list. `busy` and `error` are useAction's.
 */
export function useListChange(reload: () => void) {
  const action = useAction();
  const act = (question: string | null, fn: () => Promise<unknown>) => {
    if (question && !window.confirm(question)) return;
    void action.run(async () => {
      await fn();
      reload();
    });
  };
  return { busy: action.busy, error: action.error, act };
}

/**
 * A settings form that saves as a whole: `submit` runs `send` through an action (busy flag, error kept), then says
 * "Saved." (`saved`) and reloads what the page shows.
 */
export function useSaveForm(send: () => Promise<void>, reload: () => void) {
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await send();
      setSaved(true);
      reload();
    });
  };
  return { action, saved, submit };
}

/**
 * Which row of a list is open for editing (EditRow), and the "Saved …" line after: `open(id)`, `cancel()`, and
 * `done(what)` when the row saved (closes it, names what was saved, reloads the list).
 */
export function useRowEdit(reload: () => void) {
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  return {
    editing,
    open: (id: string) => {
      setSaved(null);
      setEditing(id);
    },
    cancel: () => setEditing(null),
    done: (what: string) => {
      setEditing(null);
      setSaved(what);
      reload();
    },
    note: saved ? (
      <p role="status" class="muted" style={{ margin: 0 }}>
        Saved {saved}.
      </p>
    ) : null,
  };
}
