import { useShallow } from 'zustand/react/shallow';
import { ServiceStateBadge } from '../components/state-badge';
import { BootLog } from '../services/boot-log';
import { NetworkForm } from '../services/network-form';
import { useStore } from '../store';
import { selectServiceList } from '../store/services';

export function ServicesPage() {
  const services = useStore(useShallow(selectServiceList));
  return (
    <section className="page" data-testid="services-page">
      <h1>Services</h1>
      <p className="lead">
        What the station is serving right now. A service that could not start says why and how to
        fix it; the others keep running.
      </p>
      {services.length === 0 ? (
        <p className="empty">Waiting for the station to report its services…</p>
      ) : (
        <table className="table" data-testid="services-table">
          <thead>
            <tr>
              <th>Service</th>
              <th>State</th>
              <th>Address</th>
              <th>Problem and fix</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.name} data-testid={`service-row-${s.name}`} className={`row-${s.state}`}>
                <td>
                  <strong>{s.label}</strong>
                  <div className="muted mono">{s.name}</div>
                </td>
                <td>
                  <ServiceStateBadge state={s.state} />
                </td>
                <td className="mono">{s.address ?? '—'}</td>
                <td>
                  {s.error ? <div data-testid="service-error">{s.error}</div> : null}
                  {s.fix ? (
                    <div className="fix" data-testid="service-fix">
                      {s.fix}
                    </div>
                  ) : null}
                  {!s.error && !s.fix ? <span className="muted">—</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="card section">
        <h2>Bench network and DHCP</h2>
        <NetworkForm />
      </div>
      <div className="section">
        <BootLog />
      </div>
    </section>
  );
}
