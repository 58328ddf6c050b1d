import { TextField } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';

/** "14" → 14; anything else (empty, "1.5", "abc") → NaN, which the settings form refuses to save. */
export function parseWholeNumber(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

/**
 * A number setting the merchant types. It keeps the text as typed: deriving
 * the text from the number would turn a cleared field into "NaN" and trap
 * every digit typed after it.
 */
export function WholeNumberField({ label, description, value, disabled, onValue }: { label: string; description?: string; value: number; disabled: boolean; onValue: (next: number) => void }) {
  const [text, setText] = useState(Number.isFinite(value) ? String(value) : '');
  return (
    <TextField
      label={label}
      description={description}
      type="number"
      value={text}
      disabled={disabled}
      error={Number.isNaN(parseWholeNumber(text)) ? 'Enter a whole number.' : undefined}
      onChange={(event) => {
        setText(event.target.value);
        onValue(parseWholeNumber(event.target.value));
      }}
    />
  );
}
