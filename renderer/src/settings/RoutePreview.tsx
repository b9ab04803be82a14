// "Why this route": pick a person and an urgency and see the delivery policy Switchboard would follow
// now, and why each account is in it or left out. A dry run of the core's real choice and policy.
import { useEffect, useMemo, useState } from 'react';
import type { Priority } from '../../../shared/domain';
import type { RoutePreview } from '../../../shared/views';
import { folded } from '../lib/people-order';
import { Outside } from '../Outside';
import { useStore } from '../store';

export function RoutePreviewPanel({ refresh }: { refresh: number }) {
  const ids = useStore((s) => s.contactIds);
  const names = useStore((s) => s.contactNames);
  const preview = useStore((s) => s.preview);
  const [find, setFind] = useState('');
  const [person, setPerson] = useState(ids[0] ?? '');
  const [priority, setPriority] = useState<Priority>('normal');
  const [expiring, setExpiring] = useState(false);
  const [route, setRoute] = useState<RoutePreview | string>();
  const choices = useMemo(() => {
    const wanted = folded(find.trim());
    return (wanted ? ids.filter((id) => folded(names[id] ?? '').includes(wanted)) : ids).slice(0, 200);
  }, [ids, names, find]);
  useEffect(() => {
    if (!person) return;
    let live = true;
    void preview(person, priority, expiring).then((r) => live && setRoute(r));
    return () => {
      live = false;
    };
  }, [person, priority, expiring, refresh, preview]);

  return (
    <section className="card route-preview" aria-label="Why this route">
      <h4>Why this route</h4>
      {ids.length === 0 ? (
        <p>Add a person to see how a message to them would go.</p>
      ) : (
        <>
          <div className="form-buttons">
            <input type="search" aria-label="Find the person" placeholder="Find by name" value={find} onChange={(e) => setFind(e.target.value)} />
            <label>
              To{' '}
              <select value={person} onChange={(e) => setPerson(e.target.value)}>
                {!choices.includes(person) && person && <option value={person}>{names[person]}</option>}
                {choices.map((id) => (
                  <option key={id} value={id}>
                    {names[id]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Urgency{' '}
              <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
                <option value="normal">Normal</option>
                <option value="urgent">Urgent</option>
              </select>
            </label>
            <label>
              <input type="checkbox" checked={expiring} onChange={(e) => setExpiring(e.target.checked)} /> It expires
            </label>
          </div>
          {typeof route === 'string' && (
            <p role="alert" className="refused">
              {route}
            </p>
          )}
          {route && typeof route === 'object' && (
            <div aria-live="polite">
              <p className="route-choice">
                <strong>{route.managerName}</strong>, configuration <strong>{route.configuration}</strong>: {route.chosenBecause}
              </p>
              <ol className="route-steps" aria-label="Route">
                {route.steps.map((s) => (
                  <li key={s.mechanism} className={s.verdict === 'included' ? 'route-in' : 'route-out'} data-verdict={s.verdict}>
                    <span aria-hidden="true">{s.verdict === 'included' ? '✓' : '✗'}</span> {s.kindName} ({s.mechanism}): <Outside>{s.why}</Outside>
                    {s.verdict === 'included' && s.step?.ask && ' Asks you first.'}
                    {s.verdict === 'included' && s.step?.parallelWithNext && ' At the same time as the next.'}
                  </li>
                ))}
              </ol>
              {!route.steps.some((s) => s.verdict === 'included') && <p className="refused">No way to reach them now: the message would wait until one connects.</p>}
            </div>
          )}
        </>
      )}
    </section>
  );
}
