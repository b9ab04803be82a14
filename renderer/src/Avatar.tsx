// A person's initials on a colour of their own: a face for the row and the header without a photo.
// Decorative (the name is next to it), so hidden from screen readers.
import { avatarHue, initials } from './lib/people-order';

export function Avatar({ name, size = 'normal' }: { name: string; size?: 'normal' | 'large' }) {
  return (
    <span className={`avatar avatar-${avatarHue(name)} avatar-${size}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
