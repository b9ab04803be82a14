// Settings › Delivery: each delivery manager's configurations (ordered steps: which account, what
// counts as delivered, ask first, run with the next), the rules that choose a manager and
// configuration from a message's properties, and the "why this route" preview. Edited as a copy and
// saved whole; the core checks it and says what is wrong in words.
import { useEffect, useState } from 'react';
import type { DeliverySettingsView, RuleView, StepView } from '../../../shared/views';
import { FormButtons, FormOutcome, type Outcome } from '../FormParts';
import { useStore } from '../store';
import type { DeliveryInput } from '../store/delivery';
import { RoutePreviewPanel } from './RoutePreview';

type Draft = { managers: Record<string, { configurations: Record<string, StepView[]> }>; rules: RuleView[]; waitNoticeMinutes: number };

const draftOf = (v: DeliverySettingsView): Draft => ({
  managers: Object.fromEntries(Object.entries(v.managers).map(([id, m]) => [id, { configurations: Object.fromEntries(Object.entries(m.configurations).map(([n, steps]) => [n, [...steps]])) }])),
  rules: [...v.rules],
  waitNoticeMinutes: v.waitNoticeMinutes,
});

const verifyKind = (v: StepView['verify']) => (typeof v === 'object' ? 'receipt' : v);

function StepRow({ step, index, count, mechanisms, change, move, remove }: {
  step: StepView;
  index: number;
  count: number;
  mechanisms: DeliverySettingsView['mechanisms'];
  change: (s: StepView) => void;
  move: (by: number) => void;
  remove: () => void;
}) {
  const n = index + 1;
  return (
    <li className="step" aria-label={`Step ${n}`}>
      <span className="step-number" aria-hidden="true">
        {n}
      </span>
      <label>
        Account{' '}
        <select value={step.mechanism} onChange={(e) => change({ ...step, mechanism: e.target.value })}>
          {!mechanisms.some((m) => m.id === step.mechanism) && <option value={step.mechanism}>{step.mechanism} (no such account)</option>}
          {mechanisms.map((m) => (
            <option key={m.id} value={m.id}>
              {m.kindName} ({m.id})
            </option>
          ))}
        </select>
      </label>
      <label>
        Delivered when{' '}
        <select
          value={verifyKind(step.verify)}
          onChange={(e) => change({ ...step, verify: e.target.value === 'receipt' ? { receiptWithinSeconds: 30 } : (e.target.value as 'accepted' | 'available') })}
        >
          <option value="accepted">the server accepts it</option>
          <option value="available">they are shown available there</option>
          <option value="receipt">their device confirms it in time</option>
        </select>
      </label>
      {typeof step.verify === 'object' && (
        <label>
          within{' '}
          <input
            type="number"
            min={1}
            max={86400}
            className="narrow"
            value={step.verify.receiptWithinSeconds}
            onChange={(e) => change({ ...step, verify: { receiptWithinSeconds: Number(e.target.value) } })}
          />{' '}
          seconds
        </label>
      )}
      <label>
        <input type="checkbox" checked={step.ask} onChange={(e) => change({ ...step, ask: e.target.checked })} /> Ask me first
      </label>
      <label>
        <input type="checkbox" checked={step.parallelWithNext} onChange={(e) => change({ ...step, parallelWithNext: e.target.checked })} disabled={index === count - 1} /> At the same time as the next
      </label>
      <span className="step-buttons">
        <button type="button" aria-label={`Move step ${n} up`} disabled={index === 0} onClick={() => move(-1)}>
          ↑
        </button>
        <button type="button" aria-label={`Move step ${n} down`} disabled={index === count - 1} onClick={() => move(1)}>
          ↓
        </button>
        <button type="button" aria-label={`Remove step ${n}`} onClick={remove}>
          ×
        </button>
      </span>
    </li>
  );
}

function Configuration({ manager, name, steps, mechanisms, set, remove }: {
  manager: string;
  name: string;
  steps: StepView[];
  mechanisms: DeliverySettingsView['mechanisms'];
  set: (steps: StepView[]) => void;
  remove: () => void;
}) {
  const swap = (i: number, by: number) => {
    const next = [...steps];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    set(next);
  };
  return (
    <section className="card configuration" aria-label={`${manager}: ${name}`}>
      <div className="account-head">
        <h5>{name}</h5>
        <button type="button" className="danger" onClick={remove}>
          Remove {name}
        </button>
      </div>
      <ol className="steps">
        {steps.map((step, i) => (
          <StepRow
            key={i}
            step={step}
            index={i}
            count={steps.length}
            mechanisms={mechanisms}
            change={(s) => set(steps.map((x, j) => (j === i ? s : x)))}
            move={(by) => swap(i, by)}
            remove={() => set(steps.filter((_, j) => j !== i))}
          />
        ))}
      </ol>
      {mechanisms[0] && (
        <button type="button" onClick={() => set([...steps, { mechanism: mechanisms[0]!.id, verify: 'accepted', ask: false, parallelWithNext: false }])}>
          Add a step
        </button>
      )}
    </section>
  );
}

