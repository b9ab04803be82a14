// The presence glyph of a contact row: green square, red circle, or nothing, always with a label.
import { glyphLabels, type Glyph } from '../../shared/domain';

export function PresenceGlyph({ glyph }: { glyph: Glyph }) {
  return <span className={`glyph glyph-${glyph}`} role="img" aria-label={glyphLabels[glyph]} title={glyphLabels[glyph]} data-glyph={glyph} />;
}
