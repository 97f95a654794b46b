import { useState } from 'react';
import { useStore } from '../store';
import { selectTechnician } from '../store/ui-prefs';

/**
 * Asks once per browser (or desktop app) who works here; the name goes with every action
 * as its author, and onto reports. Shown until a name is given or "later" is chosen.
 */
export function TechnicianPrompt() {
  const technician = useStore(selectTechnician);
  const { setPrefs } = useStore.getState();
  const [later, setLater] = useState(false);
  const [name, setName] = useState('');
  if (technician || later) return null;
  return (
    <form
      className="technician-prompt"
      data-testid="technician-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) setPrefs({ technician: name.trim() });
      }}
    >
      <span>Who is working at this station? Your name goes on every action and report.</span>
      <input
        data-testid="technician-name"
        aria-label="Your name"
        placeholder="Your name"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" data-testid="technician-save" disabled={!name.trim()}>
        Save
      </button>
      <button type="button" className="link small" onClick={() => setLater(true)}>
        Later
      </button>
    </form>
  );
}

/** "Jörg Meier" at the foot of the nav, to change it. */
export function TechnicianBadge() {
  const technician = useStore(selectTechnician);
  if (!technician) return null;
  return (
    <a href="#/settings" className="technician-badge small" data-testid="technician-badge">
      {technician}
    </a>
  );
}
