import type { ReportPaper } from '../../../main/api/contract';
import { useShopSettings } from './use-shop-settings';
import { ActionNote } from '../components/action-note';

const zones = (): string[] => {
  try {
    return (
      (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [
        'UTC',
      ]
    );
  } catch {
    return ['UTC'];
  }
};

/** The shop on every report: name, address, logo, default technician, paper, time zone. */
export function ShopSettingsForm() {
  const { draft, busy, message, change, save, pickLogo } = useShopSettings();
  return (
    <form
      className="card form section"
      data-testid="shop-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>Shop (on every report)</h2>
      {!draft ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <label htmlFor="shop-name">Shop name</label>
          <input
            id="shop-name"
            data-testid="shop-name"
            value={draft.name ?? ''}
            onChange={(e) => change({ name: e.target.value || null })}
          />
          <label htmlFor="shop-address">Address, phone, web (a line each)</label>
          <textarea
            id="shop-address"
            data-testid="shop-address"
            rows={3}
            value={draft.address ?? ''}
            onChange={(e) => change({ address: e.target.value || null })}
          />
          <label htmlFor="shop-technician">Technician named on reports by default</label>
          <input
            id="shop-technician"
            data-testid="shop-technician"
            value={draft.technician ?? ''}
            onChange={(e) => change({ technician: e.target.value || null })}
          />
          <label htmlFor="shop-paper">Paper</label>
          <select
            id="shop-paper"
            data-testid="shop-paper"
            value={draft.paper}
            onChange={(e) => change({ paper: e.target.value as ReportPaper })}
          >
            <option value="a4">A4</option>
            <option value="letter">US Letter</option>
          </select>
          <label htmlFor="shop-tz">Time zone of the times in PDF reports</label>
          <select
            id="shop-tz"
            data-testid="shop-timezone"
            value={draft.timeZone ?? ''}
            onChange={(e) => change({ timeZone: e.target.value || null })}
          >
            <option value="">The station&apos;s own</option>
            {zones().map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          <label htmlFor="shop-logo">Logo (PNG or JPEG, up to 512 KB)</label>
          <div className="inline-form">
            {draft.logo ? (
              <img
                src={draft.logo}
                alt="Shop logo"
                className="logo-preview"
                data-testid="shop-logo-preview"
              />
            ) : (
              <span className="muted small">No logo</span>
            )}
            <input
              id="shop-logo"
              type="file"
              accept="image/png,image/jpeg"
              data-testid="shop-logo"
              onChange={(e) => pickLogo(e.target.files?.[0])}
            />
            {draft.logo ? (
              <button type="button" className="secondary" onClick={() => change({ logo: null })}>
                Remove logo
              </button>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" data-testid="shop-save" disabled={busy}>
              {busy ? 'Saving…' : 'Save shop details'}
            </button>
          </div>
        </>
      )}
      <ActionNote message={message} as="p" testId="shop-message" />
    </form>
  );
}
