/** Small shared formatting for the writers: sizes, durations, times. */

export function formatBytes(n: number | null): string {
  if (n === null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** RAM is sold in GiB: 17179869184 bytes is "16 GB" on the box, not "17.2 GB". */
export function formatRam(n: number | null): string {
  if (n === null) return '';
  const gib = n / 1024 ** 3;
  return gib >= 1 ? `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GB` : formatBytes(n);
}

export function formatDuration(s: number | null): string {
  if (s === null) return '';
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(sec).padStart(2, '0')} s`;
}

/** A duration that never wraps in a table cell or key-value line ("2 min 5 s" stays whole). */
export function formatDurationUnbroken(s: number | null): string {
  return formatDuration(s).replace(/ /g, '\u00a0');
}

/** "2026-11-26 14:03" in the given zone (the station's own when null). */
export function timeFormatter(timeZone: string | null): (iso: string | null) => string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: timeZone ?? undefined,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  return (iso) => {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
  };
}

export function zoneName(timeZone: string | null): string {
  return timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}