function RuleRow({ rule, managers, configurations, change, remove }: {
  rule: RuleView;
  managers: readonly { id: string; name: string }[];
  configurations: readonly string[];
  change: (r: RuleView) => void;
  remove: () => void;
}) {
  const { priority: _p, expiring: _e, configuration: _c, ...base } = rule;
  return (
    <li className="rule">
      When urgency is{' '}
      <select aria-label="Urgency" value={rule.priority ?? ''} onChange={(e) => change({ ...base, ...(rule.expiring !== undefined && { expiring: rule.expiring }), ...(rule.configuration && { configuration: rule.configuration }), ...(e.target.value && { priority: e.target.value as 'normal' | 'urgent' }) })}>
        <option value="">any</option>
        <option value="normal">normal</option>
        <option value="urgent">urgent</option>
      </select>{' '}
      and the message{' '}
      <select
        aria-label="Expiry"
        value={rule.expiring === undefined ? '' : rule.expiring ? 'yes' : 'no'}
        onChange={(e) => change({ ...base, ...(rule.priority && { priority: rule.priority }), ...(rule.configuration && { configuration: rule.configuration }), ...(e.target.value && { expiring: e.target.value === 'yes' }) })}
      >
        <option value="">may or may not expire</option>
        <option value="yes">expires</option>
        <option value="no">never expires</option>
      </select>
      , use{' '}
      <select aria-label="Delivery manager" value={rule.manager} onChange={(e) => change({ ...rule, manager: e.target.value })}>
        {managers.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>{' '}
      with{' '}
      <select aria-label="Configuration" value={rule.configuration ?? ''} onChange={(e) => change({ ...base, ...(rule.priority && { priority: rule.priority }), ...(rule.expiring !== undefined && { expiring: rule.expiring }), ...(e.target.value && { configuration: e.target.value }) })}>
        <option value="">the one named after the urgency</option>
        {configurations.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>{' '}
      <button type="button" aria-label="Remove this rule" onClick={remove}>
        ×
      </button>
    </li>
  );
}

export function DeliveryPage() {
  const settings = useStore((s) => s.deliverySettings);
  const load = useStore((s) => s.loadDeliverySettings);
  const save = useStore((s) => s.saveDeliverySettings);
  const [draft, setDraft] = useState<Draft>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [newName, setNewName] = useState<Record<string, string>>({});
  const [saves, setSaves] = useState(0);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (settings) setDraft(draftOf(settings));
  }, [settings]);
  if (!settings || !draft) return <p>Loading…</p>;

  const managers = [...settings.installed, ...Object.keys(draft.managers).filter((id) => !settings.installed.some((m) => m.id === id)).map((id) => ({ id, name: `${id} (not installed)` }))];
  const setSteps = (manager: string, name: string, steps: StepView[] | undefined) =>
    setDraft((d) => {
      if (!d) return d;
      const { [name]: _gone, ...rest } = d.managers[manager]?.configurations ?? {};
      return { ...d, managers: { ...d.managers, [manager]: { configurations: steps ? { ...rest, [name]: steps } : rest } } };
    });

  return (
    <>
    {/* Outside the form: choosing whom to preview is not an edit to save. */}
    <RoutePreviewPanel refresh={saves} />
    <form
      className="delivery-settings"
      aria-label="Delivery settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save(draft as DeliveryInput).then((refused) => {
          setOutcome(refused ? { ok: false, text: refused } : { ok: true, text: 'Saved. The next message goes this way.' });
          if (!refused) setSaves((n) => n + 1);
        });
      }}
    >
      <h3>How messages are delivered</h3>
      <p className="hint">
        A delivery manager tries a person’s accounts in the order of one of its configurations. Without a configuration, it tries every account they are on, in the order the accounts were added.
      </p>
      {managers.map((m) => {
        const configurations = draft.managers[m.id]?.configurations ?? {};
        return (
          <section key={m.id} className="manager" aria-label={m.name}>
            <h4>{m.name}</h4>
            {Object.entries(configurations).map(([name, steps]) => (
              <Configuration key={name} manager={m.name} name={name} steps={steps} mechanisms={settings.mechanisms} set={(s) => setSteps(m.id, name, s)} remove={() => setSteps(m.id, name, undefined)} />
            ))}
            <div className="form-buttons">
              <input aria-label={`Name of a new configuration for ${m.name}`} placeholder="Normal, Urgent…" value={newName[m.id] ?? ''} onChange={(e) => setNewName({ ...newName, [m.id]: e.target.value })} />
              <button
                type="button"
                disabled={!newName[m.id]?.trim() || newName[m.id]!.trim() in configurations}
                onClick={() => {
                  setSteps(m.id, newName[m.id]!.trim(), settings.mechanisms.map((x) => ({ mechanism: x.id, verify: 'accepted', ask: false, parallelWithNext: false })));
                  setNewName({ ...newName, [m.id]: '' });
                }}
              >
                Add a configuration
              </button>
            </div>
          </section>
        );
      })}
      <h4>Rules</h4>
      <p className="hint">The first rule that fits a message chooses; when none does, “One after another” takes it.</p>
      <ul className="rules" aria-label="Rules">
        {draft.rules.map((rule, i) => (
          <RuleRow
            key={i}
            rule={rule}
            managers={managers}
            configurations={Object.keys(draft.managers[rule.manager]?.configurations ?? {})}
            change={(r) => setDraft({ ...draft, rules: draft.rules.map((x, j) => (j === i ? r : x)) })}
            remove={() => setDraft({ ...draft, rules: draft.rules.filter((_, j) => j !== i) })}
          />
        ))}
      </ul>
      {managers[0] && (
        <button type="button" onClick={() => setDraft({ ...draft, rules: [...draft.rules, { priority: 'urgent', manager: managers[0]!.id }] })}>
          Add a rule
        </button>
      )}
      <label className="field">
        <span className="field-label">Tell me a message is still waiting after (minutes)</span>
        <input type="number" min={1} className="narrow" value={draft.waitNoticeMinutes} onChange={(e) => setDraft({ ...draft, waitNoticeMinutes: Number(e.target.value) })} />
      </label>
      <FormButtons submit="Save delivery settings">
        <button type="button" onClick={() => (setDraft(draftOf(settings)), setOutcome(undefined))}>
          Undo changes
        </button>
      </FormButtons>
      <FormOutcome outcome={outcome} />
    </form>
    </>
  );
}
