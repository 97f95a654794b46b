import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { selectAssignableProfiles } from '../store/profiles';

/**
 * A profile id: pick from the customer profiles, or type one (the station checks it and
 * says plainly when there is no such profile).
 */
export function ProfilePicker({
  value,
  onChange,
  testId,
  label,
}: {
  value: string;
  onChange: (v: string) => void;
  testId: string;
  label: string;
}) {
  const profiles = useStore(useShallow(selectAssignableProfiles));
  const listId = useId();
  return (
    <>
      <input
        list={listId}
        data-testid={testId}
        aria-label={label}
        placeholder="profile…"
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
        className="profile-picker"
      />
      <datalist id={listId}>
        {profiles.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name ?? p.id}
            {p.customer ? ` (${p.customer})` : ''}
          </option>
        ))}
      </datalist>
    </>
  );
}
