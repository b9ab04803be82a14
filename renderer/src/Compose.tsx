// The compose box: the text, and the message's properties a delivery manager works from (urgency,
// expiry, and, for those who want it, which delivery manager takes charge). No mechanism is offered.
import { useState, type FormEvent } from 'react';
import type { Priority } from '../../shared/domain';
import { useStore } from './store';

const expiries: { label: string; seconds?: number }[] = [
  { label: 'Never' },
  { label: 'In 5 minutes', seconds: 5 * 60 },
  { label: 'In 1 hour', seconds: 60 * 60 },
  { label: 'In 1 day', seconds: 24 * 60 * 60 },
];

export function Compose({ contactName }: { contactName: string }) {
  const send = useStore((s) => s.send);
  const managers = useStore((s) => s.managers);
  const [draft, setDraft] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [expiry, setExpiry] = useState(0);
  const [manager, setManager] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = draft.trim();
    if (!body) return;
    const seconds = expiries[expiry]?.seconds;
    const sent = await send(body, { priority, ...(seconds !== undefined && { expiresInSeconds: seconds }), ...(manager && { manager }) });
    if (sent) setDraft('');
  };

  return (
    <form className="compose" onSubmit={(e) => void submit(e)}>
      <div className="compose-main">
        <textarea
          aria-label={`Message to ${contactName}`}
          value={draft}
          rows={2}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) void submit(e);
          }}
        />
        <button type="submit" disabled={!draft.trim()}>
          Send
        </button>
      </div>
      <div className="compose-options">
        <label>
          Urgency{' '}
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            <option value="normal">Normal</option>
            <option value="urgent">Urgent</option>
          </select>
        </label>
        <label>
          Expires{' '}
          <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {expiries.map((x, i) => (
              <option key={x.label} value={i}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Delivery{' '}
          <select value={manager} onChange={(e) => setManager(e.target.value)}>
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
}
