import { useRef, useState, type DragEvent } from 'react';
import { MediaList } from './media-list';
import './media.css';
import { size, timeLeft } from './upload';
import { useMediaImport, useMediaLibrary } from './use-media';

/**
 * Windows media: import an ISO (drop it or pick it), follow the upload and the import with
 * bytes and time left, see what each medium holds, delete one that no profile uses.
 */
export function MediaPage() {
  const [error, setError] = useState<string | null>(null);
  const { media, wimboot } = useMediaLibrary(setError);
  const { upload, current, busy, start } = useMediaImport(setError);
  const [id, setId] = useState('');
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void start(f, id.trim());
  };

  return (
    <section className="page" data-testid="media-page">
      <h1>Media</h1>
      <p className="lead">
        Windows 10/11 installation media. Import the ISO from Microsoft once; profiles then name it
        (<span className="mono">target.media</span>) and one of its editions.
      </p>
      {wimboot?.problem ? (
        <div className="card warning-card" role="alert" data-testid="media-wimboot">
          <strong>{wimboot.problem}</strong> {wimboot.fix}
        </div>
      ) : wimboot ? (
        <p className="muted small" data-testid="media-wimboot">
          wimboot {wimboot.version ?? '(version unknown)'} is ready.
        </p>
      ) : null}
      <div
        className={`card drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="media-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <h2>Import an ISO</h2>
        <p>Drop a Windows ISO here, or pick it.</p>
        <div className="row">
          <label>
            Id (optional){' '}
            <input
              data-testid="media-id"
              value={id}
              placeholder="win11-24h2"
              pattern="[a-z0-9][a-z0-9-]*"
              onChange={(e) => setId(e.target.value)}
            />
          </label>
          <button
            type="button"
            disabled={busy}
            data-testid="media-pick"
            onClick={() => picker.current?.click()}
          >
            Choose ISO…
          </button>
          <input
            ref={picker}
            type="file"
            accept=".iso"
            hidden
            data-testid="media-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void start(f, id.trim());
            }}
          />
        </div>
        {upload ? (
          <Progress
            label={`Uploading ${upload.name}`}
            done={upload.loaded}
            total={upload.total}
            eta={upload.etaSeconds}
          />
        ) : current && current.state !== 'failed' ? (
          <Progress
            label={
              current.state === 'done'
                ? `Imported ${current.id ?? ''}`
                : `${current.source}: ${current.phase}`
            }
            done={current.bytesDone}
            total={current.bytesTotal}
            eta={current.state === 'done' ? null : current.etaSeconds}
          />
        ) : null}
        {current?.state === 'failed' && current.error ? (
          <p className="error" role="alert" data-testid="media-import-error">
            {current.error.message}
          </p>
        ) : null}
        {error ? (
          <p className="error" role="alert" data-testid="media-error">
            {error}
          </p>
        ) : null}
      </div>
      <MediaList media={media} onError={setError} />
    </section>
  );
}

function Progress({
  label,
  done,
  total,
  eta,
}: {
  label: string;
  done: number;
  total: number;
  eta: number | null;
}) {
  const pct = total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 0;
  return (
    <div data-testid="media-progress">
      <div
        className="progress"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="small" data-testid="media-progress-text">
        {label}: {size(done)} of {size(total)} ({pct}%){eta !== null ? `, ${timeLeft(eta)}` : ''}
      </p>
    </div>
  );
}
