// The compose box: the text, and the message's properties a delivery manager works from (urgency,
// expiry, and, for those who want it, which delivery manager takes charge). No mechanism is offered.
// Each person has their own draft; Enter sends (never while an input method is composing a word),
// Shift+Enter starts a new line.
import { forwardRef, type FormEvent, type KeyboardEvent } from 'react';
import type { ContactId, Priority } from '../../shared/domain';
import { askForNotifications } from './incoming';
import { useStore } from './store';
import { emptyDraft } from './store/drafts';

const expiries: { label: string; seconds?: number }[] = [
  { label: 'Never' },
  { label: 'In 5 minutes', seconds: 5 * 60 },
  { label: 'In 1 hour', seconds: 60 * 60 },
  { label: 'In 1 day', seconds: 24 * 60 * 60 },
];

export const Compose = forwardRef<HTMLTextAreaElement, { contactId: ContactId; contactName: string }>(function Compose({ contactId, contactName }, textarea) {
  const send = useStore((s) => s.send);
  const managers = useStore((s) => s.managers);
  const draft = useStore((s) => s.drafts[contactId]) ?? emptyDraft;
  const setDraft = useStore((s) => s.setDraft);
  const change = (c: Partial<typeof draft>) => setDraft(contactId, c);

  const submit = async (event: FormEvent | KeyboardEvent) => {
    event.preventDefault();
    const body = draft.text.trim();
    if (!body) return;
    askForNotifications(); // a gesture of the user's: the one moment a browser lets us ask
    const seconds = expiries[draft.expiry]?.seconds;
    const sent = await send(body, { priority: draft.priority, ...(seconds !== undefined && { expiresInSeconds: seconds }), ...(draft.manager && { manager: draft.manager }) });
    // The properties were this message's: the next starts from the usual ones.
    if (sent) setDraft(contactId, emptyDraft);
  };

  return (
    <form className="compose" aria-label={`Write to ${contactName}`} onSubmit={(e) => void submit(e)}>
      <div className="compose-main">
        <textarea
          ref={textarea}
          aria-label={`Message to ${contactName}`}
          placeholder="Write a message"
          value={draft.text}
          rows={2}
          onChange={(e) => change({ text: e.target.value })}
          onKeyDown={(e) => {
            // keyCode 229: the key went to an input method (Chromium reports some of those without isComposing).
            if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing || e.keyCode === 229) return;
            void submit(e);
          }}
        />
        <button type="submit" className="primary" disabled={!draft.text.trim()}>
          Send
        </button>
      </div>
      <div className="compose-options">
        <label>
          Urgency{' '}
          <select value={draft.priority} onChange={(e) => change({ priority: e.target.value as Priority })}>
            <option value="normal">Normal</option>
            <option value="urgent">Urgent</option>
          </select>
        </label>
        <label>
          Expires{' '}
          <select value={draft.expiry} onChange={(e) => change({ expiry: Number(e.target.value) })}>
            {expiries.map((x, i) => (
              <option key={x.label} value={i}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Delivery{' '}
          <select value={draft.manager} onChange={(e) => change({ manager: e.target.value })}>
            <option value="">Automatic</option>
            {managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </div>
    </form>
  );
});
