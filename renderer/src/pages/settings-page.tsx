import { ShopSettingsForm } from '../settings/shop-settings';
import { useStore } from '../store';
import { selectVersion } from '../store/session';
import { selectLargeText, selectTechnician, selectTheme, type Theme } from '../store/ui-prefs';

const shortcuts: [string, string][] = [
  ['Alt+1 … Alt+6', 'Bench, Profiles, Reports, Services, Settings, Terminal'],
  ['/', 'Bench: search machines'],
  ['Ctrl+A', 'Bench: select every machine shown'],
  ['Shift+click', 'Bench: select a range of machines'],
  ['Esc', 'Bench: clear the selection; dialogs: cancel'],
  ['Ctrl+S', 'Profile editor: save'],
  ['Ctrl+Space', 'Profile editor: complete a key or value'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'Profile editor: undo / redo'],
];

export function SettingsPage() {
  const theme = useStore(selectTheme);
  const largeText = useStore(selectLargeText);
  const version = useStore(selectVersion);
  const technician = useStore(selectTechnician);
  const { setTheme, setLargeText, setPrefs } = useStore.getState();
  return (
    <section className="page" data-testid="settings-page">
      <h1>Settings</h1>
      <div className="card form">
        <label htmlFor="technician">Your name (the author of what you do from this browser)</label>
        <input
          id="technician"
          data-testid="settings-technician"
          value={technician ?? ''}
          onChange={(e) => setPrefs({ technician: e.target.value.trim() ? e.target.value : null })}
        />
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          data-testid="settings-theme"
          value={theme}
          onChange={(e) => setTheme(e.target.value as Theme)}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
        <label className="check">
          <input
            type="checkbox"
            data-testid="settings-large-text"
            checked={largeText}
            onChange={(e) => setLargeText(e.target.checked)}
          />
          Large text (readable from across the bench)
        </label>
      </div>
      <ShopSettingsForm />
      <div className="card section shortcuts" data-testid="shortcuts">
        <h2>Keyboard shortcuts</h2>
        <dl>
          {shortcuts.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
      <p className="muted">PrepStation {version ?? ''}</p>
    </section>
  );
}
