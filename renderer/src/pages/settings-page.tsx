import { useStore } from '../store';
import type { Theme } from '../store/ui-prefs';

export function SettingsPage() {
  const theme = useStore((s) => s.theme);
  const largeText = useStore((s) => s.largeText);
  const setTheme = useStore((s) => s.setTheme);
  const setLargeText = useStore((s) => s.setLargeText);
  const version = useStore((s) => s.version);
  return (
    <section className="page" data-testid="settings-page">
      <h1>Settings</h1>
      <div className="card form">
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
      <p className="muted">PrepStation {version ?? ''}</p>
    </section>
  );
}
