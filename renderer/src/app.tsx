import { useCallback, useEffect, useState } from 'react';
import type { Health, ServiceStatus } from '../../main/api/contract';
import { api } from './api/client';
import { connectEvents } from './api/events';
import { LoginPage } from './pages/login-page';
import { NotYetPage } from './pages/placeholder-page';
import { ServicesPage } from './pages/services-page';
import { SettingsPage } from './pages/settings-page';
import { useStore } from './store';
import { selectFailedServiceCount } from './store/services';
import { selectAuth, selectStream } from './store/session';

export const routes = [
  { id: 'bench', label: 'Bench', key: '1' },
  { id: 'profiles', label: 'Profiles', key: '2' },
  { id: 'reports', label: 'Reports', key: '3' },
  { id: 'services', label: 'Services', key: '4' },
  { id: 'settings', label: 'Settings', key: '5' },
] as const;
export type RouteId = (typeof routes)[number]['id'];

function currentRoute(): RouteId {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0];
  return (routes.find((r) => r.id === id)?.id ?? 'bench') as RouteId;
}

function Page({ route }: { route: RouteId }) {
  switch (route) {
    case 'services':
      return <ServicesPage />;
    case 'settings':
      return <SettingsPage />;
    case 'bench':
      return (
        <NotYetPage
          title="Bench"
          what="The live bench view is not in this build yet. The Services page shows what the station serves."
        />
      );
    case 'profiles':
      return <NotYetPage title="Profiles" what="Profile editing is not in this build yet." />;
    case 'reports':
      return <NotYetPage title="Reports" what="Prep reports are not in this build yet." />;
  }
}

export function App() {
  const auth = useStore(selectAuth);
  const stream = useStore(selectStream);
  const failed = useStore(selectFailedServiceCount);
  const theme = useStore((s) => s.theme);
  const largeText = useStore((s) => s.largeText);
  const [route, setRoute] = useState<RouteId>(currentRoute);

  const load = useCallback(async () => {
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
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (auth !== 'ok') return;
    return connectEvents(() => void load());
  }, [auth, load]);

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    // Alt+1..5 switch screens, in the browser and in the desktop app alike.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const r = routes.find((x) => x.key === e.key);
      if (r) {
        window.location.hash = `#/${r.id}`;
        e.preventDefault();
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.classList.toggle('large-text', largeText);
  }, [theme, largeText]);

  if (auth === 'checking') return <div className="splash">Connecting to the station…</div>;
  if (auth === 'needs-token') return <LoginPage onLoggedIn={() => void load()} />;

  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">PrepStation</div>
        {routes.map((r) => (
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
          </a>
        ))}
        <div className={`stream stream-${stream}`} data-testid="stream-state">
          {stream === 'live' ? 'Live' : stream === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
        </div>
      </nav>
      <main className="content">
        <Page route={route} />
      </main>
    </div>
  );
}
