import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MediaImportStatus } from '../../../main/media/types';
import type { WimbootStatus } from '../../../main/media/wimboot';
import { api } from '../api/client';
import { useStore } from '../store';
import { selectMedia, selectMediaImports } from '../store/media';
import { MediaList } from './media-list';
import './media.css';
import { size, timeLeft, uploadIso, type UploadProgress } from './upload';

/**
 * Windows media: import an ISO (drop it or pick it), follow the upload and the import with
 * bytes and time left, see what each medium holds, delete one that no profile uses.
 */
export function MediaPage() {
  const media = useStore(selectMedia);
  const imports = useStore(useShallow(selectMediaImports));
  const [wimboot, setWimboot] = useState<WimbootStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [upload, setUpload] = useState<(UploadProgress & { name: string }) | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [id, setId] = useState('');
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    const [list, wb] = await Promise.all([
      api<Parameters<ReturnType<typeof useStore.getState>['setMedia']>[0]>('/api/v1/media'),
      api<WimbootStatus>('/api/v1/wimboot'),
    ]);
    if (list.ok) useStore.getState().setMedia(list.value);
    else setError(list.error.message);
    if (wb.ok) setWimboot(wb.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // wimboot's verdict depends on the media (24H2 needs 2.9.0): ask again when they change.
  const count = media?.length ?? 0;
  useEffect(() => {
    void api<WimbootStatus>('/api/v1/wimboot').then((r) => r.ok && setWimboot(r.value));
  }, [count]);

  const start = async (file: File) => {
    setError(null);
    setImportId(null);
    setUpload({ name: file.name, loaded: 0, total: file.size, etaSeconds: null });
    const { done } = uploadIso(file, id.trim(), (p) => setUpload({ name: file.name, ...p }));
    const r = await done;
    setUpload(null);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    useStore.getState().setMediaImport(r.value);
    setImportId(r.value.importId);
  };

  const current: MediaImportStatus | undefined = importId ? imports[importId] : undefined;
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void start(f);
  };
  const busy = upload !== null || current?.state === 'running';

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
              if (f) void start(f);
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
