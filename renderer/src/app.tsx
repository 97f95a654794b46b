import { useCallback, useEffect, type ReactNode } from 'react';
import type { Health, ServiceStatus } from '../../main/api/contract';
import { api } from './api/client';
import { connectEvents } from './api/events';
import { fetchBatches, fetchMachines } from './api/machines';
import { fetchNetworkSettings } from './api/network';
import { BenchPage } from './bench/bench-page';
import { hashParts, useHashParts } from './lib/route';
import { MachinePage } from './machine/machine-page';
import { DriversPage } from './drivers/drivers-page';
import { MediaPage } from './media/media-page';
import { LoginPage } from './pages/login-page';
import { ReportsPage } from './pages/reports-page';
import { ServicesPage } from './pages/services-page';
import { SettingsPage } from './pages/settings-page';
import { ProfilesPage } from './profiles/profiles-page';
import { SecretsPage } from './secrets/secrets-page';
import { fetchShopMode } from './shop/shop-api';
import { ShopPage } from './shop/shop-page';
import { selectShopMode, type ShopMode } from './shop/shop-slice';
import { WallPage } from './wall/wall-page';
import { TerminalPage } from './terminal/terminal-page';
import { TechnicianBadge, TechnicianPrompt } from './components/technician-bar';
import { useStore } from './store';
import { selectAttentionCount } from './store/machines';
import { selectMissingSecretCount } from './store/readiness';
import { selectFailedServiceCount } from './store/services';
import { selectAuth, selectStream, selectStreamLostAt } from './store/session';
import { selectLargeText, selectTheme } from './store/ui-prefs';

/**
 * The screens, in nav order; Alt+key switches to one. A new screen (the Terminal, for one)
 * adds an entry here and a case in Page.
 */
export const routes = [
  { id: 'bench', label: 'Bench', key: '1' },
  { id: 'profiles', label: 'Profiles', key: '2' },
  { id: 'secrets', label: 'Secrets', key: '7' },
  { id: 'media', label: 'Media', key: '8' },
  { id: 'drivers', label: 'Drivers', key: '9' },
  { id: 'reports', label: 'Reports', key: '3' },
  { id: 'services', label: 'Services', key: '4' },
  { id: 'settings', label: 'Settings', key: '5' },
  { id: 'terminal', label: 'Terminal', key: '6' },
  { id: 'wall', label: 'Wall view', key: '0' },
  { id: 'shop', label: 'Shop', key: 's' },
] as const;
export type RouteId = (typeof routes)[number]['id'];

function routeOf(parts: string[], shop: ShopMode = 'off'): RouteId {
  const route = (routes.find((r) => r.id === parts[0])?.id ?? 'bench') as RouteId;
  return shopRoutes(shop).some((r) => r.id === route)
    ? route
    : shop === 'shop-only'
      ? 'shop'
      : 'bench';
}

/** The shop page only with a shop view; `shop serve` has no station pages, only the shop's. */
function shopRoutes(shop: ShopMode) {
  if (shop === 'shop-only') return routes.filter((r) => r.id === 'shop' || r.id === 'services');
  return shop === 'off' ? routes.filter((r) => r.id !== 'shop') : routes;
}

function Page({ parts, route }: { parts: string[]; route: RouteId }): ReactNode {
  switch (route) {
    case 'services':
      return <ServicesPage />;
    case 'settings':
      return <SettingsPage />;
    case 'bench':
      return parts[1] === 'machine' && parts[2] ? (
        <MachinePage key={parts[2]} id={parts[2]} />
      ) : (
        <BenchPage />
      );
    case 'profiles':
      return <ProfilesPage profileId={parts[1] ?? null} />;
    case 'reports':
      return <ReportsPage />;
    case 'terminal':
      return <TerminalPage />;
    case 'secrets':
      return <SecretsPage />;
    case 'wall':
      return <WallPage />;
    case 'media':
      return <MediaPage />;
    case 'drivers':
      return <DriversPage />;
    case 'shop':
      return <ShopPage />;
  }
}

