// A delivery manager's question before an intrusive step. It names the person and the urgency, never
// the mechanism: the sender decides whether to disturb someone, not how. Escape answers no.
import { Dialog } from './Dialog';
import { useStore } from './store';

export function PromptDialog() {
  const prompt = useStore((s) => s.prompts[0]);
  const answer = useStore((s) => s.answer);
  if (!prompt) return null;
  return (
    <Dialog key={prompt.id} labelledBy="prompt-question" onClose={() => void answer(prompt.id, false)}>
      <p id="prompt-question">{prompt.question}</p>
      <div className="dialog-buttons">
        <button type="button" className="primary" data-autofocus onClick={() => void answer(prompt.id, true)}>
          Yes, try it
        </button>
        <button type="button" onClick={() => void answer(prompt.id, false)}>
          No
        </button>
      </div>
    </Dialog>
  );
}
