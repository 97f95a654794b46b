import { useEffect, useState } from 'react';
import type { ProfileVersion } from '../../../main/api/contract';
import { fetchDiff, fetchHistory } from '../api/profiles';
import { clock } from '../lib/format';

/** Every saved version of the profile, and a diff between any two. */
export function ProfileHistory({ id }: { id: string }) {
  const [versions, setVersions] = useState<ProfileVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<string | null>(null);

  useEffect(() => {
    void fetchHistory(id).then((r) => {
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      const list = [...r.value].sort((a, b) => b.version - a.version);
      setVersions(list);
      if (list.length >= 2) {
        setTo(list[0]!.version);
        setFrom(list[1]!.version);
      }
    });
  }, [id]);

  useEffect(() => {
    if (from === null || to === null || from === to) {
      setDiff(null);
      return;
    }
    let live = true;
    void fetchDiff(id, Math.min(from, to), Math.max(from, to)).then((r) => {
      if (live) setDiff(r.ok ? r.value : `Could not get the diff: ${r.error.message}`);
    });
    return () => {
      live = false;
    };
  }, [id, from, to]);

  if (error) return <p className="error">{error}</p>;
  if (!versions) return <p className="muted">Loading the history…</p>;
  if (versions.length === 0) {
    return (
      <p className="empty" data-testid="history-empty">
        No saved version yet: the history starts with the first save made by the station.
      </p>
    );
  }
  return (
    <div className="history" data-testid="profile-history">
      <table className="table">
        <thead>
          <tr>
            <th>From</th>
            <th>To</th>
            <th>Version</th>
            <th>Saved</th>
            <th>By</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-testid={`history-version-${v.version}`}>
              <td>
                <input
                  type="radio"
                  name="diff-from"
                  aria-label={`Diff from version ${v.version}`}
                  checked={from === v.version}
                  onChange={() => setFrom(v.version)}
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="diff-to"
                  aria-label={`Diff to version ${v.version}`}
                  checked={to === v.version}
                  onChange={() => setTo(v.version)}
                />
              </td>
              <td className="mono">
                {v.version} <span className="muted small">{v.hash.slice(0, 8)}</span>
              </td>
              <td>
                {new Date(v.savedAt).toLocaleDateString()} {clock(v.savedAt)}
              </td>
              <td>{v.author}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff !== null ? (
        <pre className="code diff" data-testid="profile-diff">
          {diff.split('\n').map((line, i) => (
            <span
              key={i}
              className={
                line.startsWith('+') && !line.startsWith('+++')
                  ? 'add'
                  : line.startsWith('-') && !line.startsWith('---')
                    ? 'del'
                    : line.startsWith('@@')
                      ? 'hunk'
                      : ''
              }
            >
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : versions.length === 1 ? (
        <p className="muted small">One version so far; a diff needs two.</p>
      ) : null}
    </div>
  );
}
