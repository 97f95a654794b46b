import type { StepAttemptLog, StepLog } from '../../../main/api/contract';
import { between, clock, formatDuration } from '../lib/format';

/** Lines of each attempt shown until "Show the full log". */
const TAIL = 40;

const resultWords: Record<StepAttemptLog['status'], string> = {
  running: 'running',
  succeeded: 'OK',
  failed: 'failed',
  skipped: 'skipped',
  interrupted: 'interrupted',
};

/** The attempts of one step, newest first, with the technician's retry/skip between them. */
export function StepLogView({
  log,
  fallback,
  full,
  failed = false,
}: {
  log: StepLog | null;
  /** The live tail from the stream: shown only when the grouped log cannot be loaded. */
  fallback: string[];
  full: boolean;
  failed?: boolean;
}) {
  // The stream's tail mixes attempts: while the grouped log loads, say so instead.
  if (!log && !failed) return <span className="muted small">Loading the log…</span>;
  if (!log) {
    return fallback.length === 0 ? (
      <span className="muted small">No log lines.</span>
    ) : (
      <pre className="log" data-testid="step-log">
        {(full ? fallback : fallback.slice(-TAIL)).join('\n')}
      </pre>
    );
  }
  if (log.items.length === 0) return <span className="muted small">No log lines.</span>;
  return (
    <div className="step-log" data-testid="step-log">
      {log.items.map((item, i) =>
        item.type === 'action' ? (
          <div key={`a${i}`} className="log-action small" data-testid="step-log-action">
            {clock(item.at)} · {item.action === 'retry' ? 'Retry' : 'Skip'} by{' '}
            {item.by ?? 'the technician'}
          </div>
        ) : (
          <AttemptBlock key={`t${item.attempt.attempt}-${i}`} a={item.attempt} full={full} />
        ),
      )}
    </div>
  );
}

function AttemptBlock({ a, full }: { a: StepAttemptLog; full: boolean }) {
  const d = between(a.startedAt, a.endedAt);
  const lines = full ? a.lines : a.lines.slice(-TAIL);
  return (
    <div
      className={`attempt attempt-${a.status}`}
      data-testid={`step-attempt-${a.attempt}`}
      data-status={a.status}
    >
      <div className="attempt-head small">
        <strong>Attempt {a.attempt}</strong> · {resultWords[a.status]}
        {a.exitCode !== null ? ` · exit ${a.exitCode}` : ''}
        {a.startedAt ? ` · ${clock(a.startedAt)}` : ''}
        {d !== null ? ` · ${formatDuration(d)}` : ''}
        {a.message ? ` · ${a.message}` : ''}
      </div>
      {lines.length > 0 ? (
        <pre className="log">
          {!full && a.lines.length > lines.length
            ? `… ${a.lines.length - lines.length} earlier lines\n`
            : ''}
          {lines.join('\n')}
        </pre>
      ) : (
        <span className="muted small">No log lines.</span>
      )}
    </div>
  );
}