/** Everything the screens show from the start; run again when the stream says events were missed. */
async function loadAll(): Promise<void> {
  const st = useStore.getState();
  const health = await api<Health>('/api/v1/health');
  if (health.ok) st.setVersion(health.value.version);
  const services = await api<ServiceStatus[]>('/api/v1/services');
  if (!services.ok) {
    st.setAuth(services.error.code === 'unauthorized' ? 'needs-token' : 'ok');
    return;
  }
  st.setServices(services.value);
  st.setAuth('ok');
  void fetchShopMode().then((mode) => useStore.getState().setShopMode(mode));
  const [network, machines, batches] = await Promise.all([
    fetchNetworkSettings(),
    fetchMachines(),
    fetchBatches(),
    st.loadProfiles(),
    st.loadReadiness(),
    st.loadEstimates(),
  ]);
  if (network.ok) st.setNetwork(network.value);
  if (machines.ok) st.setMachines(machines.value);
  // Before the machines API exists (404) the bench is simply empty, not broken.
  else if (machines.error.code === 'not_found') st.setMachines([]);
  else st.setMachinesLoad('error', machines.error.message);
  if (batches.ok) st.setBatches(batches.value);
}

/** The station stopped answering: said plainly, with the time, while the page retries. */
function StationDown() {
  const lostAt = useStore(selectStreamLostAt);
  if (lostAt === null) return null;
  return (
    <div className="station-down" role="alert" data-testid="station-down">
      The station does not answer since {new Date(lostAt).toLocaleTimeString()}. Is it running? This
      page reconnects by itself; the times shown are frozen until then.
    </div>
  );
}

export function App() {
  const auth = useStore(selectAuth);
  const stream = useStore(selectStream);
  const failed = useStore(selectFailedServiceCount);
  const attention = useStore(selectAttentionCount);
  const missingSecrets = useStore(selectMissingSecretCount);
  const theme = useStore(selectTheme);
  const largeText = useStore(selectLargeText);
  const parts = useHashParts();
  const shopMode = useStore(selectShopMode);
  const route = routeOf(parts, shopMode);

  const load = useCallback(() => void loadAll(), []);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    if (auth !== 'ok') return;
    return connectEvents(load);
  }, [auth, load]);

  useEffect(() => {
    // Alt+1..5 switch screens, in the browser and in the desktop app alike.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const r = routes.find((x) => x.key === e.key);
      if (r) {
        if (hashParts()[0] !== r.id) window.location.hash = `#/${r.id}`;
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.classList.toggle('large-text', largeText);
  }, [theme, largeText]);

  if (auth === 'checking') return <div className="splash">Connecting to the station…</div>;
  if (auth === 'needs-token') return <LoginPage onLoggedIn={load} />;

  // The wall view fills a monitor: no navigation around it.
  if (route === 'wall') return <WallPage />;

  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">PrepStation</div>
        {shopRoutes(shopMode).map((r) => (
          <a
            key={r.id}
            href={`#/${r.id}`}
            data-testid={`nav-${r.id}`}
            className={route === r.id ? 'active' : ''}
            title={`Alt+${r.key}`}
          >
            {r.label}
            {r.id === 'services' && failed > 0 ? (
              <span className="count" data-testid="nav-services-failed">
                {failed}
              </span>
            ) : null}
            {r.id === 'secrets' && missingSecrets > 0 ? (
              <span
                className="count"
                data-testid="nav-secrets-missing"
                title="Secrets that profiles need and nobody set"
              >
                {missingSecrets}
              </span>
            ) : null}
            {r.id === 'bench' && attention > 0 ? (
              <span className="count" data-testid="nav-bench-attention" title="Failed or stalled">
                {attention}
              </span>
            ) : null}
          </a>
        ))}
        <TechnicianPrompt />
        <TechnicianBadge />
        <div className={`stream stream-${stream}`} data-testid="stream-state">
          {stream === 'live' ? 'Live' : stream === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
        </div>
      </nav>
      <main className="content">
        <StationDown />
        <Page parts={parts} route={route} />
      </main>
    </div>
  );
}
