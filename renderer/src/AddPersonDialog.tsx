// "Add a person" from the window: a name and how to reach them; saved at once, and their
// conversation opens.
import { Dialog } from './Dialog';
import { PersonForm } from './PersonForm';
import { useStore } from './store';

export function AddPersonDialog() {
  const open = useStore((s) => s.addingPerson);
  const setOpen = useStore((s) => s.setAddingPerson);
  const select = useStore((s) => s.select);
  if (!open) return null;
  return (
    <Dialog labelledBy="add-person-title" onClose={() => setOpen(false)} wide>
      <h2 id="add-person-title">Add a person</h2>
      <PersonForm
        submitLabel="Add person"
        onCancel={() => setOpen(false)}
        onSaved={(person) => {
          setOpen(false);
          void select(person.id);
        }}
      />
    </Dialog>
  );
}
