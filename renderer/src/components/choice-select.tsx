/** One choice of a `<select>`: the value it stands for and the words shown. */
export interface Choice<V extends string> {
  value: V;
  label: string;
}

/**
 * A labelled `<select>` over a list of choices, typed by the values it can hold: the
 * Bench toolbar's filters, density and sort are each one of these.
 */
export function ChoiceSelect<V extends string>({
  testId,
  label,
  value,
  choices,
  onChange,
}: {
  testId: string;
  /** Read by screen readers (the toolbar has no visible labels). */
  label: string;
  value: V;
  choices: readonly Choice<V>[];
  onChange: (value: V) => void;
}) {
  return (
    <select
      data-testid={testId}
      aria-label={label}
      value={value}
      // The options are exactly `choices`, so the value read back is one of them.
      onChange={(e) => onChange(e.target.value as V)}
    >
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
