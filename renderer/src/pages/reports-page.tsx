import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type {
  BatchSummary,
  MachineSummary,
  ReportFormat,
  ReportPaper,
} from '../../../main/api/contract';
import { fetchBatches, fetchMachines } from '../api/machines';
import { useStore } from '../store';
import { selectBatchList, selectMachineList } from '../store/machines';

const formats: { id: ReportFormat; label: string }[] = [
  { id: 'pdf', label: 'PDF' },
  { id: 'csv', label: 'CSV' },
  { id: 'json', label: 'JSON' },
];

function reportHref(
  kind: 'machines' | 'batches',
  id: string,
  format: ReportFormat,
  paper: ReportPaper,
  technician: string,
): string {
  const q = new URLSearchParams({ format });
  if (format === 'pdf') q.set('paper', paper);
  if (technician.trim()) q.set('technician', technician.trim());
  return `/api/v1/reports/${kind}/${encodeURIComponent(id)}?${q.toString()}`;
}

/**
 * Prep reports for the customer, per batch and per machine. Each link is the station's
 * report route: a browser downloads it, the desktop app asks where to save it.
 */
export function ReportsPage() {
  const machines = useStore(useShallow(selectMachineList));
  const batches = useStore(useShallow(selectBatchList));
  const [paper, setPaper] = useState<ReportPaper>('a4');
  // Who works at this browser prepared the machines; the shop's default when nobody said.
  const [technician, setTechnician] = useState(() => useStore.getState().technician ?? '');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const st = useStore.getState();
    void fetchMachines().then((r) => (r.ok ? st.setMachines(r.value) : setError(r.error.message)));
    void fetchBatches().then((r) => (r.ok ? st.setBatches(r.value) : setError(r.error.message)));
  }, []);

  const sorted = useMemo(
    () => [...machines].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '')),
    [machines],
  );

  const links = (kind: 'machines' | 'batches', id: string, testid: string) => (
    <ReportLinks href={(f) => reportHref(kind, id, f, paper, technician)} testId={testid} />
  );

  return (
    <section className="page" data-testid="reports-page">
      <h1>Reports</h1>
      <p className="lead">
        The prep report the customer gets with the PCs: what each machine is, what was installed,
        every check with its evidence, and how long it took. Built from the station&apos;s event
        log; secrets never appear. A machine still in progress says so on its first page.
      </p>
      <div className="card form report-options">
        <label htmlFor="report-paper">Paper (PDF)</label>
        <select
          id="report-paper"
          data-testid="report-paper"
          value={paper}
          onChange={(e) => setPaper(e.target.value as ReportPaper)}
        >
          <option value="a4">A4</option>
          <option value="letter">Letter</option>
        </select>
        <label htmlFor="report-technician">Technician named on the report</label>
        <input
          id="report-technician"
          data-testid="report-technician"
          value={technician}
          placeholder="default: the shop settings"
          onChange={(e) => setTechnician(e.target.value)}
        />
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}

      <h2>Batches</h2>
      <BatchReports batches={batches} links={links} />
      <h2>Machines</h2>
      <MachineReports machines={sorted} links={links} />
    </section>
  );
}

type Links = (kind: 'machines' | 'batches', id: string, testid: string) => ReactNode;

/** PDF, CSV and JSON of one report. */
function ReportLinks({ href, testId }: { href: (f: ReportFormat) => string; testId: string }) {
  return (
    <span className="report-links">
      {formats.map((f) => (
        <a key={f.id} href={href(f.id)} download data-testid={`${testId}-${f.id}`}>
          {f.label}
        </a>
      ))}
    </span>
  );
}

function BatchReports({ batches, links }: { batches: BatchSummary[]; links: Links }) {
  return batches.length === 0 ? (
    <p className="empty" data-testid="reports-no-batches">
      No batches yet. Create one on the Bench (&quot;next N machines → profile&quot;); its report
      covers every machine it assigned.
    </p>
  ) : (
    <table className="table" data-testid="reports-batches">
      <thead>
        <tr>
          <th>Batch</th>
          <th>Profile</th>
          <th>Machines</th>
          <th>Export</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((b) => (
          <tr key={b.id} data-testid={`report-batch-${b.id}`}>
            <td>{b.name ?? b.id}</td>
            <td>{b.profile}</td>
            <td>
              {b.filled}
              {b.count !== null ? ` of ${b.count}` : ''}
            </td>
            <td>{links('batches', b.id, `report-batch-${b.id}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MachineReports({ machines, links }: { machines: MachineSummary[]; links: Links }) {
  return machines.length === 0 ? (
    <p className="empty" data-testid="reports-no-machines">
      No machines yet. A PC appears here once it network-boots on the bench.
    </p>
  ) : (
    <table className="table" data-testid="reports-machines">
      <thead>
        <tr>
          <th>Machine</th>
          <th>Profile</th>
          <th>State</th>
          <th>Export</th>
        </tr>
      </thead>
      <tbody>
        {machines.map((m) => (
          <tr key={m.id} data-testid={`report-machine-${m.id}`}>
            <td>
              <strong>{m.name ?? m.serial ?? m.macs[0] ?? m.id}</strong>
              <div className="muted mono">{m.macs.join(', ')}</div>
            </td>
            <td>{m.profile ?? '—'}</td>
            <td>{m.state}</td>
            <td>{links('machines', m.id, `report-machine-${m.id}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
