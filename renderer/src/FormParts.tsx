// The parts every form of the window ends with: its buttons (the main one, and Cancel where there is
// a way back) and what came of the last submit, said as a status when it went and as an alert when
// it was refused (a screen reader hears the reason at once).
import type { ReactNode } from 'react';

export interface Outcome {
  readonly ok: boolean;
  readonly text: string;
}

export function FormButtons({ submit, disabled, onCancel, children }: { submit: ReactNode; disabled?: boolean; onCancel?: () => void; children?: ReactNode }) {
  return (
    <div className="form-buttons">
      <button type="submit" className="primary" disabled={disabled}>
        {submit}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      {children}
    </div>
  );
}

export function FormOutcome({ outcome }: { outcome: Outcome | undefined }) {
  if (!outcome) return null;
  return (
    <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'saved' : 'refused'}>
      {outcome.text}
    </p>
  );
}
