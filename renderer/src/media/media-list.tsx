import type { MediaRecord } from '../../../main/api/media';
import { api } from '../api/client';
import { ConfirmDialog } from '../components/confirm';
import { outcome, useAction } from '../lib/use-action';
import { size } from './upload';

/** The imported media, their editions and WinPE tools; delete asks first. */
export function MediaList({
  media,
  onError,
}: {
  media: MediaRecord[] | null;
  onError: (m: string | null) => void;
}) {
  const action = useAction<MediaRecord>();
  const deleting = action.pending;
  if (!media) return null;
  if (media.length === 0) {
    return (
      <p className="empty" data-testid="media-empty">
        No medium imported yet.
      </p>
    );
  }
  // The page shows a refusal (beside its upload errors); the list itself shows the deletion.
  const remove = (m: MediaRecord) =>
    void action
      .run(async () =>
        outcome(
          await api<{ id: string }>(`/api/v1/media/${encodeURIComponent(m.id)}`, {
            method: 'DELETE',
          }),
          null,
        ),
      )
      .then((said) => onError(said?.text ?? null));
  return (
    <>
      <table className="table" data-testid="media-table">
        <thead>
          <tr>
            <th>Id</th>
            <th>Medium</th>
            <th>Editions (index: EDITIONID)</th>
            <th>WinPE tools</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {media.map((m) => (
            <tr key={m.id} data-testid={`media-row-${m.id}`}>
              <td className="mono">{m.id}</td>
              <td>
                {m.label}
                <div className="muted small">
                  build {m.build}, installer {m.uiLanguage}, {m.image.kind}
                  {m.image.parts.length > 1 ? ` in ${m.image.parts.length} parts` : ''},{' '}
                  {size(m.bytes)} , from {m.source}
                </div>
                {m.warnings.map((w) => (
                  <div key={w} className="warning small" data-testid={`media-warning-${m.id}`}>
                    {w}
                  </div>
                ))}
              </td>
              <td>
                <ul className="plain small" data-testid={`media-editions-${m.id}`}>
                  {m.editions.map((e) => (
                    <li key={e.index}>
                      {e.index}: {e.editionId || '?'} ({e.name}, {e.architecture},{' '}
                      {e.languages.join(', ')})
                    </li>
                  ))}
                </ul>
              </td>
              <td className="small" data-testid={`media-winpe-${m.id}`}>
                {m.winpe.curl
                  ? ['curl.exe', ...m.winpe.dlls.map((d) => d.split('/').pop())].join(', ')
                  : 'no curl.exe: cannot be deployed'}
              </td>
              <td>
                <button
                  type="button"
                  className="danger secondary"
                  data-testid={`media-delete-${m.id}`}
                  onClick={() => action.ask(m)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting ? (
        <ConfirmDialog
          title={`Delete medium ${deleting.id}?`}
          body={`Its files (${size(deleting.bytes)}) are removed from the station. Profiles that name it cannot be deployed until it is imported again.`}
          confirmLabel="Delete"
          onConfirm={() => remove(deleting)}
          onCancel={action.cancel}
        />
      ) : null}
    </>
  );
}
